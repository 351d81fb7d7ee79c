/**
 * "Delete conversation" of `<chat-roster>` (issue 14, the 4.x SDK's `deleteConversation`): asks
 * first (confirm-dialog.ts), then deletes it with its messages for me, on all my devices. A chunk
 * loaded the first time a conversation's delete button is pressed. Afterwards focus goes to the
 * conversation beside it (else the roster); on Cancel back to the button.
 */
import type { LitElement } from 'lit';
import type { ChatStoreApi, Conversation } from '../../store/index.js';
import { askFirst } from '../confirm-dialog.js';
import type { LocaleController } from '../locale/locale-controller.js';

/** Asks whether to delete `c`, and deletes it when confirmed. */
export function confirmDelete(
  host: LitElement,
  i18n: LocaleController,
  store: ChatStoreApi,
  c: Conversation,
): void {
  const row = (host.renderRoot as ShadowRoot).activeElement?.closest('li');
  const beside = (
    row?.nextElementSibling ?? row?.previousElementSibling
  )?.querySelector<HTMLElement>('.item');
  askFirst({
    host,
    i18n,
    question: i18n.t('roster.deleteQuestion', { name: c.name }),
    confirm: i18n.t('roster.deleteWith', { name: c.name }),
    action: () => store.deleteConversation(c.id),
    after: () => beside,
  });
}
