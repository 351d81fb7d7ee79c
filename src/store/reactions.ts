/**
 * Reactions of messages (issue 14), kept on each stored message (`ChatMessage.reactions`, so they
 * are in IndexedDB with it and show at once after a reload). Three things change them:
 * - the live `onReactionChange` of every member's change (mine from my other devices too), which
 *   carries the message's whole list after the change;
 * - a refresh from the server (`getReactionList`) of the recent messages of a conversation when its
 *   `messages$` is subscribed and whenever the connection opens again while it is, since changes
 *   made while this device was away are not replayed (history pages bring theirs with them);
 * - my own `react`, shown at once and undone on a refusal (`message-actions.ts`, a chunk loaded on
 *   first use).
 * The server keys a message by its server id, so the store finds it by `mid`, never by client id.
 */
import { Observable, combineLatest, distinctUntilChanged } from 'rxjs';
import { Limits } from '../protocol/index.js';
import { isRecord, reactionsOf, str } from './messages.js';
import { readMessages, updateReactions } from './messages-repo.js';
import type { Session } from './session.js';
import type { StoreCore } from './store-core.js';
import type { ChatMessage, MessageReaction } from './types.js';

export class Reactions {
  /** The server ids changed while each refresh in flight waited: its answer is older for them. */
  readonly #watching = new Set<Set<string>>();
  /** Conversations whose `messages$` someone is subscribed to, once per subscriber. */
  readonly #viewed: string[] = [];

  readonly #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
    // Signed in and online (after a reload, a login or a reconnection): read them again.
    core.subscriptions.add(
      combineLatest([core.shown, core.status.pipe(distinctUntilChanged())]).subscribe(
        ([session, status]) => {
          if (session && status === 'online')
            for (const id of new Set(this.#viewed)) void this.refresh(id);
        },
      ),
    );
  }

  /** `messages$` of a conversation, whose reactions are read again while it is subscribed. */
  viewing<T>(conversationId: string, query: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      this.#viewed.push(conversationId);
      void this.refresh(conversationId);
      const subscription = query.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        this.#viewed.splice(this.#viewed.indexOf(conversationId), 1);
      };
    });
  }

  /** Writes new lists for messages by server id and says which conversations changed. */
  async store(
    session: Session,
    mids: string[],
    next: (message: ChatMessage) => MessageReaction[] | undefined,
  ): Promise<void> {
    const changed = await this.#core.whileOpen(() => updateReactions(session.db, mids, next));
    for (const id of new Set(changed?.map((message) => message.conversationId)))
      this.#core.changed(id);
  }

  /** Something changed the reactions of `mid` now: a refresh asked before says older things of it. */
  touched(mid: string): void {
    for (const set of this.#watching) set.add(mid);
  }

  /** An `onReactionChange`: the message's whole list as this user sees it. */
  live(session: Session, change: unknown): Promise<void> | undefined {
    const mid = isRecord(change) ? str(change.messageId) : undefined;
    if (!mid) return;
    this.touched(mid);
    const reactions = reactionsOf((change as { reactions?: unknown }).reactions);
    return this.store(session, [mid], () => reactions);
  }

  /**
   * Reads the reactions of the conversation's recent messages from the server again (the most
   * recent that `getReactionList` takes at once). Quiet: offline, or refused, it leaves them as
   * they are. Rooms have no reactions.
   */
  async refresh(conversationId: string): Promise<void> {
    const session = this.#core.shown.value;
    if (!session || this.#core.status.value !== 'online') return;
    const changed = new Set<string>();
    this.#watching.add(changed);
    try {
      const mids = (await readMessages(session.db, conversationId))
        .filter((m) => m.mid && !m.recalled && m.chatType !== 'chatRoom')
        .map((m) => m.mid!)
        .slice(-Limits.reactionListMessagesMax);
      if (!mids.length) return;
      const { data } = await session.connection.reaction('getReactionList', { messageId: mids });
      const lists = new Map(data.map((item) => [item.msgId, reactionsOf(item.reactionList)]));
      await this.store(session, mids, (message) =>
        changed.has(message.mid!) ? undefined : lists.get(message.mid!),
      );
    } catch {
      // Shown as stored; the next time the conversation shows tries again.
    } finally {
      this.#watching.delete(changed);
    }
  }
}
