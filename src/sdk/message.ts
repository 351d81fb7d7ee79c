import type { ChatType, Ext } from '../protocol/index.js';
import type { ErrorEvent } from './types.js';
import { getUniqueId } from './unique-id.js';

interface MessageFields {
  chatType?: ChatType;
  to?: string;
  msg?: string;
  ext?: Ext;
  from?: string;
  /** 1.x: with `groupchat`, `true` means a chat room. */
  roomType?: boolean;
  success?: (localId: string, serverMsgId: string) => void;
  fail?: (error: ErrorEvent) => void;
  /** 4.x: pushed to the recipients' sessions open now only, and stored nowhere. */
  deliverOnlineOnly?: boolean;
  /** `read` / `delivery`: the server id of the message acknowledged. */
  ackId?: string;
  /** Picture, audio, video, file: `WebIM.utils.getFileUrl(input)`, or a File/Blob. */
  file?: unknown;
  /** Picture, video: a thumbnail made by the app, uploaded beside the file. */
  thumb?: unknown;
  onFileUploadProgress?: (event: { loaded: number; total: number }) => void;
  onFileUploadComplete?: (response: unknown) => void;
  onFileUploadError?: (error: ErrorEvent) => void;
  onFileUploadCanceled?: (error: ErrorEvent) => void;
  /** The fields of each kind (`addr`, `action`, `url`, `width`…) are kept as given. */
  [field: string]: unknown;
}

/** A message to send, as `WebIM.message(...).body` and `WebIM.message.create(...)` build it. */
export interface MessageBody extends MessageFields {
  id: string;
  /** `txt img audio video file loc cmd custom`, or a receipt: `read delivery channel`. */
  type: string;
  chatType: ChatType;
}

/** What `.set()` takes: the body's fields; `type` is the 1.x/3.x chat type. */
export interface MessageOptions extends MessageFields {
  /** 1.x/3.x: `'chat' | 'groupchat' | 'chatroom'`. */
  type?: string;
}

export interface CreateOptions extends MessageOptions {
  type: string;
  id?: string;
}

function chatTypeOf(options: MessageOptions, group?: string): ChatType {
  if (options.chatType) return options.chatType;
  const legacy = group ?? options.type;
  if (legacy === 'chatroom' || (legacy === 'groupchat' && options.roomType)) return 'chatRoom';
  return legacy === 'groupchat' ? 'groupChat' : 'singleChat';
}

const isAck = (type: string) => type === 'read' || type === 'delivery';

/**
 * `new WebIM.message('txt', conn.getUniqueId()).set({msg, to, ...})`; send `.body`. 3.x created
 * locations as `'location'`: that makes a `loc` message. Receipts: `new WebIM.message('read',
 * id).set({id: <server id of the message read>, to: <its sender>})` (the 3.x way: `set`'s `id`
 * becomes `ackId`).
 */
export class Message {
  readonly type: string;
  readonly id: string;
  body: MessageBody;

  constructor(type: string, id: string = getUniqueId()) {
    this.type = type === 'location' ? 'loc' : type;
    this.id = id;
    this.body = { id, type: this.type, chatType: 'singleChat' };
  }

  set(options: MessageOptions): this {
    const { type: _legacy, ...fields } = options;
    this.body = { ...fields, id: this.id, type: this.type, chatType: chatTypeOf(options) };
    if (isAck(this.type)) this.body.ackId = options.ackId ?? (options.id as string | undefined);
    return this;
  }

  /** 1.x: `setGroup('groupchat')` makes it a group message. */
  setGroup(group: string): this {
    this.body.chatType = chatTypeOf({ roomType: this.body.roomType === true }, group);
    return this;
  }

  setChatType(chatType: ChatType): this {
    this.body.chatType = chatType;
    return this;
  }

  /**
   * 4.x: `WebIM.message.create({type: 'txt', chatType, to, msg, ext})` returns the body. For
   * `read` and `delivery`, `id` (or `ackId`) is the server id of the message acknowledged.
   */
  static create({ type, id, ...options }: CreateOptions): MessageBody {
    if (isAck(type)) return new Message(type).set({ ackId: id, ...options }).body;
    return new Message(type, id).set(options).body;
  }
}
