/**
 * One message of `<chat-window>` as a bubble: who said it (the sender's name above each run of a
 * group's messages, else for screen readers only), the quote of a reply, its content, its time,
 * "edited", and for own messages the delivery state with "Retry" or "Recall"; its menu's button and
 * listeners. Also the day separator above each day's first message.
 */
import { html, nothing } from 'lit';
import type { ChatMessage } from '../../store/index.js';
import type { AppLimits, ChatType } from '../../protocol/index.js';
import type { DisplayNameController } from '../controllers/display-name-controller.js';
import { errorMessage } from '../error-message.js';
import type { MessageKey } from '../locale/en.js';
import { formatTime } from '../time-format.js';
import { editedLabel, quoteBlock } from './message-extras.js';
import type { MessageContent } from './message-content.js';
import type { MessageMenu } from './message-menu.js';
import type { ReactionChips } from './reaction-chips.js';
import type { WindowContext } from './window-context.js';

const receiptLabels = {
  pending: 'window.sending',
  sent: 'window.sent',
  delivered: 'window.delivered',
  read: 'window.read',
} as const;

/** What a bubble needs of the window besides the shared context. */
export interface BubbleParts {
  menu: MessageMenu;
  names: DisplayNameController;
  content: MessageContent;
  me(): string | undefined;
  chatType(): ChatType;
  limits(): AppLimits;
  jumpTo(mid: string): void;
}

export class MessageBubble {
  /** When the earliest Recall button rendered last stops applying (ms since the epoch). */
  #nextRecallEnd = Infinity;
  #recallTimer: ReturnType<typeof setTimeout> | undefined;
  /** The reaction chips, once their chunk has loaded. */
  #chips?: ReactionChips | Promise<unknown>;

  readonly #ctx: WindowContext;
  readonly #parts: BubbleParts;

  constructor(ctx: WindowContext, parts: BubbleParts) {
    this.#ctx = ctx;
    this.#parts = parts;
  }

  /** Renders again when the first shown Recall button's window ends, so it goes away on time. */
  afterRender(): void {
    clearTimeout(this.#recallTimer);
    if (this.#nextRecallEnd < Infinity) {
      this.#recallTimer = setTimeout(
        () => this.#ctx.host.requestUpdate(),
        Math.max(0, this.#nextRecallEnd - Date.now()) + 50,
      );
      this.#nextRecallEnd = Infinity;
    }
  }

  disconnect(): void {
    clearTimeout(this.#recallTimer);
  }

  render(m: ChatMessage, peer: string, previous?: ChatMessage) {
    const { i18n } = this.#ctx;
    const { menu, names } = this.#parts;
    const own = m.from === this.#parts.me() || m.status !== 'received';
    const on = menu.bubbleListeners(m.id);
    const menuable = !m.recalled && m.status !== 'pending' && m.status !== 'failed';
    return html`<div
      part="message ${own ? 'message-own' : 'message-other'}"
      class="msg ${own ? 'own' : 'other'}"
      data-id=${m.id}
      data-status=${m.status}
      data-receipt=${m.receipt ?? nothing}
      @pointerdown=${on.pointerdown}
      @pointerup=${on.cancel}
      @pointercancel=${on.cancel}
      @pointermove=${on.cancel}
      @contextmenu=${on.contextmenu}
      @keydown=${on.keydown}
    >
      ${menuable ? menu.button(m, own) : nothing}
      ${
        own || this.#parts.chatType() === 'singleChat'
          ? html`<span class="sr-only"
              >${i18n.t('window.saidBy', { name: own ? i18n.t('window.you') : peer })}</span
            >`
          : previous?.from === m.from
            ? html`<span class="sr-only"
                >${i18n.t('window.saidBy', { name: names.get(m.from) })}</span
              >`
            : html`<bdi part="sender" class="sender">${names.get(m.from)}</bdi>`
      }
      ${quoteBlock(
        m,
        i18n,
        (u) => names.get(u),
        (mid) => this.#parts.jumpTo(mid),
      )}
      ${
        m.recalled
          ? html`<p part="message-text" class="text recalled">
              ${i18n.t(own ? 'preview.youRecalled' : 'preview.recalled')}
            </p>`
          : this.#parts.content.render(m)
      }
      <span part="message-meta" class="meta"
        ><time datetime=${new Date(m.time).toISOString()}
          >${formatTime(m.time, i18n.locale, true)}</time
        >${editedLabel(m, i18n)}${own ? this.#delivery(m) : nothing}</span
      >
      ${m.reactions?.length ? this.#reactions(m) : nothing}
    </div>`;
  }

  /** Its reactions: a chunk, loaded with the first message that has some (tried again if it failed). */
  #reactions(m: ChatMessage) {
    this.#chips ||= import('./reaction-chips.js').then(
      ({ ReactionChips }) => {
        this.#chips = new ReactionChips(this.#ctx, this.#parts.me);
        this.#ctx.host.requestUpdate();
      },
      () => (this.#chips = undefined),
    );
    return this.#chips instanceof Promise ? nothing : this.#chips.render(m);
  }

  #delivery(m: ChatMessage) {
    const { i18n } = this.#ctx;
    if (m.status === 'failed') {
      return html` ·
        <span class="failed"
          >${m.error ? i18n.t('window.notSentBecause', { reason: this.#failure(m) }) : i18n.t('window.notSent')}</span
        >
        <button part="retry-button" @click=${() => this.#act(() => this.#ctx.store()!.retry(m.id))}>
          ${i18n.t('window.retry')}
        </button>`;
    }
    const receipt = m.status === 'pending' ? 'pending' : (m.receipt ?? m.status);
    const key = receiptLabels[receipt as keyof typeof receiptLabels] as MessageKey | undefined;
    if (!key) return nothing;
    const label = i18n.message(key);
    const recallEnds = m.time + this.#parts.limits().recallSeconds * 1000;
    const recallable = m.status === 'sent' && !m.recalled && Date.now() < recallEnds;
    if (recallable) this.#nextRecallEnd = Math.min(this.#nextRecallEnd, recallEnds);
    return html` ·
      <span part="receipt" class="receipt"
        ><span aria-hidden="true"
          >${receipt === 'sent' ? '✓' : receipt === 'pending' ? '' : '✓✓'}</span
        >
        ${label}</span
      >${
        recallable
          ? html` <button
              part="recall-button"
              class="recall"
              @click=${() => this.#act(() => this.#ctx.store()!.recall(m.id))}
            >
              ${i18n.t('window.recall')}
            </button>`
          : nothing
      }`;
  }

  /** Why a message failed, in the reader's language when the store kept its key. */
  #failure(m: ChatMessage): string {
    return m.errorKey ? errorMessage({ key: m.errorKey }, this.#ctx.i18n) : (m.error ?? '');
  }

  /** Runs a store action on a message, showing its error in plain words. */
  async #act(action: () => Promise<unknown>): Promise<void> {
    this.#ctx.fail('');
    try {
      await action();
    } catch (error) {
      this.#ctx.fail(error);
    }
  }

  /**
   * "Today", "Yesterday" (Intl.RelativeTimeFormat), else the date, in the reader's locale, above
   * the first message of each day.
   */
  daySeparator(m: ChatMessage, previous: ChatMessage | undefined) {
    const day = new Date(m.time);
    if (previous && new Date(previous.time).toDateString() === day.toDateString()) return nothing;
    const locale = this.#ctx.i18n.locale;
    const now = new Date();
    const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    const daysAgo = Math.round((midnight(now) - midnight(day)) / 86_400_000);
    let label: string;
    if (daysAgo === 0 || daysAgo === 1) {
      const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(
        -daysAgo,
        'day',
      );
      label = relative.charAt(0).toLocaleUpperCase(locale) + relative.slice(1);
    } else {
      label = day.toLocaleDateString(locale, {
        weekday: 'long',
        month: 'long',
        day: 'numeric',
        ...(day.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
      });
    }
    const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    return html`<p part="day-separator" class="day" data-day-of=${m.id}>
      <time datetime=${date}>${label}</time>
    </p>`;
  }
}
