import type { ChatMessage } from '../store/index.js';
import type { MessageKey } from './locale/en.js';
import type { LocaleController } from './locale/locale-controller.js';

const kindLabels: Record<string, MessageKey> = {
  img: 'preview.photo',
  audio: 'preview.voice',
  video: 'preview.video',
  file: 'preview.file',
  loc: 'preview.location',
  custom: 'preview.custom',
};

/** One line for a message where its bubble does not fit: the conversation list, notices. */
export function messagePreview(m: ChatMessage, own: boolean, i18n: LocaleController): string {
  if (m.recalled) return i18n.t(own ? 'preview.youRecalled' : 'preview.recalled');
  if (m.type === 'txt') return m.text;
  const kind = i18n.message(kindLabels[m.type] ?? 'preview.custom');
  const name = m.attachment?.filename ?? m.location?.addr;
  return name ? i18n.t('preview.named', { kind, name }) : kind;
}
