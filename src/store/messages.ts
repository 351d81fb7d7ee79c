/**
 * Converting between the SDK's message shapes and the store's {@link ChatMessage}, and checking a
 * draft (text, file, location, custom) before it is queued.
 */
import {
  type ChatType,
  type Ext,
  Limits,
  MessageLimits,
  type ServerMessage,
} from '../protocol/index.js';
import type { ReceivedMessage } from './connection-events.js';
import { conversationIdOf } from './conversations.js';
import { Codes, Messages, chatError } from './errors.js';
import type {
  Attachment,
  MessageQuote,
  AttachmentKind,
  ChatCommand,
  ChatMessage,
  CustomContent,
  Location,
  MessageReaction,
  StoredMessageKind,
} from './types.js';

const utf8 = new TextEncoder();

/** Kinds a received message may have; anything else is dropped. */
const KINDS: readonly string[] = ['txt', 'img', 'audio', 'video', 'file', 'loc', 'cmd', 'custom'];

/** Field readers for what comes off the socket (also used by `contacts.ts`, `groups.ts`…). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
export const num = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** What a received frame says beyond the common fields, or `null` when it is malformed. */
type Content =
  | { type: 'txt'; text: string }
  | { type: AttachmentKind; attachment: Attachment }
  | { type: 'loc'; location: Location }
  | { type: 'custom'; custom: CustomContent }
  | { type: 'cmd'; action: string };

function attachmentOf(raw: Record<string, unknown>, kind: AttachmentKind): Attachment | null {
  const url = str(raw.url);
  const secret = str(raw.secret);
  if (!url || secret === undefined) return null;
  const attachment: Attachment = {
    url,
    secret,
    filename: str(raw.filename) || kind,
    size: num(raw.file_length) ?? 0,
  };
  const mime = str(raw.filetype);
  if (mime) attachment.mime = mime;
  const width = num(raw.width);
  const height = num(raw.height);
  if ((kind === 'img' || kind === 'video') && width !== undefined) attachment.width = width;
  if ((kind === 'img' || kind === 'video') && height !== undefined) attachment.height = height;
  const length = num(raw.length);
  if ((kind === 'audio' || kind === 'video') && length !== undefined) attachment.duration = length;
  const thumb = str(raw.thumb);
  if (thumb && (kind === 'img' || kind === 'video')) {
    attachment.thumbUrl = thumb;
    const thumbSecret = str(raw.thumb_secret);
    if (thumbSecret !== undefined) attachment.thumbSecret = thumbSecret;
  }
  return attachment;
}

function contentOf(raw: Record<string, unknown>, kind: string): Content | null {
  switch (kind) {
    case 'txt': {
      const text = str(raw.msg) ?? str(raw.data);
      return text === undefined ? null : { type: 'txt', text };
    }
    case 'img':
    case 'audio':
    case 'video':
    case 'file': {
      const attachment = attachmentOf(raw, kind);
      return attachment && { type: kind, attachment };
    }
    case 'loc': {
      const lat = num(raw.lat);
      const lng = num(raw.lng);
      const addr = str(raw.addr) ?? '';
      if (lat === undefined || lng === undefined) return null;
      const location: Location = { addr, lat, lng };
      const building = str(raw.buildingName);
      if (building) location.buildingName = building;
      return { type: 'loc', location };
    }
    case 'custom': {
      const event = str(raw.customEvent);
      if (event === undefined) return null;
      const exts: Record<string, string> = {};
      const source = isRecord(raw.customExts)
        ? raw.customExts
        : isRecord(raw.params)
          ? raw.params
          : {};
      for (const [key, value] of Object.entries(source))
        if (typeof value === 'string') exts[key] = value;
      return { type: 'custom', custom: { event, exts } };
    }
    case 'cmd': {
      const action = str(raw.action);
      return action === undefined ? null : { type: 'cmd', action };
    }
    default:
      return null;
  }
}

/** 3.x `contentsType` → kind. */
const CONTENTS: Readonly<Record<string, string>> = {
  TEXT: 'txt',
  EMOJI: 'txt',
  IMAGE: 'img',
  VOICE: 'audio',
  VIDEO: 'video',
  FILE: 'file',
  LOCATION: 'loc',
  COMMAND: 'cmd',
  CUSTOM: 'custom',
};

/** The kind of a received frame: the 4.x `type`, the 3.x `contentsType`, or its callback's kind. */
function kindOf(raw: Record<string, unknown>, hint?: string): string | undefined {
  const type = str(raw.type);
  if (type && KINDS.includes(type)) return type;
  // Not a kind and not a 3.x conversation type: a kind this store does not know (e.g. `combine`).
  if (type && !['chat', 'groupchat', 'chatroom'].includes(type)) return undefined;
  const contents = CONTENTS[str(raw.contentsType) ?? ''];
  if (contents) return contents;
  return hint && KINDS.includes(hint) ? hint : undefined;
}

/** The conversation type of a received frame: the 4.x `chatType`, else the 3.x `type`. */
function chatTypeOf(raw: Record<string, unknown>): ChatType {
  const chatType = str(raw.chatType);
  if (chatType === 'groupChat' || chatType === 'chatRoom') return chatType;
  const type = str(raw.type);
  return type === 'groupchat' ? 'groupChat' : type === 'chatroom' ? 'chatRoom' : 'singleChat';
}

/**
 * A received message (any kind) as a stored message or a command, or `null` when it is not one the
 * store can keep (the socket is a trust boundary: a malformed frame is dropped, not stored half-way).
 * The key of my own message is its client id, which only my devices pick, so the copy a resend, a
 * replay or a history page brings lands on the record the outbox made; the key of anyone else's is
 * the server id, the same in every copy and picked by no sender (issue 11: keyed by the client id a
 * sender chose, a group member's message reusing another's was merged into it, and her recall or
 * edit then hit the other's). A message of someone else without a server id is not kept.
 * `hint` is the kind the SDK callback implies (3.x shapes say `type: 'chat'`).
 */
export function fromReceived(
  input: ReceivedMessage | ServerMessage,
  me: string,
  hint?: StoredMessageKind | 'cmd',
): ChatMessage | ChatCommand | null {
  if (!isRecord(input)) return null;
  const raw = input as unknown as Record<string, unknown>;
  const from = str(raw.from);
  const to = str(raw.to);
  const localId = str(raw.localMsgId);
  const serverId = str(raw.mid) ?? str(raw.id);
  // History frames carry `id` (client) and `mid`; SDK callbacks `localMsgId` and `id` (server).
  const clientId = localId || (str(raw.mid) ? str(raw.id) : undefined);
  const mid = clientId ? serverId : undefined;
  const id = from === me ? clientId || serverId : serverId;
  if (!from || !to || !id) return null;
  // Issue 2's callers passed texts only, without a hint.
  const kind = kindOf(raw, hint ?? 'txt');
  if (!kind) return null;
  const content = contentOf(raw, kind);
  if (!content) return null;
  const time = num(raw.time);
  const chatType = chatTypeOf(raw);
  const common = {
    id,
    conversationId: conversationIdOf({ from, to, chatType }, me),
    chatType,
    from,
    to,
    time: time !== undefined && time > 0 ? time : Date.now(),
  };
  const ext = isRecord(raw.ext) && Object.keys(raw.ext).length > 0 ? (raw.ext as Ext) : undefined;
  if (content.type === 'cmd') {
    const command: ChatCommand = { ...common, action: content.action };
    if (mid) command.mid = mid;
    if (ext) command.ext = ext;
    return command;
  }
  const message: ChatMessage = {
    ...common,
    type: content.type,
    text: content.type === 'txt' ? content.text : '',
    status: from === me ? 'sent' : 'received',
  };
  if (content.type !== 'txt' && content.type !== 'loc' && content.type !== 'custom')
    message.attachment = content.attachment;
  if (content.type === 'loc') message.location = content.location;
  if (content.type === 'custom') message.custom = content.custom;
  if (mid) message.mid = mid;
  const seq = num(raw.seq);
  // History pages say seq 0: not a sequence number of this user.
  if (seq !== undefined && seq > 0) message.seq = seq;
  if (ext) message.ext = ext;
  const edit = isRecord(raw.modifiedInfo) ? raw.modifiedInfo : undefined;
  const by = str(edit?.operatorId);
  const count = num(edit?.operationCount);
  if (content.type === 'txt' && by && count !== undefined && count > 0)
    message.edited = { by, at: num(edit?.operationTime) ?? message.time, count };
  const reactions = reactionsOf(raw.reactions);
  if (reactions.length) message.reactions = reactions;
  // History says how far the peer got with my message, so a read one shows read on every device.
  if (from === me && (raw.receipt === 'delivered' || raw.receipt === 'read'))
    message.receipt = raw.receipt;
  return message;
}

/**
 * A message's reactions as the server lists them: a history message's or `getReactionList`'s items
 * (`userCount`), or an `onReactionChange`'s (`count`; one at 0 is gone). Read with care: they come
 * off the wire.
 */
export function reactionsOf(list: unknown): MessageReaction[] {
  const reactions: MessageReaction[] = [];
  for (const item of Array.isArray(list) ? (list as unknown[]) : []) {
    if (!isRecord(item)) continue;
    const reaction = str(item.reaction);
    const count = num(item.count ?? item.userCount) ?? 0;
    const users = Array.isArray(item.userList) ? item.userList : [];
    if (reaction && count > 0)
      reactions.push({
        reaction,
        count,
        mine: item.isAddedBySelf === true,
        users: users.filter((user): user is string => typeof user === 'string'),
      });
  }
  return reactions;
}

export function isCommand(value: ChatMessage | ChatCommand): value is ChatCommand {
  return 'action' in value;
}

/**
 * `stored` with the text of `incoming` when `incoming` is a later edit of it (a recalled message
 * stays recalled, and an older edit arriving late changes nothing); `undefined` when nothing changes.
 */
export function withEdit(stored: ChatMessage, incoming: ChatMessage): ChatMessage | undefined {
  const edit = incoming.edited;
  if (!edit || stored.recalled || stored.type !== 'txt') return undefined;
  if (stored.edited && stored.edited.count >= edit.count) return undefined;
  return { ...stored, text: incoming.text, edited: edit };
}

/** The longest quoted preview a reply carries, in characters. */
const QUOTE_PREVIEW_CHARS = 200;

/**
 * The message a reply quotes, from its `ext.msgQuote` (the 4.x UI kit's convention:
 * `{msgID, msgPreview, msgSender, msgType}`); `undefined` when it quotes nothing or the ext is not
 * in that shape (ext comes from other clients).
 */
export function quoteOf(message: Pick<ChatMessage, 'ext'>): MessageQuote | undefined {
  const quote = message.ext?.msgQuote;
  if (!isRecord(quote)) return undefined;
  const mid = str(quote.msgID);
  const sender = str(quote.msgSender);
  if (!mid || !sender) return undefined;
  const preview = typeof quote.msgPreview === 'string' ? quote.msgPreview : '';
  return { mid, sender, preview, type: str(quote.msgType) ?? 'txt' };
}

/** The `ext` of a reply to `message`, in the 4.x UI kit's `msgQuote` convention. */
export function quoteExt(message: ChatMessage): Ext {
  const preview =
    message.type === 'txt'
      ? message.text
      : (message.attachment?.filename ?? message.location?.addr ?? message.custom?.event ?? '');
  return {
    msgQuote: {
      msgID: message.mid ?? message.id,
      msgPreview: [...preview].slice(0, QUOTE_PREVIEW_CHARS).join(''),
      msgSender: message.from,
      msgType: message.type,
    },
  };
}

/** What a recalled message keeps: who, when, where; its content is gone. */
export function recalledCopy(message: ChatMessage): ChatMessage {
  const copy: ChatMessage = { ...message, text: '', recalled: true };
  delete copy.attachment;
  delete copy.location;
  delete copy.custom;
  delete copy.ext;
  return copy;
}

/**
 * Checks a draft before it is stored: an empty one or one the server would refuse as too large is
 * rejected here, so the composer keeps the draft and shows why.
 */
export function checkDraft(text: string, maxBytes: number = Limits.messageMaxBytes): void {
  if (text.trim() === '') throw chatError(Codes.messageParameterError, Messages.emptyMessage);
  if (utf8.encode(text).byteLength > maxBytes)
    throw chatError(Codes.messageSizeLimit, Messages.messageTooLong);
}

/** The kind a file is sent as when the caller does not say: from its MIME type. */
export function attachmentKindOf(mime: string): AttachmentKind {
  if (mime.startsWith('image/')) return 'img';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return 'file';
}

/**
 * Checks a file before it is queued: not empty, within the app's size limit (the server's default;
 * an app with a lower one refuses it on upload, and the message fails with the reason), and of a type
 * that fits its kind (a picture message must be a picture, or the peer's `<img>` shows nothing).
 */
export function checkFile(file: Blob, kind: AttachmentKind, maxBytes = Limits.fileMaxBytes): void {
  if (file.size <= 0) throw chatError(Codes.uploadFileError, Messages.emptyFile);
  if (file.size > maxBytes) throw chatError(Codes.uploadFileError, Messages.fileTooLarge);
  const mime = file.type;
  const wanted = { img: 'image/', audio: 'audio/', video: 'video/', file: '' }[kind];
  if (wanted && !mime.startsWith(wanted))
    throw chatError(Codes.messageParameterError, Messages.wrongFileType);
  const name = (file as Partial<File>).name ?? '';
  if (name.length > MessageLimits.filenameMaxChars)
    throw chatError(Codes.messageParameterError, Messages.filenameTooLong);
}

export function checkLocation(location: Location): void {
  const { addr, lat, lng } = location;
  if (typeof addr !== 'string' || addr.trim() === '')
    throw chatError(Codes.messageParameterError, Messages.emptyAddress);
  if (addr.length > MessageLimits.addrMaxChars)
    throw chatError(Codes.messageParameterError, Messages.addressTooLong);
  if (
    !Number.isFinite(lat) ||
    lat < -90 ||
    lat > 90 ||
    !Number.isFinite(lng) ||
    lng < -180 ||
    lng > 180
  )
    throw chatError(Codes.messageParameterError, Messages.badCoordinates);
}

export function checkCustom(custom: CustomContent): void {
  if (typeof custom.event !== 'string' || custom.event.trim() === '')
    throw chatError(Codes.messageParameterError, Messages.badCustom);
  if (custom.event.length > MessageLimits.customEventMaxChars)
    throw chatError(Codes.messageParameterError, Messages.badCustom);
  const entries = Object.entries(custom.exts ?? {});
  if (
    entries.length > MessageLimits.customExtsMaxEntries ||
    entries.some(([, v]) => typeof v !== 'string')
  )
    throw chatError(Codes.messageParameterError, Messages.badCustom);
  if (utf8.encode(JSON.stringify(custom.exts ?? {})).byteLength > MessageLimits.extMaxBytes)
    throw chatError(Codes.messageSizeLimit, Messages.badCustom);
}

export function checkAction(action: string): void {
  if (
    typeof action !== 'string' ||
    action.trim() === '' ||
    action.length > MessageLimits.actionMaxChars
  )
    throw chatError(Codes.messageParameterError, Messages.badCommand);
}

/**
 * A username as typed, made canonical: trimmed and lowercased (the server's usernames are lowercase);
 * throws a ChatError when it cannot be a username at all.
 */
export function normalizeUsername(input: string): string {
  const username = input.trim().toLowerCase();
  if (username === '' || !Limits.usernamePattern.test(username))
    throw chatError(Codes.messageParameterError, Messages.illegalUsername);
  if (utf8.encode(username).byteLength > Limits.usernameMaxBytes)
    throw chatError(Codes.messageParameterError, Messages.usernameTooLong);
  return username;
}
