/**
 * What users read back of their messages: the inbox a reconnecting session replays (messages and
 * receipt/recall events in one seq order), history pages, the conversation list, a room's recent
 * window, and the cursors that say where each device has got to. Messages (messages.ts) hands
 * these reads here.
 */
import type { ChatType, ServerMessage, UserEvent } from '../../src/protocol/frames.js';
import type { ServerConversation } from '../../src/protocol/rest.js';
import type { AppRecord, ConversationRecord, Storage } from '../storage/storage.js';
import { messageJson, type MessageJson } from './message-json.js';
import type { Rooms } from './rooms.js';
import { toInboxEvent, toServerMessage } from './server-messages.js';

export type InboxItem =
  /** A message live from the bus (`frame`: made from its stored JSON, in this process). */
  | { seq: number; message: ServerMessage; frame?: (base: string) => string }
  /** A message read from the inbox: its stored JSON, with this seq (nothing parsed). */
  | { seq: number; json: MessageJson }
  | { seq: number; event: UserEvent };

/** A page of a conversation, each message as its stored JSON (message-json.ts). */
export interface HistoryPage {
  messages: MessageJson[];
  cursor: string | null;
  isLast: boolean;
}

export interface InboxPage {
  items: InboxItem[];
  /** The highest seq read (recalled messages are read but not returned). */
  last: number;
  /** Whether the page was cut at `limit` (there may be more). */
  full: boolean;
}

/**
 * Whether `message` can be sent as JSON. A message stored before the server bounded `ext` may hold
 * one nested thousands deep, which parses but makes JSON.stringify run out of stack: a page or a
 * list holding it would fail whole, every time it is asked for (issue 11).
 */
const serialisable = (message: ServerMessage): boolean => {
  try {
    JSON.stringify(message);
    return true;
  } catch {
    return false;
  }
};

/** Whether a stored message's JSON can be made (see {@link serialisable}). */
const servable = (json: MessageJson): boolean => {
  try {
    json.text(0, '');
    return true;
  } catch {
    return false;
  }
};

/** A conversation's last message as the list can send it: without an `ext` it cannot send. */
const servedLast = (message: ServerMessage): ServerMessage =>
  serialisable(message) ? message : { ...message, ext: {} };

/** How often the conversation list is read before it is answered without a `seq`. */
const SEQ_ATTEMPTS = 3;

const toServerConversation = (record: ConversationRecord): ServerConversation => ({
  peer: record.peer,
  chatType: record.chatType as ChatType,
  lastMessage: servedLast(toServerMessage(record.lastMessage, 0)),
  unread: record.unread,
});

export class MessageReads {
  readonly #storage: Storage;
  readonly #rooms: Rooms;

  constructor(storage: Storage, rooms: Rooms) {
    this.#storage = storage;
    this.#rooms = rooms;
  }

  /** A page of the room's recent window, newest first (seq 0: not in any inbox). */
  async roomMessages(app: AppRecord, user: string, roomId: string, limit: number) {
    const records = await this.#rooms.recent(app, user, roomId, limit);
    return records.map((record) => toServerMessage({ ...record, recalled: false }, 0));
  }

  /** One page of the user's inbox after `afterSeq`, in seq order, recalled messages left out. */
  async inbox(
    app: AppRecord,
    username: string,
    afterSeq: number,
    limit: number,
  ): Promise<InboxPage> {
    const entries = await this.#storage.readInbox(app.key, username, afterSeq, limit);
    const items: InboxItem[] = [];
    for (const entry of entries) {
      if ('event' in entry) {
        items.push({ seq: entry.seq, event: toInboxEvent(entry.event, entry.seq) });
      } else if ('userEvent' in entry) {
        items.push({ seq: entry.seq, event: entry.userEvent });
      } else if (!entry.message.recalled) {
        const stored = entry.message;
        items.push({
          seq: entry.seq,
          json: messageJson(stored, (seq) => toServerMessage(stored, seq)),
        });
      }
    }
    return { items, last: entries.at(-1)?.seq ?? afterSeq, full: entries.length === limit };
  }

  /** A page of the conversation with `peer`, newest first; `undefined` for a foreign cursor. */
  async history(
    app: AppRecord,
    me: string,
    peer: string,
    cursor: string | null,
    limit: number,
  ): Promise<HistoryPage | undefined> {
    // One more than asked tells whether anything older is left.
    const page = await this.#storage.history(app.key, me, peer, cursor, limit + 1);
    if (!page) return undefined;
    const kept = page.slice(0, limit);
    // One that cannot be sent is left out, as the replay does; the cursor still passes it.
    const messages = kept
      .map((stored) => messageJson(stored, (seq) => toServerMessage(stored, seq)))
      .filter(servable);
    const isLast = page.length <= limit;
    return { messages, cursor: isLast ? null : (kept.at(-1)?.mid ?? null), isLast };
  }

  /**
   * The conversation list, and the inbox seq its unread counts are as of (`seq`): read between two
   * reads of my last seq that agree, nothing was appended to my inbox meanwhile (a deletion for me
   * is hidden in the same transaction that appends its event), so exactly the events up to it are
   * in the counts, and a client knows which replayed deletions they already left out. Without
   * `seq` when my inbox kept moving for {@link SEQ_ATTEMPTS} reads.
   */
  async conversations(
    app: AppRecord,
    username: string,
  ): Promise<{ conversations: ServerConversation[]; seq?: number }> {
    let records: ConversationRecord[] = [];
    for (let attempt = 0; attempt < SEQ_ATTEMPTS; attempt++) {
      const before = await this.#storage.lastSeq(app.key, username);
      records = await this.#storage.conversations(app.key, username);
      if ((await this.#storage.lastSeq(app.key, username)) === before) {
        return { conversations: records.map(toServerConversation), seq: before };
      }
    }
    return { conversations: records.map(toServerConversation) };
  }

  lastSeq(app: AppRecord, username: string): Promise<number> {
    return this.#storage.lastSeq(app.key, username);
  }

  /**
   * Where a session resumes: the client's own `since`, else this device's cursor, else the highest
   * cursor of any device (a new device gets what no device has had, not the whole history).
   */
  async resumeCursor(
    app: AppRecord,
    username: string,
    deviceId: string,
    since: number | undefined,
  ): Promise<number> {
    if (since !== undefined) return since;
    const device = await this.#storage.getDeviceCursor(app.key, username, deviceId);
    return device ?? (await this.#storage.getUserCursor(app.key, username));
  }

  /** The device has stored everything up to `seq` (never beyond the user's last seq). */
  async received(app: AppRecord, username: string, deviceId: string, seq: number): Promise<void> {
    const capped = Math.min(seq, await this.#storage.lastSeq(app.key, username));
    if (capped > 0) await this.#storage.raiseCursor(app.key, username, deviceId, capped);
  }
}
