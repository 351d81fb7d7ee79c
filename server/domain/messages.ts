/**
 * 1:1 messages of every kind: validation, idempotent storage with per-user sequence numbers, the
 * inbox a reconnecting session replays (messages and receipt/recall events in one seq order),
 * receipts, recall, history pages and the conversation list.
 */
import {
  MessageLimits,
  type ChatType,
  type Ext,
  type InboxEvent,
  type MessageBody,
  type SendFrame,
  type ServerMessage,
  type UserEvent,
} from '../../src/protocol/frames.js';
import type { ServerConversation } from '../../src/protocol/rest.js';
import type { AppRecord, StoredEvent, StoredMessage, Storage } from '../storage/storage.js';
import type { Apps } from './apps.js';
import type { Chatfiles } from './chatfiles.js';
import { MessageRejected } from './errors.js';
import type { Groups } from './groups.js';
import { chatfilePath, chatfileUuid, requiredMediaFamily, withFileBase } from './message-bodies.js';
import { newMessageId } from './message-ids.js';
import { messageJson, serialisedFrame, type MessageJson } from './message-json.js';
import type { Rooms } from './rooms.js';
import { StatusCodes } from './status-codes.js';
import type { Users } from './users.js';

// The gateway imports it from here with the rest of the messages API.
export { MessageRejected };

const rejected = (reason: string) =>
  new MessageRejected(StatusCodes.MESSAGE_PARAMETER_ERROR, reason);

/** One copy of a stored message, and its `msg` frame made from the stored JSON (message-json.ts). */
export interface MessageCopy {
  message: ServerMessage;
  /** The frame of {@link message}, its file urls on `base` (the reader's REST base). */
  frame: (base: string) => string;
}

export interface SentMessage {
  /** A resend of a client id already stored: acknowledge again, deliver nothing. */
  duplicate: boolean;
  /** The message as the sender's inbox holds it (its `seq` is the sender's). */
  forSender: MessageCopy;
  /**
   * Every other copy to push live, by user: the recipient's (a 1:1 message to someone else), each
   * member's but the sender's (a group; each with their own seq), or every member's, the sender's
   * other sessions included (a room; seq 0, never stored in an inbox).
   */
  deliveries: ({ username: string } & MessageCopy)[];
}

/** One stored event, as the inbox of `username` holds it. */
export interface DeliveredEvent {
  username: string;
  event: InboxEvent;
}

export interface StoredEvents {
  /** The same receipt was stored before; nothing new to deliver. */
  duplicate: boolean;
  events: DeliveredEvent[];
  /** Stored nowhere, told to the sessions online only (each event's seq is 0). */
  live?: boolean;
}

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

/** Server messages carry file urls as stored paths; sessions and routes add their own base. */
export const toServerMessage = (stored: StoredMessage, seq: number): ServerMessage =>
  ({
    mid: stored.mid,
    id: stored.clientId,
    seq,
    from: stored.from,
    to: stored.to,
    chatType: stored.chatType as ChatType,
    ext: JSON.parse(stored.ext) as Ext,
    time: stored.time,
    ...(stored.allowGroupAck ? { msgConfig: { allowGroupAck: true } } : {}),
    ...(stored.receipt ? { receipt: stored.receipt } : {}),
    ...(stored.edit
      ? {
          modifiedInfo: {
            operatorId: stored.edit.by,
            operationCount: stored.edit.count,
            operationTime: stored.edit.at,
          },
        }
      : {}),
    ...(JSON.parse(stored.body) as MessageBody),
  }) as ServerMessage;

/**
 * A stored message as each inbox's copy, its body and ext parsed once for all of them: a group's
 * copies, and the sender's beside the recipient's, share their strings (a 15 KB text parsed again
 * per member held that much more per copy until every session had it, issue 11). `body`: the body
 * as it was stored (what its JSON parses to), when the caller has it: then nothing is parsed again.
 */
export const toServerMessages = (stored: StoredMessage, body?: MessageBody) => {
  const shared = toServerMessage(body ? { ...stored, body: '{}' } : stored, 0);
  if (body) Object.assign(shared, body);
  // Each copy goes out as the stored JSON with its seq (message-json.ts).
  const json = messageJson(stored, (seq) => ({ ...shared, seq }));
  return (seq: number): MessageCopy => ({
    message: { ...shared, seq },
    frame: (base) => json.frame(seq, base),
  });
};

const toInboxEvent = (stored: StoredEvent, seq: number): InboxEvent => {
  const event: InboxEvent = {
    kind: stored.kind,
    seq,
    from: stored.from,
    to: stored.to,
    chatType: stored.chatType as ChatType,
    time: stored.time,
  };
  if (stored.mid !== null) event.mid = stored.mid;
  return event;
};

const eventsFor = (stored: StoredEvent, seqs: Record<string, number>): DeliveredEvent[] =>
  Object.entries(seqs).map(([username, seq]) => ({ username, event: toInboxEvent(stored, seq) }));

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

/** A message whose file urls point at `base` (the url the reader reached the server by). */
export const withBase = (message: ServerMessage, base: string): ServerMessage =>
  withFileBase(message, base);

export class Messages {
  readonly #storage: Storage;
  readonly #apps: Apps;
  readonly #users: Users;
  readonly #chatfiles: Chatfiles;
  readonly #groups: Groups;
  readonly #rooms: Rooms;

  constructor(
    storage: Storage,
    apps: Apps,
    users: Users,
    chatfiles: Chatfiles,
    groups: Groups,
    rooms: Rooms,
  ) {
    this.#storage = storage;
    this.#apps = apps;
    this.#users = users;
    this.#chatfiles = chatfiles;
    this.#groups = groups;
    this.#rooms = rooms;
  }

  /**
   * Validates and stores a message. `queued` is called as soon as its write is queued where the
   * storage keeps call order ({@link Storage.ordersWrites}): a session may then read its next frame
   * while this one's commit is made durable, and their seqs still follow the frames' order.
   */
  async send(
    app: AppRecord,
    from: string,
    frame: SendFrame,
    queued?: () => void,
  ): Promise<SentMessage> {
    const { t: _t, id, to, chatType, ext: rawExt, msgConfig, deliverOnlineOnly, ...fields } = frame;
    const body = fields as MessageBody;
    if (!['singleChat', 'groupChat', 'chatRoom'].includes(chatType)) {
      throw new MessageRejected(
        StatusCodes.OPERATION_UNSUPPORTED,
        `chatType ${chatType} is not supported; use singleChat, groupChat or chatRoom`,
      );
    }
    if (body.type === 'txt') {
      if (body.msg === '') throw rejected('msg must not be empty');
      const maxBytes = this.#apps.maxMessageBytes(app);
      if (Buffer.byteLength(body.msg) > maxBytes) {
        throw new MessageRejected(
          StatusCodes.MESSAGE_SIZE_LIMIT,
          `msg is larger than ${maxBytes} bytes of UTF-8`,
        );
      }
    }
    const ext = JSON.stringify(rawExt ?? {});
    if (Buffer.byteLength(ext) > MessageLimits.extMaxBytes) {
      throw rejected(`ext is larger than ${MessageLimits.extMaxBytes} bytes of JSON`);
    }
    if (deliverOnlineOnly) {
      // Nothing to write, so nothing a later frame's write could overtake: read on at once.
      queued?.();
      return this.#sendOnlineOnly(app, from, id, to, chatType, body, ext);
    }
    if (chatType === 'groupChat') {
      return this.#sendToGroup(
        app,
        from,
        id,
        to,
        body,
        ext,
        msgConfig?.allowGroupAck === true,
        queued,
      );
    }
    if (chatType === 'chatRoom') return this.#sendToRoom(app, from, id, to, body, ext);
    await this.#checkPeer(app, from, to);
    const { stored, files } = await this.#attachments(app, from, body);

    const storing = this.#storage.storeMessage(app.key, {
      mid: newMessageId(),
      clientId: id,
      from,
      to,
      chatType,
      type: body.type,
      body: JSON.stringify(stored),
      ext,
      time: Date.now(),
      files,
    });
    if (this.#storage.ordersWrites) queued?.();
    const result = await storing;
    // Not a duplicate: stored as `stored` says, whose strings the copies share.
    const copy = toServerMessages(result.message, result.duplicate ? undefined : stored);
    return {
      duplicate: result.duplicate,
      forSender: copy(result.senderSeq),
      deliveries:
        result.recipientSeq === null ? [] : [{ username: to, ...copy(result.recipientSeq) }],
    };
  }

  /** `to` exists and accepts messages from `from`. */
  async #checkPeer(app: AppRecord, from: string, to: string): Promise<void> {
    // Asked together: on PostgreSQL each is a round trip, and the session reads its next frame
    // only once this message's write is queued.
    const [recipient, blocked] = await Promise.all([
      this.#users.find(app, to),
      this.#storage.isBlocked(app.key, to, from),
    ]);
    if (!recipient) {
      throw new MessageRejected(StatusCodes.USER_NOT_FOUND, `no user ${to} in this app`);
    }
    if (blocked) {
      throw new MessageRejected(
        StatusCodes.PERMISSION_DENIED,
        `${to} does not accept your messages`,
      );
    }
  }

  /**
   * Online only (the 4.x SDK's `deliverOnlineOnly`, frames.ts item 11): refused as the same message
   * stored would be, then pushed with seq 0 to the recipients' sessions open now, stored nowhere.
   */
  async #sendOnlineOnly(
    app: AppRecord,
    from: string,
    clientId: string,
    to: string,
    chatType: ChatType,
    body: MessageBody,
    ext: string,
  ): Promise<SentMessage> {
    if ('url' in body) {
      // A chatfile is granted to the holders of a stored copy; here nobody could download it.
      throw new MessageRejected(
        StatusCodes.OPERATION_UNSUPPORTED,
        'file messages cannot be delivered online only; send them stored',
      );
    }
    let recipients: string[];
    if (chatType === 'groupChat') {
      const [blockers, members] = await Promise.all([
        this.#groups.checkSender(app, from, to),
        this.#storage.groups.members(app.key, to),
      ]);
      const skip = new Set([...blockers, from]);
      recipients = members.map((m) => m.username).filter((username) => !skip.has(username));
    } else if (chatType === 'chatRoom') {
      const members = await this.#rooms.checkSender(app, from, to);
      recipients = members.filter((username) => username !== from);
    } else {
      await this.#checkPeer(app, from, to);
      recipients = to === from ? [] : [to];
    }
    const message = {
      mid: newMessageId(),
      id: clientId,
      seq: 0,
      from,
      to,
      chatType,
      ext: JSON.parse(ext) as Ext,
      time: Date.now(),
      deliverOnlineOnly: true,
      ...body,
    } as ServerMessage;
    const copy: MessageCopy = { message, frame: (base) => serialisedFrame(message, base) };
    return {
      duplicate: false,
      forSender: copy,
      deliveries: recipients.map((username) => ({ username, ...copy })),
    };
  }

  /** Stored once, in the inbox of every member but those who blocked the sender. */
  async #sendToGroup(
    app: AppRecord,
    from: string,
    clientId: string,
    gid: string,
    body: MessageBody,
    ext: string,
    allowGroupAck: boolean,
    queued?: () => void,
  ): Promise<SentMessage> {
    const skip = await this.#groups.checkSender(app, from, gid);
    const { stored, files } = await this.#attachments(app, from, body);
    const storing = this.#storage.groups.storeGroupMessage(
      app.key,
      {
        mid: newMessageId(),
        clientId,
        from,
        to: gid,
        chatType: 'groupChat',
        type: body.type,
        body: JSON.stringify(stored),
        ext,
        time: Date.now(),
        files,
        allowGroupAck,
      },
      skip,
    );
    if (this.#storage.ordersWrites) queued?.();
    const result = await storing;
    const { seqs } = result;
    // Not a duplicate: stored as `stored` says, whose strings the copies share.
    const copy = toServerMessages(result.message, result.duplicate ? undefined : stored);
    return {
      duplicate: result.duplicate,
      forSender: copy(seqs[from] ?? 0),
      deliveries: Object.entries(seqs)
        .filter(([username]) => username !== from)
        .map(([username, seq]) => ({ username, ...copy(seq) })),
    };
  }

  /** Live only: to every member's sessions with seq 0, kept in the room's recent window. */
  async #sendToRoom(
    app: AppRecord,
    from: string,
    clientId: string,
    roomId: string,
    body: MessageBody,
    ext: string,
  ): Promise<SentMessage> {
    const members = await this.#rooms.checkSender(app, from, roomId);
    if ('url' in body) {
      // Chatfile grants follow inbox copies; a room has none, so its members could not download.
      throw new MessageRejected(
        StatusCodes.OPERATION_UNSUPPORTED,
        'file messages are not supported in chat rooms; send a link as text',
      );
    }
    const record = {
      mid: newMessageId(),
      clientId,
      roomId,
      from,
      to: roomId,
      chatType: 'chatRoom',
      type: body.type,
      body: JSON.stringify(body),
      ext,
      time: Date.now(),
    };
    await this.#rooms.keep(app, record);
    const stored = { ...record, recalled: false };
    const message = toServerMessage(stored, 0);
    // One object, and one frame, for every member (seq 0 for all).
    const json = messageJson(stored, () => message);
    const copy: MessageCopy = { message, frame: (base) => json.frame(0, base) };
    return {
      duplicate: false,
      forSender: copy,
      deliveries: members
        .filter((username) => username !== from)
        .map((username) => ({ username, ...copy })),
    };
  }

  /** A page of the room's recent window, newest first (seq 0: not in any inbox). */
  async roomMessages(app: AppRecord, user: string, roomId: string, limit: number) {
    const records = await this.#rooms.recent(app, user, roomId, limit);
    return records.map((record) => toServerMessage({ ...record, recalled: false }, 0));
  }

  /** Receipts, "all read" and recall exist for 1:1 and group conversations, not for rooms. */
  #checkChatType(chatType: string): void {
    if (chatType !== 'singleChat' && chatType !== 'groupChat') {
      throw new MessageRejected(
        StatusCodes.OPERATION_UNSUPPORTED,
        `chatType ${chatType} is not supported here; use singleChat or groupChat`,
      );
    }
  }

  /**
   * A member read the group message `mid`: their own devices always learn it; its sender too,
   * with the number of readers, when the message was sent with `allowGroupAck`.
   */
  async readGroupMessage(
    app: AppRecord,
    user: string,
    mid: string,
    gid: string,
  ): Promise<StoredEvents> {
    const message = await this.#groups.checkReader(app, user, gid, mid);
    // Reading one's own message tells nobody anything.
    if (message.from === user) return { duplicate: true, events: [] };
    const time = Date.now();
    const result = await this.#storage.groups.storeGroupRead(app.key, message, user, time);
    if (result.duplicate) return { duplicate: true, events: [] };
    const event = (seq: number): InboxEvent => ({
      kind: 'read',
      seq,
      from: user,
      to: gid,
      chatType: 'groupChat',
      mid,
      time,
    });
    const events: DeliveredEvent[] = [{ username: user, event: event(result.readerSeq) }];
    if (result.senderSeq !== null) {
      events.push({
        username: message.from,
        event: { ...event(result.senderSeq), groupReadCount: result.readCount },
      });
    }
    return { duplicate: false, events };
  }

  /**
   * The body with its file urls as canonical paths, and the chatfiles it names. Each must be a
   * chatfile of this app that the sender uploaded, with its secret, of a type fitting the kind.
   */
  async #attachments(
    app: AppRecord,
    sender: string,
    body: MessageBody,
  ): Promise<{ stored: MessageBody; files: string[] }> {
    if (!('url' in body)) return { stored: body, files: [] };
    const check = async (
      field: string,
      url: string,
      secret: string,
      family: string | null,
    ): Promise<{ uuid: string; path: string }> => {
      const uuid = chatfileUuid(url, app.org, app.name);
      if (!uuid) {
        throw rejected(`${field} must be ${chatfilePath(app.org, app.name, '{uuid}')} of this app`);
      }
      const record = await this.#chatfiles.get(app, uuid);
      if (!record || record.uploader !== sender) {
        throw rejected(`${field} names no chatfile you uploaded`);
      }
      if (!this.#chatfiles.secretMatches(record, secret)) {
        throw rejected(`the secret of ${field} is not the chatfile's share secret`);
      }
      if (family !== null && record.contentType.split('/')[0] !== family) {
        throw rejected(
          `file type does not match message type (${record.contentType} in a ${body.type} message)`,
        );
      }
      return { uuid, path: chatfilePath(app.org, app.name, uuid) };
    };
    const file = await check('url', body.url, body.secret, requiredMediaFamily[body.type]);
    const stored = { ...body, url: file.path };
    const files = [file.uuid];
    if ('thumb' in stored && stored.thumb !== undefined) {
      const thumb = await check('thumb', stored.thumb, stored.thumb_secret ?? '', 'image');
      stored.thumb = thumb.path;
      files.push(thumb.uuid);
    }
    return { stored, files };
  }

  /**
   * `user` acknowledges the message `mid` from `to`: `delivered` goes to the sender's inbox;
   * `read` also to the reader's (their other devices), and moves the reader's read cursor.
   */
  async acknowledge(
    app: AppRecord,
    user: string,
    kind: 'delivered' | 'read',
    mid: string,
    to: string,
  ): Promise<StoredEvents> {
    const message = await this.#storage.getMessage(app.key, mid);
    if (message?.chatType === 'groupChat') {
      // Delivery acks are 1:1 only; a read ack names the group by the message.
      if (kind === 'delivered') return { duplicate: true, events: [] };
      return this.readGroupMessage(app, user, mid, message.to);
    }
    if (!message || message.to !== user || message.from !== to) {
      throw rejected(`no message ${mid} from ${to} to you`);
    }
    const event: StoredEvent = {
      kind,
      from: user,
      to,
      chatType: message.chatType,
      mid,
      time: Date.now(),
    };
    const result =
      kind === 'delivered'
        ? await this.#storage.storeEvent(app.key, event, [to])
        : await this.#storage.storeEvent(app.key, event, [to, user], {
            reader: user,
            peer: to,
            mid,
          });
    return { duplicate: result.duplicate, events: eventsFor(event, result.seqs) };
  }

  /** `user` has read the whole conversation with `to`. */
  async readConversation(
    app: AppRecord,
    user: string,
    to: string,
    chatType: string,
  ): Promise<StoredEvents> {
    this.#checkChatType(chatType);
    if (chatType === 'groupChat') {
      await this.#groups.checkMember(app, user, to);
    } else if (!(await this.#users.find(app, to))) {
      throw new MessageRejected(StatusCodes.USER_NOT_FOUND, `no user ${to} in this app`);
    }
    const event: StoredEvent = {
      kind: 'channel',
      from: user,
      to,
      chatType,
      mid: null,
      time: Date.now(),
    };
    // A group is not told; only the reader's other devices are.
    const inboxes = chatType === 'groupChat' ? [user] : [to, user];
    const result = await this.#storage.storeEvent(app.key, event, inboxes, {
      reader: user,
      peer: to,
      mid: null,
    });
    if (!result.duplicate) return { duplicate: false, events: eventsFor(event, result.seqs) };
    // All was read already: nothing to store (a client repeating it must not fill the peer's
    // inbox), but the real SDK tells the peer of every channel ack, so it goes out live, seq 0.
    const live = inboxes.map((username) => ({ username, event: toInboxEvent(event, 0) }));
    return { duplicate: false, events: live, live: true };
  }

  /** Recalls `user`'s message `mid` to `to`, inside the app's window. */
  async recall(
    app: AppRecord,
    user: string,
    mid: string,
    to: string,
    chatType: string,
  ): Promise<StoredEvents> {
    this.#checkChatType(chatType);
    const message = await this.#storage.getMessage(app.key, mid);
    if (!message) throw rejected(`no message ${mid}`);
    if (message.from !== user) {
      throw new MessageRejected(
        StatusCodes.PERMISSION_DENIED,
        'only the sender may recall a message',
      );
    }
    if (message.to !== to || message.chatType !== chatType) {
      throw rejected(`message ${mid} was not sent to ${chatType} ${to}`);
    }
    const windowSeconds = this.#apps.recallSeconds(app);
    const now = Date.now();
    if (!message.recalled && now - message.time > windowSeconds * 1000) {
      throw new MessageRejected(
        StatusCodes.MESSAGE_RECALL_TIME_LIMIT,
        `messages can be recalled for ${windowSeconds} seconds after sending`,
      );
    }
    const result =
      chatType === 'groupChat'
        ? await this.#storage.groups.recallGroupMessage(app.key, mid, now)
        : await this.#storage.recallMessage(app.key, mid, now);
    const event: StoredEvent = { kind: 'recall', from: user, to, chatType, mid, time: now };
    return { duplicate: result.duplicate, events: eventsFor(event, result.seqs) };
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

  async conversations(app: AppRecord, username: string): Promise<ServerConversation[]> {
    const records = await this.#storage.conversations(app.key, username);
    return records.map((record) => ({
      peer: record.peer,
      chatType: record.chatType as ChatType,
      lastMessage: servedLast(toServerMessage(record.lastMessage, 0)),
      unread: record.unread,
    }));
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
