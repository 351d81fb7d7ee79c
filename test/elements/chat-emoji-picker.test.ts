// <chat-emoji-picker>: emoji-picker-element with its data from the chat server (the test server,
// which serves the dist/emoji/ the widget build wrote: run `vite build --mode widget` first, as
// `npm run test:browser` does), in the reader's language, used from the keyboard.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/chat-emoji-picker/chat-emoji-picker.js';
import type { ChatEmojiPicker } from '../../src/elements/chat-emoji-picker/chat-emoji-picker.js';
import type { ChatEmojiSelectEvent } from '../../src/elements/events/chat-emoji-select-event.js';
import { mainServer } from '../support/servers.js';

const { url } = await mainServer();

// Every URL the page fetches (the picker loads its data with fetch), passed on unchanged.
const fetched: string[] = [];
const pageFetch = window.fetch.bind(window);
window.fetch = (input, init) => {
  fetched.push(input instanceof Request ? input.url : String(input));
  return pageFetch(input, init);
};

/** The `<emoji-picker>` inside, once it shows emoji (its data loaded and rendered). */
async function shown(el: ChatEmojiPicker) {
  await el.updateComplete;
  await waitUntil(
    () => el.shadowRoot!.querySelector('emoji-picker')?.shadowRoot?.querySelector('[id^="emo-"]'),
    'the picker shows emoji',
    { timeout: 15000 },
  );
  return el.shadowRoot!.querySelector('emoji-picker')!.shadowRoot!;
}

/** What the page fetched for emoji data, and what it fetched from other hosts than 127.0.0.1. */
function requests() {
  const entries = fetched.map((name) => new URL(name, location.href).href);
  return {
    data: entries.filter((name) => /\/emoji\/[\w-]+\.json/.test(name)),
    elsewhere: entries.filter((name) => !/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(name)),
  };
}

/**
 * Deletes the picker's own database of `locale` (its data kept from earlier tests), so that the next
 * picker loads the data as on a visitor's first time.
 */
function forget(locale: string) {
  return new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(`emoji-picker-element-${locale}`);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

/**
 * Types `text` into the search field, then picks the one result, `expected`, with ArrowDown and
 * Enter: what the picker's own test of its keyboard use does.
 */
async function pickBySearch(el: ChatEmojiPicker, text: string, expected: string) {
  el.focus();
  await sendKeys({ type: text });
  // The picker takes the typed text in an idle callback (its search, then its results, follow):
  // this one runs after it.
  await new Promise((resolve) => requestIdleCallback(resolve));
  const root = el.shadowRoot!.querySelector('emoji-picker')!.shadowRoot!;
  const results = () =>
    [...root.querySelectorAll('#search-results [id^="emo-"]')].map((b) => b.id).join(' ');
  await waitUntil(() => results() === `emo-${expected}`, `${expected} alone for ${text}`);
  const picked = oneEvent(el, 'chat-emoji-select') as Promise<ChatEmojiSelectEvent>;
  await sendKeys({ press: 'ArrowDown' });
  await sendKeys({ press: 'Enter' });
  return picked;
}

describe('chat-emoji-picker', () => {
  beforeEach(() => (fetched.length = 0));

  it('loads its data from the chat server, and nothing from anywhere else', async () => {
    await forget('en');
    const el = await fixture<ChatEmojiPicker>(
      html`<chat-emoji-picker api-url=${url} lang="en"></chat-emoji-picker>`,
    );
    const root = await shown(el);
    const { data, elsewhere } = requests();
    expect(data).to.deep.equal([`${url}/emoji/en.json`]);
    expect(elsewhere).to.deep.equal([]);
    expect(root.querySelector('input')!.getAttribute('placeholder')).to.equal('Search');
    await expect(el).to.be.accessible();
  });

  it('is used from the keyboard: focus() is the search field, arrows and Enter pick', async () => {
    const el = await fixture<ChatEmojiPicker>(
      html`<chat-emoji-picker api-url=${url} lang="en"></chat-emoji-picker>`,
    );
    const root = await shown(el);
    el.focus();
    expect(root.activeElement, 'the search field has focus').to.equal(root.querySelector('input'));
    const event = await pickBySearch(el, 'grinning face with big eyes', '😃');
    expect(event.emoji).to.equal('😃');
    expect(event.name).to.equal('grinning face with big eyes');
    expect(event.composed && event.bubbles, 'reaches the page from a shadow root').to.equal(true);
  });

  it('speaks the reader’s language and searches its names: French', async () => {
    await forget('fr');
    const el = await fixture<ChatEmojiPicker>(
      html`<div lang="fr"><chat-emoji-picker api-url=${url}></chat-emoji-picker></div>`,
    ).then((div) => div.querySelector('chat-emoji-picker')!);
    const root = await shown(el);
    expect(root.querySelector('input')!.getAttribute('placeholder')).to.equal('Rechercher');
    expect(requests().data).to.deep.equal([`${url}/emoji/fr.json`]);
    // Found by its French name only.
    const event = await pickBySearch(el, 'chat qui pleure de joie', '😹');
    expect(event.emoji).to.equal('😹');
    expect(event.name).to.equal('chat qui pleure de joie');
  });

  it('Arabic: right to left with Arabic labels, English names for the search', async () => {
    await forget('en');
    const el = await fixture<ChatEmojiPicker>(
      html`<chat-emoji-picker api-url=${url} lang="ar"></chat-emoji-picker>`,
    );
    const root = await shown(el);
    expect(el.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(root.querySelector('.picker')!).direction).to.equal('rtl');
    expect(root.querySelector('input')!.getAttribute('placeholder')).to.equal('بحث');
    expect(requests().data).to.deep.equal([`${url}/emoji/en.json`]);
  });

  it('follows a change of language at run time', async () => {
    await forget('de');
    const el = await fixture<ChatEmojiPicker>(
      html`<chat-emoji-picker api-url=${url} lang="en"></chat-emoji-picker>`,
    );
    const root = await shown(el);
    el.lang = 'de';
    await el.updateComplete;
    await waitUntil(
      () => root.querySelector('input')!.getAttribute('placeholder') === 'Suchen',
      'German labels',
    );
    await waitUntil(() => requests().data.includes(`${url}/emoji/de.json`), 'German data');
  });
});
