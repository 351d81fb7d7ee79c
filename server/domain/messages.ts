/**
 * 1:1 messages of every kind: validation, idempotent storage with per-user sequence numbers,
 * receipts and recall. What users read back (the inbox a reconnecting session replays, history
 * pages, the conversation list, read cursors) is message-reads.ts, and how stored messages are
 * shaped for the protocol server-messages.ts; this file stays the entry the gateway and the routes
 * import them by.
 */
import {
  MessageLimits,
  type ChatType,
  type Ext,
  type InboxEvent,
  type MessageBody,
  type SendFrame,
  type ServerMessage,
} from '../../src/protocol/frames.js';
import type { AppRecord, StoredEvent, Storage } from '../storage/storage.js';
import type { Apps } from './apps.js';
import type { Chatfiles } from './chatfiles.js';
import { MessageRejected } from './errors.js';
import type { Groups } from './groups.js';
import { chatfilePath, chatfileUuid, requiredMediaFamily } from './message-bodies.js';
import { newMessageId } from './message-ids.js';
import { messageJson, serialisedFrame } from './message-json.js';
import { MessageReads } from './message-reads.js';
import type { Rooms } from './rooms.js';
import {
  toInboxEvent,
  toServerMessage,
  toServerMessages,
  type MessageCopy,
} from './server-messages.js';
import { StatusCodes } from './status-codes.js';
import type { Users } from './users.js';

// The gateway and the routes import these from here with the rest of the messages API.
export { MessageRejected };
export { toServerMessage, toServerMessages, withBase } from './server-messages.js';
export type { MessageCopy } from './server-messages.js';
export type { HistoryPage, InboxItem, InboxPage } from './message-reads.js';

const rejected = (reason: string) =>
  new MessageRejected(StatusCodes.MESSAGE_PARAMETER_ERROR, reason);

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

const eventsFor = (stored: StoredEvent, seqs: Record<string, number>): DeliveredEvent[] =>
  Object.entries(seqs).map(([username, seq]) => ({ username, event: toInboxEvent(stored, seq) }));

export class Messages {
  readonly #storage: Storage;
  readonly #apps: Apps;
  readonly #users: Users;
  readonly #chatfiles: Chatfiles;
  readonly #groups: Groups;
  readonly #rooms: Rooms;
  readonly #reads: MessageReads;

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
    this.#reads = new MessageReads(storage, rooms);
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

  // What users read back: message-reads.ts, whose doc comments say what each returns.

  roomMessages(app: AppRecord, user: string, roomId: string, limit: number) {
    return this.#reads.roomMessages(app, user, roomId, limit);
  }

  inbox(app: AppRecord, username: string, afterSeq: number, limit: number) {
    return this.#reads.inbox(app, username, afterSeq, limit);
  }

  history(app: AppRecord, me: string, peer: string, cursor: string | null, limit: number) {
    return this.#reads.history(app, me, peer, cursor, limit);
  }

  conversations(app: AppRecord, username: string) {
    return this.#reads.conversations(app, username);
  }

  lastSeq(app: AppRecord, username: string) {
    return this.#reads.lastSeq(app, username);
  }

  resumeCursor(app: AppRecord, username: string, deviceId: string, since: number | undefined) {
    return this.#reads.resumeCursor(app, username, deviceId, since);
  }

  received(app: AppRecord, username: string, deviceId: string, seq: number) {
    return this.#reads.received(app, username, deviceId, seq);
  }
}
