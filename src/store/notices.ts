/**
 * What the store tells the user about things others did to them (accepted a request, removed them
 * from a group…), by key, with its English words. A notice carries its key and the values of its
 * `{placeholders}`: the elements say it in the reader's language from their catalogs
 * (`notice.<key>`); `message` keeps the English, for code without the elements.
 */
import type { ChatNotice } from './types.js';

export const NoticeSentences = {
  contactAccepted: '{from} accepted your contact request.',
  contactDeclined: '{from} declined your contact request.',
  contactRemoved: '{from} removed you from their contacts.',
  invitationDeclined: '{from} declined your invitation to {group}.',
  requestAccepted: '{from} accepted your request to join {group}.',
  requestDeclined: '{from} declined your request to join {group}.',
  groupDisbanded: '{group} was disbanded by {from}.',
  groupRemoved: '{from} removed you from {group}.',
  adminRemoved: '{from} removed you as an admin of {group}.',
  madeOwner: '{from} made you the owner of {group}.',
  madeAdmin: '{from} made you an admin of {group}.',
  muted: '{from} muted you in {group}.',
  mutedUntil: '{from} muted you in {group} until {until}.',
  unmuted: '{from} unmuted you in {group}.',
  roomClosed: 'The room {room} was closed.',
  roomRemoved: '{from} removed you from the room {room}.',
} as const;

export type NoticeKey = keyof typeof NoticeSentences;

/**
 * A notice of `key`. `until` (ms since the epoch) is written in English as the browser's local
 * date and time; the elements write it in the reader's locale.
 */
export function notice(
  kind: ChatNotice['kind'],
  key: NoticeKey,
  params: { from?: string; group?: string; room?: string; until?: number },
  conversationId?: string,
): Omit<ChatNotice, 'time'> {
  const message = NoticeSentences[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name as keyof typeof params];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Date(value).toLocaleString() : value;
  });
  return { kind, key, params, message, ...(conversationId ? { conversationId } : {}) };
}
