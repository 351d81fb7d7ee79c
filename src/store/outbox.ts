/**
 * The outbox: own messages the server has not acked yet. Entries live in IndexedDB (so a reload
 * loses none) and are sent again, oldest first, every time the connection opens. Re-sending is safe:
 * the server deduplicates by client id, so each message is stored and delivered once.
 */
import { type Observable, type ObservableInput, concatMap, from, switchMap } from 'rxjs';
import type { ChatType, Ext } from '../protocol/index.js';

/** What the outbox keeps for one message: enough to send it again without the messages store. */
export interface OutboxEntry {
  /** The message's client id (the key). */
  id: string;
  /** Position in the queue: increases with every entry added, across reloads. */
  order: number;
  to: string;
  chatType: ChatType;
  type: 'txt';
  text: string;
  ext?: Ext;
  /** When it was queued, ms since the epoch. */
  queuedAt: number;
}

/** Queue order: by `order`, then time, then id (only the first matters unless a database was edited by hand). */
export function compareOutbox(a: OutboxEntry, b: OutboxEntry): number {
  return a.order - b.order || a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function orderOutbox(entries: readonly OutboxEntry[]): OutboxEntry[] {
  return [...entries].sort(compareOutbox);
}

/**
 * On every `opened`, reads the outbox and emits its entries in queue order, one by one, for the
 * caller to send. A new `opened` during a flush abandons the old one (its socket is gone) and starts
 * over from a fresh read, so nothing is skipped and nothing is sent out of order on the new socket.
 */
export function flushOnOpen(
  opened: Observable<unknown>,
  readOutbox: () => ObservableInput<OutboxEntry[]>,
): Observable<OutboxEntry> {
  return opened.pipe(
    switchMap(() => from(readOutbox()).pipe(concatMap((entries) => orderOutbox(entries)))),
  );
}
