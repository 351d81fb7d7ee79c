/**
 * Reactions to messages (the 4.x SDK's `addReaction`, `deleteReaction`, `getReactionList`,
 * `getReactionDetail`; bodies and refusals in src/protocol/rest.ts). Only a member of the message's
 * conversation may react or read them: the sender or recipient of a 1:1 message, a member of the
 * group while a member. Not to a recalled message, not in a chat room (rooms keep no history). Each
 * change becomes one {@link ReactionFrame} per member, shaped for that member, for the bus.
 */
import type { ReactionChange, ReactionFrame, ReactionListItem } from '../../src/protocol/frames.js';
import { ReactionUsersListed } from '../../src/protocol/frames.js';
import type { AddReactionRequest, ReactionListResponse } from '../../src/protocol/rest.js';
import { Limits } from '../../src/protocol/rest.js';
import type { ReactionRecord } from '../storage/reaction-storage.js';
import type { AppRecord, Storage, StoredMessage } from '../storage/storage.js';
import { forbidden, invalid, notFound } from './errors.js';

/** A change's frame for one member's sessions. */
export interface ReactionNotice {
  username: string;
  frame: ReactionFrame;
}

export interface ReactionDetail extends ReactionListItem {
  cursor: string | null;
}

// Control characters would let a "reaction" carry line breaks or escapes into every member's list.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkReaction(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    CONTROL.test(value) ||
    [...value].length > Limits.reactionMaxChars
  ) {
    throw invalid(
      `the reaction must be 1 to ${Limits.reactionMaxChars} characters, not only spaces`,
    );
  }
  return value;
}

export function checkMessageId(value: unknown, name = 'messageId'): string {
  if (typeof value !== 'string' || value === '' || value.length > 64) {
    throw invalid(`${name} must be a message id`);
  }
  return value;
}

/** Each reaction of one message and its users, in the order they came. */
function byReaction(records: readonly ReactionRecord[]): Map<string, string[]> {
  const kinds = new Map<string, string[]>();
  for (const { reaction, username } of records) {
    const users = kinds.get(reaction);
    if (users) users.push(username);
    else kinds.set(reaction, [username]);
  }
  return kinds;
}

const listItem = (reaction: string, users: string[], reader: string): ReactionListItem => ({
  reaction,
  userCount: users.length,
  isAddedBySelf: users.includes(reader),
  userList: users.slice(0, ReactionUsersListed),
});

export class Reactions {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** Adds `user`'s reaction; the frames for the members (none when they had it already). */
  async add(
    app: AppRecord,
    user: string,
    request: Partial<AddReactionRequest>,
  ): Promise<ReactionNotice[]> {
    const mid = checkMessageId(request.msgId);
    const reaction = checkReaction(request.message);
    const { message, members } = await this.#conversation(app, user, mid);
    const ts = Date.now();
    const max = Limits.reactionsPerMessageMax;
    const record = { mid, reaction, username: user, time: ts };
    const outcome = await this.#storage.reactions.add(app.key, record, max);
    if (outcome === 'full') {
      throw forbidden(`message ${mid} has ${max} kinds of reaction already; add one of them`);
    }
    if (outcome === 'present') return [];
    return this.#notices(app, user, message, members, reaction, 'create', ts);
  }

  /** Removes `user`'s reaction; the frames for the members (none when they had not added it). */
  async remove(app: AppRecord, user: string, msgId: unknown, value: unknown) {
    const mid = checkMessageId(msgId);
    const reaction = checkReaction(value);
    const { message, members } = await this.#conversation(app, user, mid);
    if (!(await this.#storage.reactions.remove(app.key, mid, reaction, user))) return [];
    return this.#notices(app, user, message, members, reaction, 'delete', Date.now());
  }

  /**
   * The reactions of each message asked, as `user` sees them. A message that is not there, or was
   * recalled, has none; one of a conversation `user` is not part of refuses the whole request.
   */
  async list(app: AppRecord, user: string, mids: string[]): Promise<ReactionListResponse['data']> {
    if (mids.length === 0 || mids.length > Limits.reactionListMessagesMax) {
      throw invalid(`messageId must name 1 to ${Limits.reactionListMessagesMax} messages`);
    }
    const visible: string[] = [];
    const groups = new Map<string, string[]>();
    for (const mid of new Set(mids)) {
      const message = await this.#storage.getMessage(app.key, checkMessageId(mid));
      if (!message || message.recalled) continue;
      let members = groups.get(message.to);
      if (!members) {
        members = await this.#members(app, message);
        if (message.chatType === 'groupChat') groups.set(message.to, members);
      }
      if (!members.includes(user)) throw this.#notPart(message);
      visible.push(mid);
    }
    const reactions = await this.summaries(app, user, visible);
    return mids.map((mid) => ({ msgId: mid, reactionList: reactions.get(mid) ?? [] }));
  }

  /** One page of the users of one reaction, from `cursor` (the offset the previous page gave). */
  async detail(
    app: AppRecord,
    user: string,
    query: { msgId?: unknown; message?: unknown; cursor?: unknown; limit?: unknown },
  ): Promise<ReactionDetail> {
    const mid = checkMessageId(query.msgId);
    const reaction = checkReaction(query.message);
    const limit = pageSize(query.limit);
    await this.#conversation(app, user, mid);
    const records = await this.#storage.reactions.of(app.key, [mid]);
    const users = byReaction(records).get(reaction) ?? [];
    const cursor = query.cursor ?? '';
    if (cursor !== '' && (typeof cursor !== 'string' || !/^\d{1,9}$/.test(cursor))) {
      throw invalid('cursor must be one a previous page gave');
    }
    const start = Number(cursor);
    if (start > users.length) throw invalid(`cursor ${start} is past the ${users.length} users`);
    const end = start + limit;
    return {
      reaction,
      userCount: users.length,
      isAddedBySelf: users.includes(user),
      userList: users.slice(start, end),
      cursor: end < users.length ? String(end) : null,
    };
  }

  /**
   * The reactions of messages `mids` (of a history page `user` may read) as `user` sees them, by
   * mid; a message without any has no entry.
   */
  async summaries(app: AppRecord, user: string, mids: string[]) {
    const records = await this.#storage.reactions.of(app.key, mids);
    const byMessage = new Map<string, ReactionRecord[]>();
    for (const record of records) {
      const list = byMessage.get(record.mid);
      if (list) list.push(record);
      else byMessage.set(record.mid, [record]);
    }
    const summaries = new Map<string, ReactionListItem[]>();
    for (const [mid, list] of byMessage) {
      summaries.set(
        mid,
        [...byReaction(list)].map(([reaction, users]) => listItem(reaction, users, user)),
      );
    }
    return summaries;
  }

  /** The message `mid` and the members of its conversation, when `user` is one of them. */
  async #conversation(app: AppRecord, user: string, mid: string) {
    const message = await this.#storage.getMessage(app.key, mid);
    if (!message) throw notFound(`no message ${mid}`);
    if (message.recalled) throw notFound(`message ${mid} was recalled`);
    const members = await this.#members(app, message);
    if (!members.includes(user)) throw this.#notPart(message);
    return { message, members };
  }

  async #members(app: AppRecord, message: StoredMessage): Promise<string[]> {
    if (message.chatType === 'singleChat') return [...new Set([message.from, message.to])];
    if (message.chatType === 'groupChat') {
      return (await this.#storage.groups.members(app.key, message.to)).map((m) => m.username);
    }
    throw invalid('reactions are for one-to-one and group messages; a chat room keeps no history');
  }

  #notPart(message: StoredMessage) {
    return message.chatType === 'groupChat'
      ? forbidden(`you are not a member of group ${message.to}`)
      : forbidden(`message ${message.mid} is not of a conversation of yours`);
  }

  async #notices(
    app: AppRecord,
    user: string,
    message: StoredMessage,
    members: string[],
    changed: string,
    reactionType: 'create' | 'delete',
    ts: number,
  ): Promise<ReactionNotice[]> {
    const kinds = byReaction(await this.#storage.reactions.of(app.key, [message.mid]));
    // The last user of a reaction removed it: it is told once more, at count 0.
    if (!kinds.has(changed)) kinds.set(changed, []);
    const group = message.chatType === 'groupChat';
    const to = group || message.from === user ? message.to : message.from;
    return members.map((username) => {
      const reactions = [...kinds].map(([reaction, users]): ReactionChange => {
        const item: ReactionChange = {
          reaction,
          count: users.length,
          userList: users.slice(0, ReactionUsersListed),
          isAddedBySelf: users.includes(username),
        };
        if (reaction === changed) item.op = [{ operator: user, reactionType }];
        return item;
      });
      const frame: ReactionFrame = {
        t: 'reaction',
        from: user,
        to,
        chatType: group ? 'groupChat' : 'singleChat',
        messageId: message.mid,
        reactions,
        ts,
      };
      return { username, frame };
    });
  }
}

function pageSize(value: unknown): number {
  if (value === undefined || value === '') return Limits.reactionDetailPageDefault;
  const limit = Number(value);
  if (
    typeof value !== 'string' ||
    !/^\d+$/.test(value) ||
    limit < 1 ||
    limit > Limits.reactionDetailPageMax
  ) {
    throw invalid(`pageSize (limit) must be an integer from 1 to ${Limits.reactionDetailPageMax}`);
  }
  return limit;
}
