/**
 * What a message of `<chat-window>` holds, by kind: text (with its links), a location card, a
 * custom message's card, and attachments: an image's thumbnail (the original opens in the viewer
 * dialog), audio and video (fetched when "Play" is pressed), a file card with "Download", and
 * while an attachment uploads, its progress and "Cancel". Originals are fetched only on demand.
 */
import { html, nothing, type ReactiveElement } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { ChatMessage, ChatStoreApi } from '../../store/index.js';
import { FileUrlController } from '../controllers/file-url-controller.js';
import { UploadProgressController } from '../controllers/upload-progress-controller.js';
import { humanSize } from './human-size.js';
import { linkify } from './linkify.js';
import type { WindowContext } from './window-context.js';

const duration = (s = 0) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

export class MessageContent {
  readonly #files: FileUrlController;
  readonly #uploads: UploadProgressController;
  /** The image shown in the viewer: its name and, once fetched, its URL. */
  #viewing?: { name: string; url?: string };
  #opener?: HTMLElement | null;

  readonly #ctx: WindowContext;

  constructor(ctx: WindowContext) {
    this.#ctx = ctx;
    this.#files = new FileUrlController(ctx.host);
    this.#uploads = new UploadProgressController(ctx.host);
  }

  /** Follows the upload progress of the attachments still being sent. */
  trackUploads(store: ChatStoreApi | undefined, messages: readonly ChatMessage[]): void {
    this.#uploads.track(
      store,
      messages.filter((m) => m.attachment && m.status === 'pending').map((m) => m.id),
    );
  }

  render(m: ChatMessage) {
    const { i18n } = this.#ctx;
    const file = m.attachment;
    const loc = m.location;
    // No whitespace inside the paragraph: message text keeps its own (white-space: pre-wrap).
    if (m.type === 'txt') {
      const text = linkify(m.text).map((part) =>
        typeof part === 'string'
          ? part
          : html`<a part="link" href=${part.href} target="_blank" rel="noopener noreferrer nofollow"
              >${part.text}</a
            >`,
      );
      return html`<p part="message-text" class="text" dir="auto">${text}</p>`;
    }
    if (loc) {
      const map = `https://www.openstreetmap.org/?mlat=${loc.lat}&mlon=${loc.lng}#map=16/${loc.lat}/${loc.lng}`;
      return html`<div part="card" class="card">
        <strong dir="auto">${loc.buildingName || loc.addr}</strong>
        ${loc.buildingName ? html`<span dir="auto">${loc.addr}</span>` : nothing}
        <span class="small" dir="ltr">${loc.lat.toFixed(5)}, ${loc.lng.toFixed(5)}</span>
        <a part="map-link" href=${map} target="_blank" rel="noopener noreferrer"
          >${i18n.t('window.openMap')}</a
        >
      </div>`;
    }
    if (m.custom) {
      return html`<div part="card" class="card small">
        ${i18n.parts('window.custom', { event: html`<bdi>${m.custom.event}</bdi>` })}
      </div>`;
    }
    if (!file) return nothing;
    const ready = !!file.url;
    const url = this.#files.get(m.id);
    // While pending: the upload's progress, full once uploaded (the message itself is then
    // being sent); cancellable until uploaded, also while queued (offline, behind another upload).
    const upload = this.#uploads.get(m.id);
    const progress =
      m.status === 'pending'
        ? html`<progress
              part="upload-progress"
              value=${ready ? 1 : upload ? upload.loaded / upload.total : 0}
              aria-label=${i18n.t('window.uploading', { name: file.filename })}
            ></progress
            >${
              ready
                ? nothing
                : html`<button
                    part="cancel-button"
                    aria-label=${i18n.t('window.cancelUpload', { name: file.filename })}
                    @click=${() => this.#cancel(m.id)}
                  >
                    ${i18n.t('common.cancel')}
                  </button>`
            }`
        : nothing;
    let body;
    // Previews load as they scroll into the rendered window; originals only on demand.
    const key = `${m.id}:thumb`;
    const thumb =
      ready && (m.type === 'img' || file.thumbUrl)
        ? (this.#files.get(key) ??
          // A preview that cannot load leaves the file name showing; opening retries.
          void this.#files.load(key, () => this.#fetch(m, true), false)?.catch(() => undefined))
        : undefined;
    if (m.type === 'img') {
      body = html`<button
        part="image-button"
        class="image"
        aria-label=${i18n.t('window.openImage', { name: file.filename })}
        ?disabled=${!ready}
        @click=${(e: Event) => this.#openImage(m, e.currentTarget as HTMLElement)}
      >
        ${
          thumb
            ? html`<img
                src=${thumb}
                alt=""
                width=${file.width ?? nothing}
                height=${file.height ?? nothing}
              />`
            : html`<bdi class="small">${file.filename}</bdi>`
        }
      </button>`;
      // The image's size is in the message: its box has it before the thumbnail loads, so nothing
      // below moves when it does (history loading, scrolling back). Set through CSSOM (styleMap),
      // which a strict style-src allows.
      if (file.width && file.height) {
        body = html`<div
          class="frame"
          style=${styleMap({
            width: `${file.width}px`,
            aspectRatio: `${file.width} / ${file.height}`,
          })}
        >
          ${body}
        </div>`;
      }
    } else if (m.type === 'audio' || m.type === 'video') {
      const label = i18n.t(m.type === 'audio' ? 'window.voiceNamed' : 'window.videoNamed', {
        name: file.filename,
      });
      body = url
        ? m.type === 'audio'
          ? html`<audio part="player" controls src=${url} aria-label=${label}></audio>`
          : html`<video
              part="player"
              controls
              src=${url}
              poster=${thumb ?? nothing}
              aria-label=${label}
            ></video>`
        : html`<button
            part="play-button"
            aria-label=${i18n.t('window.playWhat', { duration: duration(file.duration), what: label })}
            ?disabled=${!ready}
            @click=${() => this.#play(m)}
          >
            ${thumb ? html`<img src=${thumb} alt="" />` : nothing}▶ ${i18n.t('window.play')}
            <span class="small">${duration(file.duration)}</span>
          </button>`;
    } else {
      body = html`<div part="card" class="card">
        <strong><bdi>${file.filename}</bdi></strong
        ><span class="small">${humanSize(file.size, i18n.locale)}</span>
        ${
          ready
            ? html`<button
                part="download-button"
                aria-label=${i18n.t('window.downloadWhat', { name: file.filename })}
                @click=${() => this.#download(m)}
              >
                ${i18n.t('window.download')}
              </button>`
            : nothing
        }
      </div>`;
    }
    return html`${body}${progress}`;
  }

  /** The dialog showing an image at full size, rendered once per window. */
  viewer() {
    const { i18n } = this.#ctx;
    return html`<dialog
      part="viewer"
      aria-label=${this.#viewing?.name ?? i18n.t('window.image')}
      @close=${this.#onViewerClose}
    >
      ${
        this.#viewing?.url
          ? html`<img src=${this.#viewing.url} alt=${this.#viewing.name} />`
          : html`<p>${i18n.t('common.loading')}</p>`
      }
      <button part="viewer-close-button" @click=${() => this.#dialog()?.close()}>
        ${i18n.t('common.close')}
      </button>
    </dialog>`;
  }

  get #host(): ReactiveElement {
    return this.#ctx.host;
  }

  #dialog(): HTMLDialogElement | null {
    return this.#ctx.host.renderRoot.querySelector<HTMLDialogElement>('dialog[part="viewer"]');
  }

  #fetch(m: ChatMessage, thumbnail = false): Promise<string> {
    const store = this.#ctx.store();
    return store ? store.fetchFile(m, { thumbnail }) : Promise.reject(new Error('No store'));
  }

  /** Loads an attachment's original on demand, showing why when it cannot. */
  async #original(m: ChatMessage): Promise<string | undefined> {
    try {
      return await this.#files.load(m.id, () => this.#fetch(m));
    } catch (error) {
      this.#ctx.fail(error);
      return undefined;
    }
  }

  async #openImage(m: ChatMessage, opener: HTMLElement): Promise<void> {
    this.#opener = opener;
    const name = m.attachment!.filename;
    this.#viewing = { name };
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#dialog()?.showModal();
    const url = await this.#original(m);
    if (url && this.#viewing?.name === name) {
      this.#viewing = { name, url };
      this.#host.requestUpdate();
    }
  }

  readonly #onViewerClose = (): void => {
    this.#viewing = undefined;
    this.#host.requestUpdate();
    this.#opener?.focus();
    this.#opener = undefined;
  };

  async #play(m: ChatMessage): Promise<void> {
    if (!(await this.#original(m))) return;
    await this.#host.updateComplete;
    const player = this.#ctx.host.renderRoot.querySelector<HTMLMediaElement>(
      `[data-id="${m.id}"] [part=player]`,
    );
    player?.focus();
    // The press was the user's gesture; a browser that still refuses autoplay leaves the controls.
    player?.play().catch(() => undefined);
  }

  async #download(m: ChatMessage): Promise<void> {
    const url = await this.#original(m);
    if (!url) return;
    const link = document.createElement('a');
    link.href = url;
    link.download = m.attachment!.filename;
    link.hidden = true;
    this.#ctx.host.renderRoot.appendChild(link);
    link.click();
    link.remove();
  }

  async #cancel(id: string): Promise<void> {
    this.#ctx.fail('');
    try {
      await this.#ctx.store()!.cancelUpload(id);
    } catch (error) {
      this.#ctx.fail(error);
    }
  }
}
