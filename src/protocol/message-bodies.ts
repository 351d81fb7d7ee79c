/**
 * What a message says: the kinds of conversation and of message, and each kind's body, as the
 * 4.x SDKs name them. Carried by `msg` both ways (frames.ts) and by REST history (rest.ts).
 */

/** Kinds of conversation, as the 4.x SDK names them. */
export const ChatTypes = ['singleChat', 'groupChat', 'chatRoom'] as const;
export type ChatType = (typeof ChatTypes)[number];

/** Message kinds that travel as chat messages (the SDKs' `type`). */
export const MessageTypes = [
  'txt',
  'img',
  'audio',
  'video',
  'file',
  'loc',
  'cmd',
  'custom',
] as const;
export type MessageType = (typeof MessageTypes)[number];

/** The fields of an uploaded attachment, as the SDKs name them. */
export interface FileFields {
  /** `{apiUrl}/{org}/{app}/chatfiles/{uuid}` of a chatfile the sender uploaded. */
  url: string;
  /** The chatfile's share secret (sent as the `share-secret` header when downloading). */
  secret: string;
  filename: string;
  /** Size in bytes. */
  file_length: number;
  /** MIME type, e.g. `image/png`. */
  filetype?: string;
}

/** A thumbnail made by the sender's browser and uploaded as a chatfile of its own. */
export interface ThumbnailFields {
  thumb?: string;
  thumb_secret?: string;
}

export interface TextBody {
  type: 'txt';
  msg: string;
}
export interface ImageBody extends FileFields, ThumbnailFields {
  type: 'img';
  width?: number;
  height?: number;
}
export interface AudioBody extends FileFields {
  type: 'audio';
  /** Duration in seconds. */
  length: number;
}
export interface VideoBody extends FileFields, ThumbnailFields {
  type: 'video';
  /** Duration in seconds. */
  length: number;
  width?: number;
  height?: number;
}
export interface FileBody extends FileFields {
  type: 'file';
}
export interface LocationBody {
  type: 'loc';
  addr: string;
  lat: number;
  lng: number;
  buildingName?: string;
}
/** A command: delivered to the app (`onCmdMessage`), never shown as a chat bubble. */
export interface CommandBody {
  type: 'cmd';
  action: string;
}
export interface CustomBody {
  type: 'custom';
  customEvent: string;
  customExts: Record<string, string>;
}

/** What a message says, by kind. Limits: see `MessageLimits`. */
export type MessageBody =
  TextBody | ImageBody | AudioBody | VideoBody | FileBody | LocationBody | CommandBody | CustomBody;

/** A JSON object carried untouched from sender to recipients. */
export type Ext = Record<string, unknown>;
