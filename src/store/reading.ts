/**
 * Reading: how far the user has read each conversation, here and on their other devices. Marks
 * conversations read, sends coalesced read receipts, applies the receipts and recalls that arrive,
 * and takes in the server's unread counts after every open (`reconcile`).
 */
import { Subject } from 'rxjs';
import type { ChatType } from '../protocol/index.js';
import type { ReceiptEvent, ServerConversationInfo } from './connection-events.js';
import { conversationIdOf } from './conversations.js';
import { type ServerConversationState, reconcileConversations } from './conversations-repo.js';
import type { Files } from './files.js';
import { fromReceived, isCommand } from './messages.js';
import { applyReceipt, applyRecall, markSeenUpTo, storeIncomingBatch } from './messages-repo.js';
import type { Names } from './names.js';
import type { Session } from './session.js';
import type { StoreCore } from './store-core.js';
import { latestPerKey } from './stream-batching.js';

/** Read receipts for one conversation go out at most this often. */
const READ_ACK_MS = 250;

/** A read receipt waiting to be sent (coalesced per conversation). */
interface ReadAck {
  session: Session;
  to: string;
  mid: string;
  chatType: ChatType;
  /** Also send a conversation-level `channel` ack: the receipt covers the newest message. */
  channel: boolean;
}

let tick = 0;
/** The next tick of {@link Session.unreadTouched} and {@link Session.gone}: one counter for the page. */
export const nextTick = () => ++tick;

export class Reading {
  private readonly readAcks = new Subject<ReadAck>();
  constructor(
    private readonly core: StoreCore,
    private readonly names: Names,
    private readonly files: Files,
  ) {
    core.subscriptions.add(
      this.readAcks
        .pipe(latestPerKey((ack) => `${ack.to}\n${ack.chatType}`, READ_ACK_MS))
        .subscribe((ack) => void this.sendReadAck(ack)),
    );
  }

  markRead(conversationId: string): Promise<void> {
    return this.seen(conversationId);
  }

  markSeen(conversationId: string, messageId: string): Promise<void> {
    return this.seen(conversationId, messageId);
  }

  private async seen(conversationId: string, messageId?: string): Promise<void> {
    const session = this.core.requireSession();
    const online = this.core.status.value === 'online';
    this.touchUnread(session, conversationId);
    const result = await this.core.whileOpen(() =>
      markSeenUpTo(
        session.db,
        conversationId,
        session.username,
        messageId === undefined ? { record: online } : { id: messageId, record: online },
      ),
    );
    if (!result) return;
    session.unreadTouched.set(conversationId, nextTick());
    if (result.unreadChanged) this.core.changed();
    // Room messages are live only: the server keeps no read state for them.
    if (result.ack && result.ack.chatType !== 'chatRoom')
      this.readAcks.next({ session, ...result.ack, channel: result.newest });
  }

  /** Sends a coalesced read receipt (and a channel ack when it covers the newest message). */
  private async sendReadAck(ack: ReadAck): Promise<void> {
    if (this.core.session.value !== ack.session) return;
    try {
      await ack.session.connection.sendRead(ack.to, ack.mid, ack.chatType);
      if (ack.channel) await ack.session.connection.sendChannel(ack.to, ack.chatType);
    } catch {
      // Offline now: the server keeps the count; the next read on any device settles it.
    }
  }

  /**
   * A receipt or recall event. `from` is me when it comes from another device of mine: a read
   * there lowers the unread count here; a delivery there means nothing here.
   */
  async receipt(
    session: Session,
    kind: 'delivered' | 'read' | 'channel' | 'recall',
    event: ReceiptEvent,
  ): Promise<void> {
    if (typeof event?.from !== 'string' || typeof event.to !== 'string') return;
    const me = session.username;
    const mine = event.from === me;
    const group = event.chatType === 'groupChat' || event.chatType === 'chatRoom';
    // A peer's receipt is about my messages to them; a group member's, about mine in the group.
    const peer = group ? event.to : event.from;
    const mid = typeof event.mid === 'string' && event.mid !== '' ? event.mid : undefined;
    let conversationId: string | undefined;
    switch (kind) {
      case 'recall': {
        if (!mid) break;
        // Marked before the write: a server count that arrives while it runs must not undo it.
        const untouch = this.touchUnread(session, conversationIdOf(event, me));
        const recalled = await applyRecall(session.db, mid, me, event.from);
        if (recalled) {
          conversationId = recalled.conversationId;
          session.unreadTouched.set(conversationId, nextTick());
          for (const key of [recalled.id, `${recalled.id}#thumb`]) this.files.revoke(session, key);
        } else untouch();
        break;
      }
      case 'delivered':
        if (
          !mine &&
          !group &&
          mid &&
          (await applyReceipt(session.db, peer, 'delivered', mid)).length
        )
          conversationId = peer;
        break;
      case 'read':
      case 'channel':
        if (mine) {
          const upTo = kind === 'read' && mid ? { mid, record: true } : { record: true };
          const untouch = this.touchUnread(session, event.to);
          const result = await markSeenUpTo(session.db, event.to, me, upTo);
          if (result.found) {
            session.unreadTouched.set(event.to, nextTick());
            if (result.unreadChanged) this.core.changed();
          } else {
            untouch();
            // Read elsewhere up to a message this device never had: ask the server for the count.
            void this.reconcile(session);
          }
        } else if (
          // In a group only a read of my message (sent with `allowGroupAck`) says something.
          (!group || (kind === 'read' && mid)) &&
          (await applyReceipt(session.db, peer, 'read', kind === 'read' ? mid : undefined)).length
        ) {
          conversationId = peer;
        }
        break;
    }
    if (typeof event.seq === 'number' && Number.isFinite(event.seq))
      await storeIncomingBatch(session.db, [], { cursor: event.seq });
    if (conversationId) this.core.changed(conversationId);
  }

  /**
   * Marks a conversation's unread count as changed here, before the write that changes it: a
   * server count asked for earlier is stale for it from now on, also when it arrives (and decides
   * what to skip) while that write is still running, and then lands after it. Returns the undo, for
   * when the write found nothing to change.
   */
  private touchUnread(session: Session, conversationId: string): () => void {
    const before = session.unreadTouched.get(conversationId);
    const tick = nextTick();
    session.unreadTouched.set(conversationId, tick);
    return () => {
      if (session.unreadTouched.get(conversationId) !== tick) return;
      if (before === undefined) session.unreadTouched.delete(conversationId);
      else session.unreadTouched.set(conversationId, before);
    };
  }

  /**
   * After every open: the server's unread counts are the truth (they count reads on every device),
   * and conversations started elsewhere appear here. Each is stamped with the inbox seq it is as
   * of, when the server says (`deletions-repo.ts`: a replayed deletion it already left out).
   */
  async reconcile(session: Session): Promise<void> {
    const asked = nextTick();
    let list: ServerConversationInfo[];
    try {
      list = await session.connection.conversations();
    } catch {
      return; // The local counts stand until the next open.
    }
    if (this.core.session.value !== session) return;
    const states: ServerConversationState[] = [];
    for (const entry of list) {
      if (typeof entry?.peer !== 'string' || !Number.isFinite(entry.unread)) continue;
      const state: ServerConversationState = {
        id: entry.peer,
        chatType: entry.chatType ?? 'singleChat',
        unread: entry.unread,
        seq: entry.seq,
      };
      const last = entry.lastMessage && fromReceived(entry.lastMessage, session.username);
      // A command counts for when the server counted, else the messages stored here since the
      // one before it would be counted twice (the peer typing as this device reconnects).
      if (last) state.asOf = last.time;
      if (last && !isCommand(last)) {
        // Shown as the conversation's last message only, so drop what is per-device.
        delete last.seq;
        state.lastMessage = last;
      }
      states.push(state);
    }
    const skip = new Set<string>();
    const gone = new Set<string>();
    for (const [id, touched] of session.unreadTouched) if (touched > asked) skip.add(id);
    for (const [id, at] of session.gone ?? []) if (at > asked) gone.add(id);
    const result = await this.core.whileOpen(() =>
      reconcileConversations(session.db, states, { me: session.username, skip, gone }),
    );
    if (!result) return;
    if (result.changed) this.core.changed();
    for (const id of result.created) void this.names.resolveName(session, id);
    const active = this.core.active.value;
    if (active && this.core.visibility.isVisible())
      void this.markRead(active).catch(() => undefined);
  }
}
