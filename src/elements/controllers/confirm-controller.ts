import { html, nothing, type ReactiveController, type ReactiveElement } from 'lit';
import type { LocaleController } from '../locale/locale-controller.js';

interface Question {
  text: string;
  action: string;
  resolve: (yes: boolean) => void;
  opener: Element | null;
}

/**
 * Asks before a destructive action (block, remove, kick, disband…) in a modal `<dialog>`: focus
 * goes to "Cancel", Escape cancels, and focus returns to the control that asked. The host renders
 * `dialog()` once anywhere in its template.
 */
export class ConfirmController implements ReactiveController {
  private question?: Question;

  constructor(
    private readonly host: ReactiveElement,
    private readonly i18n: LocaleController,
  ) {
    host.addController(this);
  }

  /** Resolves `true` when the person confirms `action` (the confirm button's label). Focus starts on "Cancel", the first button. */
  async ask(text: string, action: string): Promise<boolean> {
    this.question?.resolve(false);
    const opener = deepActiveElement();
    const answer = new Promise<boolean>((resolve) => {
      this.question = { text, action, resolve, opener };
    });
    this.host.requestUpdate();
    await this.host.updateComplete;
    const dialog = this.host.renderRoot.querySelector<HTMLDialogElement>('dialog.confirm');
    dialog?.showModal();
    return answer;
  }

  dialog() {
    const q = this.question;
    return html`<dialog
      part="confirm-dialog"
      class="confirm"
      aria-labelledby="confirm-text"
      @submit=${(e: SubmitEvent) =>
        this.answer((e.submitter as HTMLButtonElement | null)?.value === 'yes')}
      @close=${(e: Event) => {
        // Escape, or closed some other way. The event comes a task after the close: a question
        // asked meanwhile has opened the dialog again, and is not what it answers.
        if (!(e.target as HTMLDialogElement).open) this.answer(false);
      }}
    >
      ${
        q
          ? html`<form method="dialog">
              <p id="confirm-text">${q.text}</p>
              <button part="cancel-button" value="no">${this.i18n.t('common.cancel')}</button>
              <button part="confirm-button" class="primary danger" value="yes">${q.action}</button>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  private answer(yes: boolean): void {
    const q = this.question;
    if (!q) return;
    this.question = undefined;
    this.host.requestUpdate();
    if (q.opener instanceof HTMLElement && q.opener.isConnected) q.opener.focus();
    q.resolve(yes);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.question?.resolve(false);
    this.question = undefined;
  }
}

/** The focused element, looking inside shadow roots (the control that opened the dialog). */
function deepActiveElement(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
