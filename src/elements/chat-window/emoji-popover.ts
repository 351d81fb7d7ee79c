/**
 * The composer's emoji picker, imported the first time its button is pressed (with the picker
 * library and its data, none of which a visitor who never opens it downloads). It sits above the
 * composer's row; picking an emoji inserts it at the field's caret (replacing a selection) and
 * leaves the picker open for the next one; Escape, or the button again, closes it and puts focus
 * back in the field.
 *
 * The same picker reacts to a message with any emoji (the message menu's "More reactions…"):
 * `pickReaction`.
 */
import '../chat-emoji-picker/chat-emoji-picker.js';
import type { ChatEmojiPicker } from '../chat-emoji-picker/chat-emoji-picker.js';
import { placeBeside } from './place-beside.js';
import type { WindowContext } from './window-context.js';

/**
 * The picker's parts as `<chat-window>` (and through it `<chat-widget>`) names them, for both the
 * composer's picker and the reaction picker: a page styles them with `::part()`, e.g. the picker
 * library's own custom properties on `emoji-picker-element`.
 */
const pickerParts = 'picker: emoji-picker-element, loading: emoji-picker-loading';

/** Opens or closes the picker of the composer that holds `button`; `apiUrl` serves the data. */
export async function toggleEmojiPicker(
  button: HTMLButtonElement,
  apiUrl: string | undefined,
): Promise<void> {
  const form = button.form;
  const field = form?.querySelector('textarea');
  if (!form || !field) return;
  let picker = form.querySelector('chat-emoji-picker');
  const close = () => {
    picker!.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    field.focus();
  };
  if (picker && !picker.hidden) return close();
  if (!picker) {
    picker = document.createElement('chat-emoji-picker') as ChatEmojiPicker;
    picker.id = 'emoji-picker';
    picker.setAttribute('part', 'emoji-picker');
    picker.setAttribute('exportparts', pickerParts);
    if (apiUrl) picker.apiUrl = apiUrl;
    // A row of its own above the field and the buttons (the form wraps). Set through the CSSOM,
    // which a page's Content-Security-Policy allows.
    picker.style.flexBasis = '100%';
    picker.style.setProperty('--chat-emoji-picker-height', '240px');
    picker.style.marginBottom = 'var(--chat-spacing, 8px)';
    picker.addEventListener('chat-emoji-select', ({ emoji }) => {
      field.setRangeText(emoji, field.selectionStart, field.selectionEnd, 'end');
      // As typing would: the typing indicator and the field's size follow.
      field.dispatchEvent(new Event('input', { bubbles: true }));
    });
    picker.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.isComposing) return;
      // Only the picker closes, not the panel around the window.
      event.preventDefault();
      event.stopPropagation();
      close();
    });
    form.prepend(picker);
    button.setAttribute('aria-controls', picker.id);
  }
  picker.hidden = false;
  button.setAttribute('aria-expanded', 'true');
  await picker.updateComplete;
  picker.focus();
}

/** What the reaction picker's pick does: react to the message it was opened for. */
let reactWith: (emoji: string) => void = () => {};

/**
 * Opens a picker (a popover beside the message's "Message actions" button) to react to message
 * `id` with any emoji: picking one calls `react` with it and closes the picker; Escape, or a click
 * elsewhere, closes it. Focus goes to its search field, and back to that button when it closes.
 */
export async function pickReaction(
  ctx: WindowContext,
  id: string,
  react: (emoji: string) => void,
): Promise<void> {
  const root = ctx.host.renderRoot as ShadowRoot;
  const opener = () =>
    root.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"] [part~="menu-button"]`);
  reactWith = react;
  let popover = root.querySelector<HTMLElement>('[part~="reaction-picker"]');
  if (!popover) {
    popover = document.createElement('div');
    popover.setAttribute('part', 'reaction-picker');
    popover.setAttribute('role', 'dialog');
    popover.popover = 'auto';
    // Placed beside its message (placeBeside), not where the browser puts a popover.
    Object.assign(popover.style, { position: 'fixed', inset: 'auto', margin: '0', padding: '0' });
    const picker = document.createElement('chat-emoji-picker');
    picker.setAttribute('exportparts', pickerParts);
    const apiUrl = ctx.store()?.apiUrl;
    if (apiUrl) picker.apiUrl = apiUrl;
    picker.style.width = 'min(22em, 90vw)';
    picker.addEventListener('chat-emoji-select', ({ emoji }) => {
      popover!.hidePopover();
      reactWith(emoji);
    });
    popover.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.isComposing) return;
      // Only the picker closes, not the panel around the window.
      event.preventDefault();
      event.stopPropagation();
      popover!.hidePopover();
    });
    popover.addEventListener('toggle', (event) => {
      if ((event as ToggleEvent).newState === 'closed') opener()?.focus();
    });
    popover.append(picker);
    root.append(popover);
  }
  popover.setAttribute('aria-label', ctx.i18n.t('window.moreReactions'));
  popover.showPopover();
  const anchor = opener();
  if (anchor) placeBeside(popover, anchor, 'end');
  const picker = popover.firstElementChild as ChatEmojiPicker;
  await picker.updateComplete;
  picker.focus();
}
