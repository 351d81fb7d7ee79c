import { html, nothing, type ReactiveController, type ReactiveElement } from 'lit';
import { errorMessage } from '../error-message.js';
import type { LocaleController } from '../locale/locale-controller.js';

/**
 * Runs the host's store actions (accept, block, kick…) one key at a time: while one runs its
 * controls show busy, and when the server refuses, its error is kept under the same key so that the
 * host shows it next to the control that asked. Nothing else changes on a refusal: the store only
 * changes when the server agreed.
 *
 * An action that succeeds often removes its own row (an accepted request, a kicked member), and
 * focus would fall to the page's body: it goes to the host's first `fallback` control instead.
 */
export class ActionController implements ReactiveController {
  private readonly busy = new Set<string>();
  /** Each key's last failure, said at render time: in the reader's language of that moment. */
  private readonly errors = new Map<string, () => string>();
  private hadFocus = false;

  constructor(
    private readonly host: ReactiveElement,
    private readonly i18n: LocaleController,
    private readonly fallback = 'button',
  ) {
    host.addController(this);
  }

  /** Whether the action under `key` is running. */
  pending(key: string): boolean {
    return this.busy.has(key);
  }

  /** Runs `action` unless one under `key` is running; resolves whether it succeeded. */
  async run(key: string, action: () => Promise<unknown>): Promise<boolean> {
    if (this.busy.has(key)) return false;
    this.busy.add(key);
    this.errors.delete(key);
    this.host.requestUpdate();
    try {
      await action();
      return true;
    } catch (error) {
      this.errors.set(key, () => errorMessage(error, this.i18n));
      return false;
    } finally {
      this.busy.delete(key);
      this.host.requestUpdate();
    }
  }

  /** Shows a plain-words error of its own (a form filled in wrong) under `key`. */
  fail(key: string, message: () => string): void {
    this.errors.set(key, message);
    this.host.requestUpdate();
  }

  /**
   * A button that runs `action` under `key`: busy while it runs. `label` names it for screen
   * readers when its text alone is ambiguous in a list ("Accept bob", not "Accept").
   */
  button(key: string, part: string, text: string, label: string, action: () => Promise<unknown>) {
    return html`<button
      part=${part}
      aria-label=${label}
      aria-disabled=${this.busy.has(key) ? 'true' : 'false'}
      @click=${() => this.run(key, action)}
    >
      ${text}
    </button>`;
  }

  /** The alert for `key`'s last failure, or nothing. */
  alert(key: string) {
    const error = this.errors.get(key);
    return error ? html`<p part="error" class="alert" role="alert">${error()}</p>` : nothing;
  }

  hostConnected(): void {}

  hostUpdate(): void {
    this.hadFocus = !!(this.host.renderRoot as ShadowRoot).activeElement;
  }

  hostUpdated(): void {
    const root = this.host.renderRoot as ShadowRoot;
    if (this.hadFocus && !root.activeElement && document.activeElement === document.body) {
      root.querySelector<HTMLElement>(this.fallback)?.focus();
    }
  }
}
