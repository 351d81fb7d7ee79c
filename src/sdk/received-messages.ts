/**
 * Server messages in the shape apps receive: the 3.x fields (`type: 'chat'`, `contentsType`,
 * `data`, `url`…) plus the 4.x ones (`chatType`, `msg`). Live messages, history and the
 * conversation list all go through {@link toReceived}, so a message looks the same wherever it
 * comes from.
 */
import type { ServerMessage } from '../protocol/index.js';
import { parseEmoji } from './emoji.js';
import type { ReceivedBase, ReceivedMessage } from './types.js';

const CHAT_TYPE_3X = { singleChat: 'chat', groupChat: 'groupchat', chatRoom: 'chatroom' } as const;

/** The callback each kind is dispatched to (`onPictureMessage` also reaches `onImageMessage`). */
export const CALLBACKS: Record<ReceivedMessage['contentsType'], string> = {
  TEXT: 'onTextMessage',
  // 3.x: a text holding `WebIM.Emoji` codes goes to onEmojiMessage *instead of* onTextMessage.
  EMOJI: 'onEmojiMessage',
  IMAGE: 'onPictureMessage',
  VOICE: 'onAudioMessage',
  VIDEO: 'onVideoMessage',
  FILE: 'onFileMessage',
  LOCATION: 'onLocationMessage',
  COMMAND: 'onCmdMessage',
  CUSTOM: 'onCustomMessage',
};

export interface FileContext {
  /** The chatfile URL on this connection's REST host (files move with the host, as in 3.x). */
  fileUrl(url: string): string;
  accessToken: string;
}

/** `undefined` for a kind this SDK does not know (a newer server): it is skipped. */
export function toReceived(m: ServerMessage, files: FileContext): ReceivedMessage | undefined {
  const base: ReceivedBase = {
    id: m.mid,
    type: CHAT_TYPE_3X[m.chatType],
    chatType: m.chatType,
    from: m.from,
    to: m.to,
    ext: m.ext ?? {},
    time: m.time,
    error: false,
    errorText: '',
    errorCode: '',
    localMsgId: m.id,
    seq: m.seq,
  };
  const file = () => {
    const {
      url,
      secret,
      filename,
      file_length,
      filetype = '',
    } = m as ServerMessage & {
      url: string;
      secret: string;
      filename: string;
      file_length: number;
      filetype?: string;
    };
    const fields = { url: files.fileUrl(url), secret, filename, file_length, filetype };
    return { ...fields, accessToken: files.accessToken };
  };
  const thumb = (t?: string, secret?: string) =>
    t ? { thumb: files.fileUrl(t), thumb_secret: secret } : {};
  switch (m.type) {
    case 'txt': {
      const segments = parseEmoji(m.msg);
      const text = { msg: m.msg, sourceMsg: m.msg };
      return segments
        ? { ...base, contentsType: 'EMOJI', data: segments, ...text }
        : { ...base, contentsType: 'TEXT', data: m.msg, ...text };
    }
    case 'img':
      return {
        ...base,
        contentsType: 'IMAGE',
        ...file(),
        width: m.width,
        height: m.height,
        ...thumb(m.thumb, m.thumb_secret),
      };
    case 'audio':
      return { ...base, contentsType: 'VOICE', ...file(), length: m.length };
    case 'video':
      return {
        ...base,
        contentsType: 'VIDEO',
        ...file(),
        length: m.length,
        width: m.width,
        height: m.height,
        ...thumb(m.thumb, m.thumb_secret),
      };
    case 'file':
      return { ...base, contentsType: 'FILE', ...file() };
    case 'loc':
      return {
        ...base,
        contentsType: 'LOCATION',
        addr: m.addr,
        lat: m.lat,
        lng: m.lng,
        buildingName: m.buildingName,
      };
    case 'cmd':
      return { ...base, contentsType: 'COMMAND', action: m.action };
    case 'custom':
      return {
        ...base,
        contentsType: 'CUSTOM',
        customEvent: m.customEvent,
        params: m.customExts,
        customExts: m.customExts,
      };
    default:
      return undefined;
  }
}
