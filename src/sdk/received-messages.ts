/**
 * Server messages in the shape apps receive: the 3.x fields (`type: 'chat'`, `contentsType`,
 * `data`, `url`…) plus the 4.x ones (`chatType`, `msg`). Live messages, history and the
 * conversation list all go through {@link toReceived}, so a message looks the same wherever it
 * comes from.
 */
import type { ServerMessage } from '../protocol/index.js';
import { parseEmoji } from './emoji.js';
import type { ReceivedMessage } from './types.js';

const CHAT_TYPE_3X = { singleChat: 'chat', groupChat: 'groupchat', chatRoom: 'chatroom' } as const;
const CONTENTS: Record<string, ReceivedMessage['contentsType']> = {
  txt: 'TEXT',
  img: 'IMAGE',
  audio: 'VOICE',
  video: 'VIDEO',
  file: 'FILE',
  loc: 'LOCATION',
  cmd: 'COMMAND',
  custom: 'CUSTOM',
};

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

/** The fields of the message's kind (`type` and its body), without those every message has. */
export function bodyOf(m: ServerMessage): Record<string, unknown> {
  const body: Record<string, unknown> = { ...m };
  const common = [
    'mid',
    'id',
    'seq',
    'from',
    'to',
    'chatType',
    'ext',
    'time',
    'msgConfig',
    'receipt',
  ];
  for (const field of common) {
    delete body[field];
  }
  return body;
}

export interface FileContext {
  /** The chatfile URL on this connection's REST host (files move with the host, as in 3.x). */
  fileUrl(url: string): string;
  accessToken: string;
}

/** `undefined` for a kind this SDK does not know (a newer server): it is skipped. */
export function toReceived(m: ServerMessage, files: FileContext): ReceivedMessage | undefined {
  const contentsType = CONTENTS[m.type];
  if (!contentsType) return undefined;
  // The server keeps only the protocol's fields of each kind, so the body is copied as it is.
  const message: Record<string, unknown> = {
    ...bodyOf(m),
    id: m.mid,
    type: CHAT_TYPE_3X[m.chatType],
    chatType: m.chatType,
    contentsType,
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
  if (m.msgConfig) message.msgConfig = m.msgConfig;
  if (m.receipt === 'delivered' || m.receipt === 'read') message.receipt = m.receipt;
  if ('url' in m) {
    message.url = files.fileUrl(m.url);
    message.filetype = m.filetype ?? '';
    message.accessToken = files.accessToken;
    if ('thumb' in m && m.thumb) message.thumb = files.fileUrl(m.thumb);
  }
  if (m.type === 'txt') {
    const segments = parseEmoji(m.msg);
    if (segments) message.contentsType = 'EMOJI';
    message.data = segments ?? m.msg;
    message.sourceMsg = m.msg;
  }
  if (m.type === 'custom') message.params = m.customExts;
  return message as unknown as ReceivedMessage;
}
