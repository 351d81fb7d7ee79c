import type { ChatMessage } from '../store/index.js';

const kindLabels: Record<string, string> = {
  img: 'Photo',
  audio: 'Voice message',
  video: 'Video',
  file: 'File',
  loc: 'Location',
  custom: 'Message',
};

/** One line for a message where its bubble does not fit: the conversation list, notices. */
export function messagePreview(m: ChatMessage, own: boolean): string {
  if (m.recalled) return own ? 'You recalled a message' : 'Message recalled';
  const name = m.attachment?.filename ?? m.location?.addr;
  return m.type === 'txt' ? m.text : `${kindLabels[m.type]}${name ? `: ${name}` : ''}`;
}
