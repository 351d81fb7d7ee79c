/**
 * 1:1 text messages: validation, idempotent storage with per-user sequence numbers, and the inbox
 * that a reconnecting session replays from its cursor.
 */
import type { ChatType, Ext, MessageType, ServerMessage } from '../../src/protocol/frames.js';
import type { AppRecord, InboxEntry, Storage } from '../storage/storage.js';
import type { Apps } from './apps.js';
import { newMessageId } from './message-ids.js';
import { StatusCodes } from './status-codes.js';
import type { Users } from './users.js';

export const EXT_MAX_BYTES = 8 * 1024;

/** A message the server refused; `code` is the `WebIM.statusCode` the nack carries. */
export class MessageRejected extends Error {
  readonly code: number;

  constructor(code: number, reason: string) {
    super(reason);
    this.name = 'MessageRejected';
    this.code = code;
  }
}

/** A `msg` frame whose fields have the right JS types (the gateway checks that much). */
export interface OutgoingMessage {
  id: string;
  to: string;
  chatType: string;
  type: string;
  msg: string;
  ext?: Ext;
}

export interface SentMessage {
  /** A resend of a client id already stored: acknowledge again, deliver nothing. */
  duplicate: boolean;
  /** The message as the sender's inbox holds it (its `seq` is the sender's). */
  forSender: ServerMessage;
  /** The message as the recipient's inbox holds it; `null` for a message to oneself. */
  forRecipient: ServerMessage | null;
}

const toServerMessage = (entry: Omit<InboxEntry, 'seq'>, seq: number): ServerMessage => ({
  mid: entry.mid,
  id: entry.clientId,
  seq,
  from: entry.from,
  to: entry.to,
  chatType: entry.chatType as ChatType,
  type: entry.type as MessageType,
  msg: entry.body,
  ext: JSON.parse(entry.ext) as Ext,
  time: entry.time,
});

export class Messages {
  readonly #storage: Storage;
  readonly #apps: Apps;
  readonly #users: Users;

  constructor(storage: Storage, apps: Apps, users: Users) {
    this.#storage = storage;
    this.#apps = apps;
    this.#users = users;
  }

  async send(app: AppRecord, from: string, message: OutgoingMessage): Promise<SentMessage> {
    if (message.chatType !== 'singleChat') {
      throw new MessageRejected(
        StatusCodes.OPERATION_UNSUPPORTED,
        `chatType ${message.chatType} is not supported yet; use singleChat`,
      );
    }
    if (message.type !== 'txt') {
      throw new MessageRejected(
        StatusCodes.MESSAGE_PARAMETER_ERROR,
        `message type ${message.type} is not supported; use txt`,
      );
    }
    if (message.msg === '') {
      throw new MessageRejected(StatusCodes.MESSAGE_PARAMETER_ERROR, 'msg must not be empty');
    }
    const maxBytes = this.#apps.maxMessageBytes(app);
    if (Buffer.byteLength(message.msg) > maxBytes) {
      throw new MessageRejected(
        StatusCodes.MESSAGE_SIZE_LIMIT,
        `msg is larger than ${maxBytes} bytes of UTF-8`,
      );
    }
    const ext = JSON.stringify(message.ext ?? {});
    if (Buffer.byteLength(ext) > EXT_MAX_BYTES) {
      throw new MessageRejected(
        StatusCodes.MESSAGE_PARAMETER_ERROR,
        `ext is larger than ${EXT_MAX_BYTES} bytes of JSON`,
      );
    }
    if (!(await this.#users.find(app, message.to))) {
      throw new MessageRejected(StatusCodes.USER_NOT_FOUND, `no user ${message.to} in this app`);
    }

    const stored = await this.#storage.storeMessage(app.key, {
      mid: newMessageId(),
      clientId: message.id,
      from,
      to: message.to,
      chatType: message.chatType,
      type: message.type,
      body: message.msg,
      ext,
      time: Date.now(),
    });
    return {
      duplicate: stored.duplicate,
      forSender: toServerMessage(stored.message, stored.senderSeq),
      forRecipient:
        stored.recipientSeq === null ? null : toServerMessage(stored.message, stored.recipientSeq),
    };
  }

  /** One page of the user's inbox after `afterSeq`, in seq order. */
  async inbox(
    app: AppRecord,
    username: string,
    afterSeq: number,
    limit: number,
  ): Promise<ServerMessage[]> {
    const entries = await this.#storage.readInbox(app.key, username, afterSeq, limit);
    return entries.map((entry) => toServerMessage(entry, entry.seq));
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
