/**
 * The composer of `<chat-window>`: the muted banner, the edit or reply banner, the message field
 * (Enter sends, Shift+Enter starts a new line, Escape ends an edit or reply), the attach, record,
 * location and emoji buttons (the picker is a chunk, emoji-popover.ts), and the alert line. Files
 * also come by dropping or pasting them on the window.
 */
import { html, nothing } from 'lit';
import type { ChatType, Ext } from '../../protocol/index.js';
import type { ChatRoom, Group } from '../../store/index.js';
import type { DisplayNameController } from '../controllers/display-name-controller.js';
import type { VoiceRecorderController } from '../controllers/voice-recorder-controller.js';
import { errorMessage } from '../error-message.js';
import { ChatSendEvent } from '../events/chat-send-event.js';
import { attachIcon, locationIcon, microphoneIcon, smileIcon, stopIcon } from '../icons.js';
import { mutedNote } from '../muted-note.js';
import type { ComposeContext } from './compose-context.js';
import type { MessageLog } from './message-log.js';
import type { TypingController } from './typing-controller.js';
import type { WindowContext } from './window-context.js';

/** What the composer needs of the window besides the shared context. */
export interface ComposerParts {
  compose: ComposeContext;
  typing: TypingController;
  names: DisplayNameController;
  log: MessageLog;
  chatType(): ChatType;
  /** The alert line's text. */
  error(): string;
}

/** Whether this browser can record from a microphone at all (a secure page with MediaRecorder). */
const canRecord = (): boolean =>
  typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

export class Composer {
  /** The voice recorder, a chunk loaded the first time the record button is pressed. */
  #recorder: Promise<VoiceRecorderController> | undefined;
  /** The recorder once loaded. */
  #recorded: VoiceRecorderController | undefined;

  readonly #ctx: WindowContext;
  readonly #parts: ComposerParts;

  constructor(ctx: WindowContext, parts: ComposerParts) {
    this.#ctx = ctx;
    this.#parts = parts;
    const { host } = ctx;
    host.addEventListener('dragover', this.#onDrag);
    host.addEventListener('dragleave', this.#onDrag);
    host.addEventListener('drop', this.#onDrag);
    host.addEventListener('paste', (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      void this.#sendFiles(files);
    });
  }

  /** The message field. */
  get input(): HTMLTextAreaElement | null {
    return this.#ctx.host.renderRoot.querySelector('textarea');
  }

  render(target: Group | ChatRoom | undefined) {
    const { i18n } = this.#ctx;
    const recording = this.#recorded?.recording;
    const muted = mutedNote(target?.mutedUntil, i18n);
    // Why I cannot write: muted myself, or everyone is and I am neither owner nor admin.
    const banner = muted
      ? i18n.t(
          this.#parts.chatType() === 'chatRoom' ? 'window.roomMutedBanner' : 'window.mutedBanner',
          { muted },
        )
      : target?.allMuted && target.role === 'member'
        ? i18n.t('window.allMuted')
        : '';
    return html`${banner ? html`<p part="muted-banner" class="banner">${banner}</p>` : nothing}
      ${this.#parts.compose.banner(this.#ctx.conversationId(), (u) => this.#parts.names.get(u))}
      <form part="composer" @submit=${this.#onSubmit}>
        <input type="file" multiple hidden @change=${this.#onPick} />
        <button
          part="attach-button"
          type="button"
          aria-label=${i18n.t('window.attach')}
          title=${i18n.t('window.attach')}
          @click=${() =>
            this.#ctx.host.renderRoot.querySelector<HTMLInputElement>('[type=file]')!.click()}
        >
          ${attachIcon}
        </button>
        ${
          canRecord()
            ? html`<button
                part="record-button"
                type="button"
                class=${recording ? 'primary' : ''}
                aria-label=${i18n.t(recording ? 'window.stopRecording' : 'window.record')}
                title=${i18n.t(recording ? 'window.stopRecording' : 'window.record')}
                @click=${this.#record}
              >
                ${recording ? stopIcon : microphoneIcon}
              </button>`
            : nothing
        }
        ${
          'geolocation' in navigator
            ? html`<button
                part="location-button"
                type="button"
                aria-label=${i18n.t('window.shareLocation')}
                title=${i18n.t('window.shareLocation')}
                @click=${this.#shareLocation}
              >
                ${locationIcon}
              </button>`
            : nothing
        }
        <button
          part="emoji-button"
          type="button"
          aria-label=${i18n.t('window.emoji')}
          title=${i18n.t('window.emoji')}
          aria-expanded="false"
          @click=${this.#toggleEmoji}
        >
          ${smileIcon}
        </button>
        <textarea
          part="input"
          aria-label=${i18n.t('window.message')}
          placeholder=${i18n.t('window.placeholder')}
          rows="1"
          @keydown=${this.#onKeydown}
          @input=${this.#onInput}
        ></textarea>
        <button part="send-button" class="primary" type="submit">${i18n.t('window.send')}</button>
        <p part="error" class="alert" role="alert">
          ${this.#parts.error() || (this.#recorded?.error && i18n.t(this.#recorded.error))}
        </p>
      </form>`;
  }

  readonly #record = async (): Promise<void> => {
    this.#recorder ??= import('../controllers/voice-recorder-controller.js').then(
      ({ VoiceRecorderController }) =>
        (this.#recorded = new VoiceRecorderController(
          this.#ctx.host,
          (file, seconds) => void this.#sendFiles([file], seconds),
        )),
    );
    try {
      await (await this.#recorder).toggle();
    } catch (error) {
      // The chunk did not load (the network): say so; the next press tries again.
      this.#recorder = undefined;
      this.#ctx.fail(error);
    }
  };

  // The picker and its library are a chunk, loaded the first time this is pressed.
  readonly #toggleEmoji = async ({ currentTarget }: Event): Promise<void> => {
    try {
      const { toggleEmojiPicker } = await import('./emoji-popover.js');
      await toggleEmojiPicker(currentTarget as HTMLButtonElement, this.#ctx.store()?.apiUrl);
    } catch (error) {
      this.#ctx.fail(error);
    }
  };

  readonly #onDrag = (event: DragEvent): void => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    const over = event.type === 'dragover';
    this.#ctx.host.toggleAttribute('dragging', over);
    if (event.type === 'drop') void this.#sendFiles([...event.dataTransfer.files]);
  };

  readonly #onPick = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.#sendFiles(files);
  };

  /**
   * Sends each file as its kind's message, with a thumbnail or duration read in the browser; a
   * recording's `recordedSeconds` stand in for the duration its file does not state.
   */
  async #sendFiles(files: File[], recordedSeconds?: number): Promise<void> {
    const store = this.#ctx.store();
    const id = this.#ctx.conversationId();
    if (!store || !id) return;
    this.#ctx.fail('');
    for (const file of files) {
      try {
        // Thumbnails and durations are read by a chunk loaded with the first file sent.
        const { prepareAttachment } = await import('./attachment-preparation.js');
        const { kind, ...options } = await prepareAttachment(file);
        if (!options.duration && recordedSeconds) options.duration = recordedSeconds;
        this.#parts.log.forceScroll = true;
        const sent = new ChatSendEvent(await store.sendFile(id, file, { kind, ...options }));
        this.#ctx.host.dispatchEvent(sent);
      } catch (error) {
        this.#ctx.fail(
          this.#ctx.i18n.t('window.fileFailed', {
            name: file.name,
            reason: errorMessage(error, this.#ctx.i18n),
          }),
        );
      }
    }
  }

  readonly #shareLocation = (): void => {
    const store = this.#ctx.store();
    const id = this.#ctx.conversationId();
    if (!store || !id) return;
    this.#ctx.fail('');
    navigator.geolocation.getCurrentPosition(
      async ({ coords: { latitude: lat, longitude: lng } }) => {
        try {
          const addr = `${lat.toFixed(5)}, ${lng.toFixed(5)}`;
          this.#parts.log.forceScroll = true;
          const sent = new ChatSendEvent(await store.sendLocation(id, { addr, lat, lng }));
          this.#ctx.host.dispatchEvent(sent);
        } catch (error) {
          this.#ctx.fail(error);
        }
      },
      (error) => {
        this.#ctx.fail(
          this.#ctx.i18n.t(
            error.code === error.PERMISSION_DENIED
              ? 'window.locationBlocked'
              : 'window.locationFailed',
          ),
        );
      },
    );
  };

  readonly #onKeydown = (event: KeyboardEvent): void => {
    const { compose } = this.#parts;
    if (event.key === 'Escape' && compose.for(this.#ctx.conversationId())) {
      // Only the edit or reply ends, not the panel around the window.
      event.preventDefault();
      event.stopPropagation();
      compose.cancel();
      return;
    }
    // Shift+Enter keeps the default (a new line); an IME composing text uses Enter to commit.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
  };

  readonly #onInput = (event: InputEvent): void => {
    const id = this.#ctx.conversationId();
    if (id)
      this.#parts.typing.input(
        id,
        this.#parts.chatType(),
        (event.currentTarget as HTMLTextAreaElement).value,
      );
  };

  readonly #onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const { compose, typing, log } = this.#parts;
    const store = this.#ctx.store();
    const input = this.input;
    const id = this.#ctx.conversationId();
    const text = input?.value.trim() ?? '';
    if (!store || !input || !id || !text) return;
    const target = compose.for(id);
    // Cleared before the await so that typing on continues into an empty field.
    input.value = '';
    typing.stopped();
    this.#ctx.fail('');
    if (target) {
      compose.target = undefined;
      this.#ctx.host.requestUpdate();
    }
    if (target?.mode === 'edit') {
      try {
        await store.edit(target.message.id, text);
      } catch (error) {
        // Refused: the edit stays in the field, to fix or cancel.
        if (!input.value) input.value = text;
        compose.target = target;
        this.#ctx.fail(error);
      }
      return;
    }
    log.forceScroll = true;
    try {
      // A visitor's page, for the site's team (`<chat-window>`'s sendExt).
      let ext = (this.#ctx.host as { sendExt?: Ext | (() => Ext | undefined) }).sendExt;
      if (typeof ext === 'function') ext = ext();
      const message = await store.send(id, text, {
        ...(target && { replyTo: target.message.id }),
        ext,
      });
      const sent = new ChatSendEvent(message);
      this.#ctx.host.dispatchEvent(sent);
    } catch (error) {
      // Nothing was queued: give the text back rather than lose it.
      if (!input.value) input.value = text;
      this.#ctx.fail(error);
    }
  };
}
