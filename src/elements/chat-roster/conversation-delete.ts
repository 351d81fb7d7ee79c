/**
 * "Delete conversation" of `<chat-roster>` (issue 14, the 4.x SDK's `deleteConversation`): a modal
 * dialog asking first, then deleting it with its messages for me, on all my devices. A chunk of its
 * own, loaded the first time a conversation's delete button is pressed; the dialog is drawn in the
 * roster's shadow root and removed when closed. Focus starts on "Cancel"; a refusal is said in the
 * dialog, which stays to try again; afterwards focus returns to the button, or to the list when
 * the conversation is gone.
 */
import { html, nothing, render, type LitElement } from 'lit';
import { dialogStyles } from '../dialog.styles.js';
import type { ChatStoreApi, Conversation } from '../../store/index.js';
import { errorMessage } from '../error-message.js';
import '../locale/en-panels.js';
import type { LocaleController } from '../locale/locale-controller.js';

/** Asks whether to delete `c`, and deletes it when confirmed. */
export function confirmDelete(
  host: LitElement,
  i18n: LocaleController,
  store: ChatStoreApi,
  c: Conversation,
): void {
  const root = host.renderRoot as ShadowRoot;
  // Adopted by the roster's shadow root when first needed (a strict style-src allows that).
  const sheet = dialogStyles.styleSheet!;
  if (!root.adoptedStyleSheets.includes(sheet))
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const back = root.activeElement as HTMLElement | null;
  // Once it is gone, focus goes to the conversation beside it (else to the roster).
  const row = back?.closest('li');
  const beside = (
    row?.nextElementSibling ?? row?.previousElementSibling
  )?.querySelector<HTMLElement>('.item');
  let done = false;
  const dialog = document.createElement('dialog');
  dialog.setAttribute('part', 'confirm-dialog');
  dialog.setAttribute('aria-labelledby', 'delete-question');
  let busy = false;
  let error = '';

  const confirm = async (event: SubmitEvent) => {
    event.preventDefault();
    busy = true;
    error = '';
    draw();
    try {
      await store.deleteConversation(c.id);
      done = true;
      dialog.close();
      return;
    } catch (failure) {
      error = errorMessage(failure, i18n);
    }
    busy = false;
    draw();
    dialog.querySelector<HTMLElement>('[role=alert]')?.focus();
  };

  const draw = () =>
    render(
      html`<form method="dialog" @submit=${confirm}>
        <p id="delete-question">${i18n.t('roster.deleteQuestion', { name: c.name })}</p>
        ${error ? html`<p role="alert" tabindex="-1">${error}</p>` : nothing}
        <button part="cancel-button" type="button" @click=${() => dialog.close()}>
          ${i18n.t('common.cancel')}
        </button>
        <button part="confirm-button" class="primary danger" ?disabled=${busy}>
          ${i18n.t('roster.deleteWith', { name: c.name })}
        </button>
      </form>`,
      dialog,
    );

  dialog.addEventListener('close', () => {
    dialog.remove();
    (done ? (beside ?? host) : (back ?? host)).focus();
  });
  draw();
  root.appendChild(dialog);
  dialog.showModal();
}
