/**
 * What the parts of `<chat-window>` (its log, bubbles, attachments and composer, each in its own
 * file) share of the element: the host to render, the locale, the store, the conversation shown,
 * and the alert line under the composer.
 */
import type { LitElement } from 'lit';
import type { ChatStoreApi } from '../../store/index.js';
import type { LocaleController } from '../locale/locale-controller.js';

export interface WindowContext {
  readonly host: LitElement;
  readonly i18n: LocaleController;
  /** The store the window acts on, if it has one yet. */
  store(): ChatStoreApi | undefined;
  /** The conversation shown, '' for none. */
  conversationId(): string;
  /** Shows why an action failed: an error in plain words, or a text ('' clears the line). */
  fail(error: unknown): void;
}
