/**
 * Delete for me (the 4.x SDK's `removeHistoryMessages` and `deleteConversation`; the wire is
 * src/protocol/deletions.ts): a user deletes messages or a conversation from their own view only.
 * Each message named must be one of that conversation, and a group's only for its members; a
 * conversation only one the user has. Accepted deletions are an event in the user's inbox, for
 * their other sessions and devices.
 */
import type { RoamingDeleteEvent } from '../../src/protocol/deletions.js';
import { Limits } from '../../src/protocol/rest.js';
import type { DeleteForMe } from '../storage/deletion-storage.js';
import {
  conversationKey,
  type AppendedEvent,
  type AppRecord,
  type Storage,
} from '../storage/storage.js';
import { invalid, notFound } from './errors.js';
import type { Groups } from './groups.js';
import { conversationParams, optionalParam, type Query } from './query-params.js';

type Deletable = RoamingDeleteEvent['chatType'];

export class Deletions {
  readonly #storage: Storage;
  readonly #groups: Groups;

  constructor(storage: Storage, groups: Groups) {
    this.#storage = storage;
    this.#groups = groups;
  }

  /** `removeHistoryMessages`: `targetId`, `chatType`, and `messageIds` or `beforeTimeStamp`. */
  async removeMessages(app: AppRecord, me: string, query: Query): Promise<AppendedEvent[]> {
    const [peer, chatType] = conversationParams(query, 'targetId');
    const ids = optionalParam(query, 'messageIds')?.split(',');
    const beforeText = optionalParam(query, 'beforeTimeStamp');
    if (!ids === (beforeText === undefined)) {
      throw invalid('give either messageIds or beforeTimeStamp');
    }
    const time = Date.now();
    let before = beforeText === undefined ? undefined : Number(beforeText);
    if (before !== undefined && !(Number.isSafeInteger(before) && before > 0)) {
      throw invalid('beforeTimeStamp must be a time in ms since the epoch');
    }
    // Not later than now (a client's clock may be ahead): what is sent later is not deleted.
    if (before !== undefined) before = Math.min(before, time + 1);
    const mids = ids && [...new Set(ids)];
    if (mids && (mids.length > Limits.deleteMessagesMax || mids.some((mid) => !mid))) {
      throw invalid(`messageIds must list 1 to ${Limits.deleteMessagesMax} message ids`);
    }
    if (chatType === 'groupChat') await this.#groups.requireMember(app, me, peer);
    const conv = chatType === 'groupChat' ? peer : conversationKey(me, peer);
    for (const mid of mids ?? []) {
      const message = await this.#storage.getMessage(app.key, mid);
      const ours =
        message?.chatType === chatType &&
        (chatType === 'groupChat'
          ? message.to === peer
          : conversationKey(message.from, message.to) === conv);
      // The same answer for a message of another conversation as for none: ids tell nothing.
      if (!ours) throw notFound(`no message ${mid} in this conversation`);
    }
    const event: Omit<RoamingDeleteEvent, 'seq'> = {
      ...this.#event('deleteRoaming', me, peer, chatType, time),
      ...(mids ? { messageIds: mids } : { beforeTimeStamp: before }),
    };
    const change: DeleteForMe = { peer, chatType, ...(mids ? { mids } : { before }) };
    return (await this.#storage.deletions.deleteForMe(app.key, me, change, event))!;
  }

  /** `deleteConversation`: `channel`, `chatType`, `deleteRoam`. */
  async deleteConversation(app: AppRecord, me: string, query: Query): Promise<AppendedEvent[]> {
    const [peer, chatType] = conversationParams(query, 'channel');
    const roam = optionalParam(query, 'deleteRoam') ?? 'false';
    if (roam !== 'true' && roam !== 'false') throw invalid('deleteRoam must be true or false');
    const time = Date.now();
    const event: Omit<RoamingDeleteEvent, 'seq'> = {
      ...this.#event('deleteConversation', me, peer, chatType, time),
      deleteRoam: roam === 'true',
    };
    // Everything sent up to now (`time` itself included) goes with deleteRoam.
    const change: DeleteForMe = { peer, chatType, unlist: true };
    if (event.deleteRoam) event.beforeTimeStamp = change.before = time + 1;
    const events = await this.#storage.deletions.deleteForMe(app.key, me, change, event);
    if (!events) throw notFound(`you have no conversation with ${peer}`);
    return events;
  }

  #event(
    operation: RoamingDeleteEvent['operation'],
    me: string,
    peer: string,
    chatType: Deletable,
    time: number,
  ): Omit<RoamingDeleteEvent, 'seq'> {
    return {
      kind: 'roaming',
      operation,
      from: me,
      to: peer,
      conversationId: peer,
      chatType,
      conversationType: chatType,
      timestamp: time,
      time,
    };
  }
}
