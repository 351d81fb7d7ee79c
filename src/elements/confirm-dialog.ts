/**
 * "Are you sure?" before a deletion (issue 14): a modal `role="alertdialog"` drawn in an element's
 * shadow root, used by `<chat-roster>`'s Delete conversation and `<chat-window>`'s Delete for me.
 * A chunk of its own, imported with the first deletion asked for; its styles are adopted then, and
 * the dialog is removed when closed. Modal (`showModal()`), so the rest of the page is inert and
 * Tab stays inside; Escape cancels. Focus starts on "Cancel"; confirmed, the action runs and a
 * refusal is said in the dialog, which stays to try again; afterwards focus goes back where it
 * was, or to `after` once the thing is gone.
 */
import { html, nothing, render, type LitElement } from 'lit';
import { dialogStyles } from './dialog.styles.js';
import { errorMessage } from './error-message.js';
import './locale/en-panels.js';
import type { LocaleController } from './locale/locale-controller.js';

export interface Confirmation {
  host: LitElement;
  i18n: LocaleController;
  /** The question, and the label of the button that confirms it. */
  question: string;
  confirm: string;
  /** Runs once confirmed; a rejection is said in the dialog. */
  action: () => Promise<unknown>;
  /** Where focus goes once the action is done (else the host); on Cancel it goes back. */
  after?: () => HTMLElement | null | undefined;
}

/** Asks `question`, and runs `action` when confirmed. */
export function askFirst({ host, i18n, question, confirm, action, after }: Confirmation): void {
  const root = host.renderRoot as ShadowRoot;
  // Adopted by the host's shadow root when first needed (a strict style-src allows that).
  const sheet = dialogStyles.styleSheet!;
  if (!root.adoptedStyleSheets.includes(sheet))
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const back = root.activeElement as HTMLElement | null;
  let done = false;
  const dialog = document.createElement('dialog');
  dialog.setAttribute('part', 'confirm-dialog');
  dialog.setAttribute('role', 'alertdialog');
  dialog.setAttribute('aria-labelledby', 'confirm-question');
  let busy = false;
  let error = '';

  const confirmed = async (event: SubmitEvent) => {
    event.preventDefault();
    busy = true;
    error = '';
    draw();
    try {
      await action();
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
      html`<form method="dialog" @submit=${confirmed}>
        <p id="confirm-question">${question}</p>
        ${error ? html`<p role="alert" tabindex="-1">${error}</p>` : nothing}
        <button part="cancel-button" type="button" @click=${() => dialog.close()}>
          ${i18n.t('common.cancel')}
        </button>
        <button part="confirm-button" class="primary danger" ?disabled=${busy}>${confirm}</button>
      </form>`,
      dialog,
    );

  dialog.addEventListener('close', () => {
    dialog.remove();
    ((done ? after?.() : back?.isConnected && back) || host).focus();
  });
  draw();
  root.appendChild(dialog);
  dialog.showModal();
}
