/**
 * The composer's emoji picker, imported the first time its button is pressed (with the picker
 * library and its data, none of which a visitor who never opens it downloads). It sits above the
 * composer's row; picking an emoji inserts it at the field's caret (replacing a selection) and
 * leaves the picker open for the next one; Escape, or the button again, closes it and puts focus
 * back in the field.
 */
import '../chat-emoji-picker/chat-emoji-picker.js';
import type { ChatEmojiPicker } from '../chat-emoji-picker/chat-emoji-picker.js';

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
