/**
 * What the composer of `<chat-window>` is doing besides writing a new message: editing one of
 * mine (the field holds its text; sending saves the edit) or replying to one (it is quoted above
 * the field; sending quotes it). A banner above the field says which, with a button to cancel;
 * Escape in the field cancels too. Switching conversations forgets it.
 */
import { html, nothing, type ReactiveElement } from 'lit';
import type { ChatMessage } from '../../store/index.js';
import type { LocaleController } from '../locale/locale-controller.js';

export interface ComposeTarget {
  mode: 'edit' | 'reply';
  message: ChatMessage;
  conversationId: string;
}

export class ComposeContext {
  target?: ComposeTarget;

  constructor(
    private readonly host: ReactiveElement,
    private readonly i18n: LocaleController,
    private readonly field: () => HTMLTextAreaElement | undefined,
  ) {}

  /** Starts editing `message`: its text in the field, the cursor at its end. */
  edit(conversationId: string, message: ChatMessage): void {
    this.target = { mode: 'edit', message, conversationId };
    this.focusField(message.text);
  }

  /** Starts a reply to `message`: the field keeps what was typed. */
  reply(conversationId: string, message: ChatMessage): void {
    const wasEditing = this.target?.mode === 'edit';
    this.target = { mode: 'reply', message, conversationId };
    this.focusField(wasEditing ? '' : undefined);
  }

  /** Forgets the target; an edit's text leaves the field with it. */
  cancel(): void {
    if (!this.target) return;
    const field = this.field();
    if (this.target.mode === 'edit' && field) field.value = '';
    this.target = undefined;
    this.host.requestUpdate();
    field?.focus();
  }

  /** The target for `conversationId` (one of another conversation is dropped). */
  for(conversationId: string): ComposeTarget | undefined {
    if (this.target && this.target.conversationId !== conversationId) this.target = undefined;
    return this.target;
  }

  /** The banner above the field, or nothing. `name` gives a sender's display name. */
  banner(conversationId: string, name: (username: string) => string) {
    const target = this.for(conversationId);
    if (!target) return nothing;
    const { mode, message } = target;
    const preview = message.type === 'txt' ? message.text : (message.attachment?.filename ?? '');
    return html`<div part="compose-context" class="compose-context">
      <span class="compose-what">
        ${
          mode === 'edit'
            ? this.i18n.t('window.editing')
            : this.i18n.parts('window.replyingTo', {
                name: html`<bdi>${name(message.from)}</bdi>`,
              })
        }
        <span class="compose-preview" dir="auto">${preview}</span>
      </span>
      <button
        part="compose-cancel-button"
        type="button"
        aria-label=${this.i18n.t(mode === 'edit' ? 'window.cancelEdit' : 'window.cancelReply')}
        @click=${() => this.cancel()}
      >
        ✕
      </button>
    </div>`;
  }

  private focusField(text?: string): void {
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      const field = this.field();
      if (!field) return;
      if (text !== undefined) field.value = text;
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    });
  }
}
