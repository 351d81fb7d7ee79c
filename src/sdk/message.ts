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
  /** Fields of other message types (files, locations…) are kept as given. */
  [field: string]: unknown;
}

/** A message to send, as `WebIM.message(...).body` and `WebIM.message.create(...)` build it. */
export interface MessageBody extends MessageFields {
  id: string;
  /** `txt`; other types are built but this server refuses them (205). */
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

/** `new WebIM.message('txt', conn.getUniqueId()).set({msg, to, ...})`; send `.body`. */
export class Message {
  readonly type: string;
  readonly id: string;
  body: MessageBody;

  constructor(type: string, id: string = getUniqueId()) {
    this.type = type;
    this.id = id;
    this.body = { id, type, chatType: 'singleChat' };
  }

  set(options: MessageOptions): this {
    const { type: _legacy, ...fields } = options;
    this.body = { ...fields, id: this.id, type: this.type, chatType: chatTypeOf(options) };
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

  /** 4.x: `WebIM.message.create({type: 'txt', chatType, to, msg, ext})` returns the body. */
  static create({ type, id, ...options }: CreateOptions): MessageBody {
    return new Message(type, id).set(options).body;
  }
}
