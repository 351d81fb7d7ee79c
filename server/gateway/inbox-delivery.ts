/**
 * What of a user's inbox a session has sent, and what it sends next: the replay after `auth`, live
 * items in seq order, and the catch-up from the inbox after the socket was too full (issue 11).
 *
 * While syncing (the replay, or a catch-up) live inbox items are not sent nor kept: the inbox has
 * them, and the sync reads it until it has passed the newest seq that went by. A live item out of
 * seq order, or a socket over {@link LIVE_HIGH_WATER}, starts a catch-up.
 */
import { CloseCode } from '../../src/protocol/frames.js';
import type { UserEvent } from '../bus/fanout.js';
import { type InboxItem } from '../domain/messages.js';
import { serialisedFrame } from '../domain/message-json.js';
import type { SessionPort } from './session-port.js';

/** Inbox rows read per query during replay. */
const REPLAY_PAGE = 200;
/** Past this much unsent, inbox items wait in the inbox instead of the socket's buffer. */
export const LIVE_HIGH_WATER = 1024 * 1024;
/** How often a session that stopped live delivery looks whether its socket drained. */
const DRAIN_POLL_MS = 25;
/** Seqs kept past the contiguous ones before the session reads the gap from the inbox. */
const AHEAD_MAX = 256;

export class InboxDelivery {
  readonly #port: SessionPort;
  /** Live items are neither sent nor kept (the replay or a catch-up reads them from the inbox). */
  #syncing = true;
  /** The newest seq that went by while syncing. */
  #skipped = 0;
  /** Every seq up to this is at the client (sent, skipped by a read, or its own ack). */
  #through = 0;
  /** Seqs past {@link #through} the client has already: own sends' acks, live items out of order. */
  readonly #ahead = new Set<number>();

  constructor(port: SessionPort) {
    this.#port = port;
  }

  /** Sends the inbox after `cursor`, then `sync-done`; live delivery follows. */
  async replay(cursor: number): Promise<void> {
    this.#through = cursor;
    const last = await this.#sync();
    if (last !== undefined) this.#port.send({ t: 'sync-done', seq: last });
  }

  /** A message or an inbox event for this session's user, from the bus. */
  fromBus(event: Extract<UserEvent, { kind: 'message' | 'inbox-event' }>): void {
    const port = this.#port;
    if (event.exceptSession === port.id) {
      // This session's own action: the client has its answer already.
      this.mark(event.kind === 'message' ? event.message.seq : event.event.seq);
      return;
    }
    if (event.kind === 'message' && event.message.seq === 0) {
      // A room message, or one sent online only, is in no inbox: it goes out at once, or is lost
      // to a client that does not read (rooms promise only the recent window to those who were
      // away, online only promises nothing to them).
      if (!port.congested()) {
        const base = port.restBase;
        port.sendText(event.frame?.(base) ?? serialisedFrame(event.message, base));
      }
      return;
    }
    if (event.kind === 'inbox-event' && event.event.seq === 0) {
      // Likewise a repeated "all read" (messages.readConversation).
      port.send({ t: 'event', event: event.event });
      return;
    }
    this.#live(
      event.kind === 'message'
        ? { seq: event.message.seq, message: event.message, frame: event.frame }
        : { seq: event.event.seq, event: event.event },
    );
  }

  /** A live inbox item (a message or an event with its seq). */
  #live(item: InboxItem): void {
    if (this.#syncing) {
      this.#skipped = Math.max(this.#skipped, item.seq);
    } else if (this.#port.congested()) {
      this.#fallBehind(item.seq);
    } else if (item.seq === this.#through + 1) {
      this.#deliver(item);
      this.mark(item.seq);
    } else if (item.seq > this.#through && !this.#ahead.has(item.seq)) {
      // Published out of seq order (by another process): the client keeps only what is past its
      // highest seq, so the gap must come first. Its seqs are stored already (a user's seqs are
      // given out in commit order), and the inbox sends them, in order, then this one.
      this.#fallBehind(item.seq);
    }
  }

  /** The client has `seq` (sent, or its own ack). */
  mark(seq: number): void {
    if (seq <= this.#through) return;
    this.#ahead.add(seq);
    while (this.#ahead.delete(this.#through + 1)) this.#through += 1;
    // A gap that live delivery never filled: the inbox fills it, and the set stays small.
    if (this.#ahead.size > AHEAD_MAX && !this.#syncing) this.#fallBehind(seq);
  }

  /** The session closed. */
  dispose(): void {
    this.#ahead.clear();
  }

  /**
   * Sends one inbox item. One that cannot be serialised (an `ext` nested thousands deep, stored
   * before the server bounded it: JSON.stringify runs out of stack) is skipped and logged; its seq
   * is passed like any other's, so the replay goes on and no reconnect brings it back (issue 11).
   */
  #deliver(item: InboxItem): void {
    const base = this.#port.restBase;
    let text: string;
    try {
      text =
        'event' in item
          ? JSON.stringify({ t: 'event', event: item.event })
          : 'json' in item
            ? item.json.frame(item.seq, base)
            : (item.frame?.(base) ?? serialisedFrame(item.message, base));
    } catch (error) {
      const mid = 'message' in item ? item.message.mid : 'json' in item ? item.json.mid : undefined;
      this.#port.ctx.log.warn(
        { err: error, user: this.#port.user, seq: item.seq, mid },
        'an inbox item cannot be serialised: skipped',
      );
      return;
    }
    this.#port.sendText(text);
  }

  /**
   * Sends the inbox from {@link #through} on, one page at a time and only while the socket drains,
   * until it has passed every live item skipped meanwhile; then live delivery resumes. Answers the
   * last seq covered (`undefined` if the session closed).
   */
  async #sync(): Promise<number | undefined> {
    const port = this.#port;
    let last = this.#through;
    for (;;) {
      await this.#drained();
      if (port.isClosed()) return undefined;
      const page = await port.ctx.domain.messages.inbox(port.app, port.user, last, REPLAY_PAGE);
      if (port.isClosed()) return undefined;
      for (const item of page.items) {
        if (item.seq > this.#through && !this.#ahead.has(item.seq)) this.#deliver(item);
      }
      last = page.last;
      // Everything up to the page's end is at the client now (recalled messages are skipped).
      if (last > this.#through) {
        for (const seq of this.#ahead) if (seq <= last) this.#ahead.delete(seq);
        this.#through = last;
        while (this.#ahead.delete(this.#through + 1)) this.#through += 1;
      }
      // Nothing awaits between this check and live delivery, so no item can slip between them.
      if (!page.full && this.#skipped <= last) break;
    }
    this.#syncing = false;
    return last;
  }

  /** Waits while the socket still has a lot to send (a slow client must not fill our memory). */
  async #drained(): Promise<void> {
    while (this.#port.congested() && !this.#port.isClosed()) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }

  /** Live delivery stopped (the socket is full): catch up from the inbox once it drains. */
  #fallBehind(seq: number): void {
    this.#syncing = true;
    this.#skipped = Math.max(this.#skipped, seq);
    this.#sync().catch((error: unknown) => {
      this.#port.ctx.log.error({ err: error }, 'catching up failed');
      this.#port.close(CloseCode.Normal, 'catching up failed; reconnect');
    });
  }
}
