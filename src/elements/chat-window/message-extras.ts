/**
 * What `<chat-window>` shows around a message's content: the message a reply quotes (above it, a
 * button that jumps to it) and "edited" beside its time.
 */
import { html, nothing } from 'lit';
import { type ChatMessage, quoteOf } from '../../store/index.js';
import type { LocaleController } from '../locale/locale-controller.js';

/** The quoted message above a reply; pressing it calls `jump` with the quoted message's id. */
export function quoteBlock(
  m: ChatMessage,
  i18n: LocaleController,
  name: (username: string) => string,
  jump: (mid: string) => void,
) {
  const quote = m.recalled ? undefined : quoteOf(m);
  if (!quote) return nothing;
  const sender = name(quote.sender);
  return html`<button
    part="quote"
    class="quote"
    type="button"
    data-quote-of=${quote.mid}
    aria-label=${i18n.t('window.jumpToQuote', { name: sender, text: quote.preview })}
    @click=${() => jump(quote.mid)}
  >
    <bdi class="quote-sender">${sender}</bdi>
    <span class="quote-text" dir="auto">${quote.preview || `[${quote.type}]`}</span>
  </button>`;
}

/** " · edited" after the time of a message whose text was edited. */
export function editedLabel(m: ChatMessage, i18n: LocaleController) {
  return m.edited && !m.recalled
    ? html` · <span part="edited" class="edited">${i18n.t('window.edited')}</span>`
    : nothing;
}
