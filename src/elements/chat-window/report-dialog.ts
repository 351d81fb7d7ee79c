/**
 * The message menu's "Report" (issue 14, the 4.x SDK's `reportMessage`): a modal dialog asking
 * why (spam, abuse, something else) and for optional details, then saying the result in the same
 * dialog: thanks once the server stored it, or why it failed (the dialog stays to try again). A
 * chunk of its own, imported the first time the item is chosen; the dialog is drawn in the
 * window's shadow root and removed when closed, and focus returns to where it was.
 */
import { html, nothing, render } from 'lit';
import { Limits } from '../../protocol/index.js';
import type { ChatMessage } from '../../store/index.js';
import { errorMessage } from '../error-message.js';
import '../locale/en-panels.js';
import type { WindowContext } from './window-context.js';

const REASONS = ['spam', 'abuse', 'other'] as const;

/** Opens the dialog reporting message `m` (one with a server id). */
export function openReport(ctx: WindowContext, m: ChatMessage): void {
  const t = (key: Parameters<typeof ctx.i18n.message>[0]) => ctx.i18n.message(key);
  const dialog = document.createElement('dialog');
  dialog.setAttribute('part', 'report-dialog');
  dialog.setAttribute('aria-labelledby', 'report-title');
  const back = ctx.host.renderRoot instanceof ShadowRoot ? ctx.host.renderRoot.activeElement : null;
  let state: 'ask' | 'sending' | 'done' = 'ask';
  let error = '';

  const send = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    state = 'sending';
    error = '';
    draw();
    try {
      await ctx
        .store()!
        .reportMessage(m.mid!, String(data.get('type')), String(data.get('details') ?? ''));
      state = 'done';
    } catch (failure) {
      state = 'ask';
      error = errorMessage(failure, ctx.i18n);
    }
    draw();
    dialog.querySelector<HTMLElement>(state === 'done' ? 'button' : '[role=alert]')?.focus();
  };

  const draw = () =>
    render(
      html`<form method="dialog" @submit=${send}>
        <h2 id="report-title">${t('report.title')}</h2>
        ${
          state === 'done'
            ? html`<p role="status">${t('report.done')}</p>
                <button type="button" @click=${() => dialog.close()}>${t('common.close')}</button>`
            : html`<fieldset ?disabled=${state === 'sending'} aria-labelledby="report-title">
                  ${REASONS.map(
                    (reason, i) =>
                      html`<label
                        ><input type="radio" name="type" value=${reason} ?checked=${i === 0} />
                        ${t(`report.${reason}`)}</label
                      >`,
                  )}
                  <label
                    >${t('report.details')}
                    <textarea name="details" maxlength=${Limits.reportReasonMaxChars}></textarea>
                  </label>
                </fieldset>
                ${error ? html`<p role="alert" tabindex="-1">${error}</p>` : nothing}
                <button type="button" @click=${() => dialog.close()}>${t('common.cancel')}</button>
                <button ?disabled=${state === 'sending'}>${t('window.report')}</button>`
        }
      </form>`,
      dialog,
    );

  dialog.addEventListener('close', () => {
    dialog.remove();
    (back as HTMLElement | null)?.focus();
  });
  draw();
  ctx.host.renderRoot.appendChild(dialog);
  dialog.showModal();
}
