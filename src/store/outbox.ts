/**
 * The outbox: own messages the server has not acked yet. Entries live in IndexedDB (so a reload
 * loses none) and are sent again, oldest first, every time the connection opens. Re-sending is safe:
 * the server deduplicates by client id, so each message is stored and delivered once.
 */
import { type Observable, type ObservableInput, concatMap, from, switchMap } from 'rxjs';
import type { ChatType, Ext } from '../protocol/index.js';
import type { AttachmentKind, ChatMessage, CustomContent, Location } from './types.js';

/** The file of a queued attachment: the bytes themselves (IndexedDB stores Blobs), so a reload can still send it. */
export interface OutboxFile {
  kind: AttachmentKind;
  file: Blob;
  filename: string;
  mime: string;
  size: number;
  thumbnail?: Blob;
  width?: number;
  height?: number;
  duration?: number;
  /**
   * Set once the upload succeeded, so a reload between upload and ack sends the message without
   * uploading the file again.
   */
  uploaded?: { url: string; secret: string; thumbUrl?: string; thumbSecret?: string };
}

/** What a queued message says, by kind. */
export type OutboxBody =
  | { type: 'txt'; text: string }
  | { type: AttachmentKind; file: OutboxFile }
  | { type: 'loc'; location: Location }
  | { type: 'custom'; custom: CustomContent };

/** What the outbox keeps for one message: enough to send it again without the messages store. */
export type OutboxEntry = {
  /** The message's client id (the key). */
  id: string;
  /** Position in the queue: increases with every entry added, across reloads. */
  order: number;
  to: string;
  chatType: ChatType;
  ext?: Ext;
  /** When it was queued, ms since the epoch. */
  queuedAt: number;
  /** Refused by the server: kept (with its file) for a retry, but not sent until then. */
  held?: boolean;
} & OutboxBody;

/** The outbox body of a message that can be re-queued from its stored copy (not attachments). */
export function bodyOf(message: ChatMessage): OutboxBody | undefined {
  if (message.type === 'txt') return { type: 'txt', text: message.text };
  if (message.type === 'loc' && message.location)
    return { type: 'loc', location: message.location };
  if (message.type === 'custom' && message.custom)
    return { type: 'custom', custom: message.custom };
  return undefined;
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
