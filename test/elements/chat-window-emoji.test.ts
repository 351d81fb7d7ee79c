// The composer's emoji picker: loaded when its button is first pressed (this file imports
// <chat-window> alone, as the widget's chunk does), used from the keyboard, inserting at the caret.
// Its data comes from the test server's dist/emoji/ (run `vite build --mode widget` first, as
// `npm run test:browser` does).
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/chat-window/chat-window.js';
import type { ChatEmojiPicker } from '../../src/elements/chat-emoji-picker/chat-emoji-picker.js';
import type { ChatWindow } from '../../src/elements/index.js';
import { mainServer } from '../support/servers.js';
import { shadow } from './panel-queries.js';
import { APP_KEY } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();

/** The element that has focus, looking through shadow roots. */
function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('chat-window emoji picker', () => {
  const session = signedIn(url);

  it('opens from the keyboard, inserts at the caret, stays open, and Escape returns to the field', async () => {
    const peer = await session.peer();
    const el = await fixture<ChatWindow>(
      html`<chat-window
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer.username}
      ></chat-window>`,
    );
    const button = shadow<HTMLButtonElement>(el, '[part="emoji-button"]');
    expect(button.getAttribute('aria-label')).to.equal('Emoji');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(customElements.get('chat-emoji-picker'), 'not loaded with the window').to.equal(
      undefined,
    );
    await expect(el).to.be.accessible();

    const field = shadow<HTMLTextAreaElement>(el, 'textarea');
    field.focus();
    await sendKeys({ type: 'Hello world' });
    field.setSelectionRange(5, 5);
    // Shift+Tab from the field reaches the button (it stands before the field).
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(deepActive()).to.equal(button);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => shadow(el, 'chat-emoji-picker'), 'the picker is shown');
    const picker = shadow<ChatEmojiPicker>(el, 'chat-emoji-picker');
    await picker.updateComplete;
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(button.getAttribute('aria-controls')).to.equal(picker.id);
    expect(picker.getAttribute('part')).to.equal('emoji-picker');
    const root = picker.shadowRoot!.querySelector('emoji-picker')!.shadowRoot!;
    expect(deepActive(), 'focus in the search field').to.equal(root.querySelector('input'));

    await sendKeys({ type: 'grinning face with big eyes' });
    // The picker takes the typed text in an idle callback; its results follow.
    await new Promise((resolve) => requestIdleCallback(resolve));
    await waitUntil(
      () =>
        [...root.querySelectorAll('#search-results [id^="emo-"]')].map((b) => b.id).join() ===
        'emo-😃',
      'the one result',
      { timeout: 15000 },
    );
    const typed = oneEvent(field, 'input');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await typed;
    expect(field.value).to.equal('Hello😃 world');
    expect(field.selectionStart, 'the caret after the emoji').to.equal('Hello😃'.length);
    expect(picker.hidden, 'open for the next one').to.equal(false);

    expect(picker.getBoundingClientRect().height, 'shown').to.be.above(0);
    await sendKeys({ press: 'Escape' });
    expect(picker.hidden).to.equal(true);
    expect(picker.getBoundingClientRect().height, 'out of sight').to.equal(0);
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(deepActive(), 'back in the field').to.equal(field);

    // What was composed is sent as is.
    await sendKeys({ press: 'Enter' });
    // (The typing commands the field sent come first.)
    const received = await peer.nextMessage((m) => m.type === 'txt');
    expect(received).to.include({ type: 'txt', msg: 'Hello😃 world' });
    await expect(el).to.be.accessible();
  });

  it('a click on an emoji replaces the selection, and the button closes the picker again', async () => {
    const peer = await session.peer();
    const el = await fixture<ChatWindow>(
      html`<chat-window
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer.username}
      ></chat-window>`,
    );
    const field = shadow<HTMLTextAreaElement>(el, 'textarea');
    field.value = 'I am sad';
    field.setSelectionRange(5, 8);
    const button = shadow<HTMLButtonElement>(el, '[part="emoji-button"]');
    button.click();
    await waitUntil(() => shadow(el, 'chat-emoji-picker'), 'the picker is shown');
    const picker = shadow<ChatEmojiPicker>(el, 'chat-emoji-picker');
    await picker.updateComplete;
    const root = picker.shadowRoot!.querySelector('emoji-picker')!.shadowRoot!;
    await waitUntil(() => root.querySelector('[id^="emo-"]'), 'the grid', { timeout: 15000 });
    const first = root.querySelector<HTMLButtonElement>('[id^="emo-"]')!;
    const emoji = first.id.slice('emo-'.length);
    const typed = oneEvent(field, 'input');
    first.click();
    await typed;
    expect(field.value).to.equal(`I am ${emoji}`);
    button.click();
    await waitUntil(() => picker.hidden, 'closed by its button');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(deepActive()).to.equal(field);
  });

  it('a page styles the picker inside the window through its re-exported parts', async () => {
    // The picker's own `--emoji-size` is 22px; a themer's ::part() rule outside wins over it.
    const style = document.createElement('style');
    style.textContent =
      'chat-window::part(emoji-picker-element) { --emoji-size: 30px; outline: 3px solid rgb(255, 0, 0); }';
    document.head.append(style);
    try {
      const peer = await session.peer();
      const el = await fixture<ChatWindow>(
        html`<chat-window
          app-key=${APP_KEY}
          api-url=${url}
          conversation=${peer.username}
        ></chat-window>`,
      );
      shadow<HTMLButtonElement>(el, '[part="emoji-button"]').click();
      await waitUntil(() => shadow(el, 'chat-emoji-picker'), 'the picker is shown');
      const picker = shadow<ChatEmojiPicker>(el, 'chat-emoji-picker');
      await picker.updateComplete;
      const inner = picker.shadowRoot!.querySelector('emoji-picker')!;
      const styles = getComputedStyle(inner);
      expect(styles.getPropertyValue('--emoji-size').trim()).to.equal('30px');
      expect(styles.outlineColor).to.equal('rgb(255, 0, 0)');
    } finally {
      style.remove();
    }
  });
});
