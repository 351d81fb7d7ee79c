import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { errorMessage } from '../error-message.js';
import type { LocaleController } from '../locale/locale-controller.js';

/** One load per element module and page, shared by every host that shows that element. */
const loads = new Map<string, Promise<unknown>>();

/**
 * An element its host shows rarely (a tab, a dialog), whose module is imported the first time it
 * is shown instead of with the host: it stays out of what a signed-in visitor loads up front (the
 * size budgets of build/budgets.ts). Until the module has loaded the host shows a loading state;
 * if the load fails (the network), the error, and showing the element again retries it.
 */
export class LazyElementController implements ReactiveController {
  /** Why the last load failed, until the next try. */
  error: unknown = undefined;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly name: string,
    private readonly load: () => Promise<unknown>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
  }

  hostDisconnected(): void {
    this.connected = false;
  }

  /** True when the element is defined; otherwise starts loading it and re-renders the host when done. */
  ready(): boolean {
    if (customElements.get(this.name)) return true;
    if (this.error !== undefined) return false;
    let load = loads.get(this.name);
    if (!load) {
      load = this.load();
      loads.set(this.name, load);
      load.catch(() => loads.delete(this.name));
    }
    load.then(
      () => {
        // A module that loaded without defining the element would otherwise re-render forever.
        if (!customElements.get(this.name)) this.error = new Error(`${this.name} was not defined`);
        if (this.connected) this.host.requestUpdate();
      },
      (error: unknown) => {
        this.error = error;
        if (this.connected) this.host.requestUpdate();
      },
    );
    return false;
  }

  /** Settles once the element is defined, or its load has failed, and the host shows which. */
  async settled(): Promise<void> {
    if (!this.ready()) await loads.get(this.name)?.catch(() => undefined);
    await this.host.updateComplete;
  }

  /**
   * `content` (the element) once defined; until then "Loading…" (`part="loading"`, a status), or
   * why the load failed (`part="error"`, an alert).
   */
  render(i18n: LocaleController, content: () => unknown): unknown {
    if (this.ready()) return content();
    return this.error === undefined
      ? html`<p part="loading" class="lazy" role="status">${i18n.t('common.loading')}</p>`
      : html`<p part="error" class="lazy" role="alert">${errorMessage(this.error, i18n)}</p>`;
  }

  /** Forgets a failed load, so that the next `ready()` tries again. */
  retry(): void {
    if (this.error === undefined) return;
    this.error = undefined;
    this.host.requestUpdate();
  }
}
