/**
 * The store's message shapes: a message as elements render it, what sending one takes, and a
 * conversation's row in the list. Re-exported by `../types.ts`.
 */
import type { ChatType, Ext } from '../../protocol/index.js';

/**
 * The life of a message, from the sender's side for own messages:
 * `pending` (in the outbox; an attachment uploads first) → `sent` (acked by the server) | `failed`
 * (refused, retry possible); messages from others are `received`.
 */
export type MessageStatus = 'pending' | 'sent' | 'failed' | 'received';

/**
 * What the peer has done with an own message, once it is `sent`; only ever moves forward:
 * `sent` (on the server) → `delivered` (reached one of the peer's devices) → `read`.
 */
export type ReceiptState = 'sent' | 'delivered' | 'read';

/**
 * Kinds of message the store keeps as chat bubbles. `cmd` messages are never stored: they are
 * handed to the app on {@link ChatStoreApi.commands$}.
 */
export type StoredMessageKind = 'txt' | 'img' | 'audio' | 'video' | 'file' | 'loc' | 'custom';

/** Kinds of attachment `sendFile` can send. */
export type AttachmentKind = 'img' | 'audio' | 'video' | 'file';

/**
 * The file of an `img`, `audio`, `video` or `file` message. `url` and `secret` are absent while the
 * file is still uploading (status `pending`); fetch the bytes with {@link ChatStoreApi.fetchFile},
 * which sends the token and the secret the server asks for.
 */
export interface Attachment {
  /** `{apiUrl}/{org}/{app}/chatfiles/{uuid}` once uploaded. */
  url?: string;
  /** The share secret that goes with `url`. */
  secret?: string;
  filename: string;
  /** Size in bytes. */
  size: number;
  /** MIME type when known, e.g. `image/png`. */
  mime?: string;
  /** Pixels, for `img` and `video`, when known. */
  width?: number;
  height?: number;
  /** Seconds, for `audio` and `video`. */
  duration?: number;
  /** A small preview uploaded beside the original (`img`, `video`), fetched with `fetchFile(m, {thumbnail: true})`. */
  thumbUrl?: string;
  thumbSecret?: string;
}

export interface Location {
  addr: string;
  lat: number;
  lng: number;
  buildingName?: string;
}

/** A `custom` message: an app-defined event name and string parameters. */
export interface CustomContent {
  event: string;
  exts: Record<string, string>;
}

export interface ChatMessage {
  /**
   * The key of the message everywhere: for my own messages the client id my device picked (stable
   * from send to receipt, before the server answers); for everyone else's the server id, which no
   * sender picks (a client id is seen by every member of a group, so keying others' messages by it
   * let one member's message land on another's: issue 11).
   */
  id: string;
  /** The server id, once the server has stored it (always set for others' messages). */
  mid?: string;
  /** The conversation it belongs to: the peer's username for a 1:1 chat. */
  conversationId: string;
  chatType: ChatType;
  /** What to render: `txt` uses `text`, attachments `attachment`, `loc` `location`, `custom` `custom`. */
  type: StoredMessageKind;
  from: string;
  to: string;
  /** The text of a `txt` message; `''` for every other kind and for a recalled message. */
  text: string;
  /** Set for `img`, `audio`, `video` and `file` (unless recalled). */
  attachment?: Attachment;
  /** Set for `loc` (unless recalled). */
  location?: Location;
  /** Set for `custom` (unless recalled). */
  custom?: CustomContent;
  ext?: Ext;
  /** ms since the epoch: server time once known, local time while pending. */
  time: number;
  status: MessageStatus;
  /**
   * Own messages once `sent`: how far the peer got with it. In a group: `read` once a member has
   * read it (the store sends group messages with `msgConfig.allowGroupAck`); never `delivered`.
   */
  receipt?: ReceiptState;
  /**
   * The sender recalled it: the row stays (so the conversation shows "message recalled" in its
   * place) but its content (`text`, `attachment`, `location`, `custom`, `ext`) is gone.
   */
  recalled?: true;
  /** The sender edited the text (4.x `modifyMessage`): who, when, and how many times so far. */
  edited?: MessageEdit;
  /**
   * Its reactions, in the order they were first added (absent: none). Kept by the live changes of
   * every member, refreshed from the server when its conversation is shown, and by history pages.
   */
  reactions?: MessageReaction[];
  /** Why a `failed` message failed, in plain words (English). */
  error?: string;
  /** The key of `error` in the store's `ChatErrorMessages`, for saying it in the reader's language. */
  errorKey?: string;
  /** The current user's sequence number for the message, once known. */
  seq?: number;
}

/** The message a reply quotes (the 4.x UI kit's `ext.msgQuote`); read with the store's `quoteOf`. */
export interface MessageQuote {
  /** The quoted message's server id. */
  mid: string;
  /** Its text (or file name) as the reply was written, at most 200 characters. */
  preview: string;
  sender: string;
  /** Its kind (`txt`, `img`…). */
  type: string;
}

/** Options of {@link ChatStoreApi.send}. */
export interface SendOptions {
  /** The id of a message of the same conversation this one replies to (quoted above it). */
  replyTo?: string;
  /** Keys for the message's ext (a visitor's messages carry their page, `VisitorExt`). */
  ext?: Ext;
}

/** One kind of reaction (any emoji, or a short name) of a message. */
export interface MessageReaction {
  reaction: string;
  /** How many users added it. */
  count: number;
  /** I am one of them. */
  mine: boolean;
  /** The first of them, earliest first (the server names at most 20). */
  users: string[];
}

/** A page of who reacted with one reaction ({@link ChatStoreApi.reactors}). */
export interface Reactors {
  users: string[];
  /** Asks for the next page; `null`: this was the last. */
  cursor: string | null;
}

export interface MessageEdit {
  by: string;
  /** ms since the epoch */
  at: number;
  count: number;
}

/** A `cmd` message: for the app, never shown as a chat bubble nor stored. */
export interface ChatCommand {
  id: string;
  mid?: string;
  conversationId: string;
  chatType: ChatType;
  from: string;
  to: string;
  action: string;
  ext?: Ext;
  time: number;
}

/** Upload progress of a pending attachment, in bytes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Options of {@link ChatStoreApi.sendFile}. */
export interface SendFileOptions {
  /** Default: from the MIME type (`image/*` → `img`, `audio/*` → `audio`, `video/*` → `video`), else `file`. */
  kind?: AttachmentKind;
  /** A small preview made in the browser (`img`, `video`), uploaded beside the file. */
  thumbnail?: Blob;
  width?: number;
  height?: number;
  /** Seconds (`audio`, `video`). */
  duration?: number;
  ext?: Ext;
}

/** Where paging back through a conversation stands. */
export interface HistoryState {
  /** A `loadOlder` is running. */
  loading: boolean;
  /** Nothing older exists, here or on the server. */
  exhausted: boolean;
}

export interface Conversation {
  /** The peer's username for a 1:1 chat. */
  id: string;
  chatType: ChatType;
  /** What to show: the peer's nickname when known, else the id. */
  name: string;
  lastMessage?: ChatMessage;
  unread: number;
  /** ms since the epoch of the last activity, for sorting (newest first). */
  updatedAt: number;
  /**
   * Group and room conversations only: I am no longer a member (`left` on my own, `removed` by an
   * owner or admin, `disbanded`: the group or room is gone). The messages stay; the UI says why no
   * more come. Absent while I am a member (and always for 1:1 chats); joining again clears it.
   */
  membership?: 'left' | 'removed' | 'disbanded';
}
