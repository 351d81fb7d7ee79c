import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { eventLog, nextEvent } from './event-log.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const bubbles = (el: Element) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.msg')];
const bubble = (el: Element, text: string) =>
  bubbles(el).find((b) => b.querySelector('.text')!.textContent === text);

/** Every `data-status` a bubble with `text` has shown, in order, from now on. */
function watchStatuses(el: Element, text: string): string[] {
  const seen: string[] = [];
  const record = () => {
    const status = bubble(el, text)?.dataset.status;
    if (status && seen.at(-1) !== status) seen.push(status);
  };
  new MutationObserver(record).observe(el.shadowRoot!, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-status'],
  });
  return seen;
}

async function type(el: ChatWindow, text: string) {
  $<HTMLTextAreaElement>(el, 'textarea').focus();
  await sendKeys({ type: text });
}

describe('chat-window', () => {
  let me: string;
  let peer: Peer | undefined;

  beforeEach(async () => {
    me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    await waitUntil(async () => (await firstValueFrom(store().status$)) === 'online', 'online');
  });

  afterEach(async () => {
    peer?.close();
    peer = undefined;
    await store().logout({ wipe: true });
  });

  const chatWith = (conversation: string) =>
    fixture<ChatWindow>(
      html`<chat-window
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${conversation}
      ></chat-window>`,
    );

  it('is accessible and exposes its parts', async () => {
    const other = uniqueName('other');
    await registerUser(url, other);
    const el = await chatWith(other);
    await expect(el).to.be.accessible();
    for (const part of [
      'header',
      'title',
      'status',
      'message-list',
      'composer',
      'input',
      'send-button',
    ]) {
      expect($(el, `[part~="${part}"]`), part).to.exist;
    }
    const log = $(el, '[part="message-list"]');
    expect(log.getAttribute('role')).to.equal('log');
    await waitUntil(() => log.getAttribute('aria-live') === 'polite', 'announces new messages');
    expect($(el, 'textarea').getAttribute('aria-label')).to.equal('Message');
    expect($(el, '[part="send-button"]').textContent!.trim()).to.equal('Send');
    expect($(el, '[part="title"]').textContent).to.equal(other);
    await waitUntil(() => el.getAttribute('status') === 'online', 'status reflects');
  });

  it('sends with Enter; the message shows pending, then sent', async () => {
    const other = uniqueName('other');
    await registerUser(url, other);
    const el = await chatWith(other);
    const log = eventLog(el);
    const statuses = watchStatuses(el, 'hello there');
    await type(el, 'hello there');
    expect(log).to.deep.equal([]);
    const sent = nextEvent(el, 'chat-send');
    await sendKeys({ press: 'Enter' });
    const event = await sent;
    expect(event.message).to.include({ text: 'hello there', conversationId: other });
    expect($<HTMLTextAreaElement>(el, 'textarea').value).to.equal('');
    await waitUntil(() => bubble(el, 'hello there')?.dataset.status === 'sent', 'sent');
    expect(statuses).to.deep.equal(['pending', 'sent']);
    const own = bubble(el, 'hello there')!;
    expect(own.getAttribute('part')).to.contain('message-own');
    expect(own.querySelector('[part="message-meta"]')!.textContent).to.contain('Sent');
    await expect(el).to.be.accessible();
  });

  it('inserts a new line with Shift+Enter, and sends both lines with Enter', async () => {
    const other = uniqueName('other');
    await registerUser(url, other);
    const el = await chatWith(other);
    const log = eventLog(el);
    await type(el, 'line one');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect($<HTMLTextAreaElement>(el, 'textarea').value).to.equal('line one\nline two');
    expect(log).to.deep.equal([]);
    const sent = nextEvent(el, 'chat-send');
    await sendKeys({ press: 'Enter' });
    expect((await sent).message.text).to.equal('line one\nline two');
    await waitUntil(() => bubble(el, 'line one\nline two'), 'shown with its new line');
  });

  it('does not send an empty message', async () => {
    const other = uniqueName('other');
    await registerUser(url, other);
    const el = await chatWith(other);
    const log = eventLog(el);
    await type(el, '   ');
    await sendKeys({ press: 'Enter' });
    $(el, '[part="send-button"]').click();
    await el.updateComplete;
    expect(log).to.deep.equal([]);
    expect(bubbles(el)).to.have.length(0);
  });

  it('shows markup in a message as text, sent or received', async () => {
    peer = await connectPeer(url, uniqueName('peer'));
    const el = await chatWith(peer.username);
    const sentMarkup = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    await type(el, sentMarkup);
    await sendKeys({ press: 'Enter' });
    const receivedMarkup = '<img src=y onerror="window.__xss=3"><b>bold?</b>';
    await peer.send(me, receivedMarkup);
    await waitUntil(
      () => bubble(el, sentMarkup) && bubble(el, receivedMarkup),
      'both shown as text',
      { timeout: 8000 },
    );
    expect(el.shadowRoot!.querySelector('img, script, b')).to.equal(null);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
    expect(bubble(el, receivedMarkup)!.getAttribute('part')).to.contain('message-other');
  });

  it('marks a failed message, and Retry sends it once the peer exists', async () => {
    const nobody = uniqueName('nobody');
    const el = await chatWith(nobody);
    await type(el, 'anyone there?');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bubble(el, 'anyone there?')?.dataset.status === 'failed', 'failed', {
      timeout: 8000,
    });
    const failed = bubble(el, 'anyone there?')!;
    expect(failed.querySelector('[part="message-meta"]')!.textContent).to.contain('Not sent');
    const retry = failed.querySelector<HTMLButtonElement>('[part="retry-button"]')!;
    expect(retry.textContent!.trim()).to.equal('Retry');
    await expect(el).to.be.accessible();

    await registerUser(url, nobody);
    retry.click();
    await waitUntil(() => bubble(el, 'anyone there?')?.dataset.status === 'sent', 'sent', {
      timeout: 8000,
    });
    expect(bubbles(el)).to.have.length(1);
  });

  it('shows the history without announcing it, then announces new messages', async () => {
    peer = await connectPeer(url, uniqueName('peer'));
    await peer.send(me, 'old news 1');
    await peer.send(me, 'old news 2');
    await waitUntil(
      async () => (await firstValueFrom(store().totalUnread$)) === 2,
      'the history is stored',
      { timeout: 8000 },
    );
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = document.createElement('chat-window');
    Object.assign(el, { appKey: APP_KEY, apiUrl: url, conversation: peer.username });
    container.append(el);
    // The shadow root exists from connection on; the history comes from IndexedDB later.
    let liveWhenHistoryShowed: string | null | undefined;
    new MutationObserver(() => {
      const log = el.shadowRoot!.querySelector('[role="log"]');
      if (liveWhenHistoryShowed === undefined && log?.querySelector('.msg')) {
        liveWhenHistoryShowed = log.getAttribute('aria-live');
      }
    }).observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true });
    await waitUntil(() => bubble(el, 'old news 2'), 'history shown');
    expect(liveWhenHistoryShowed).to.equal('off');
    const log = $(el, '[role="log"]');
    await waitUntil(() => log.getAttribute('aria-live') === 'polite', 'then live');
    await peer.send(me, 'fresh news');
    await waitUntil(() => bubble(el, 'fresh news'), 'the new message shows', { timeout: 8000 });
    expect(log.getAttribute('aria-live')).to.equal('polite');
  });

  it('scrolls new messages into view only when the reader is at the bottom', async () => {
    peer = await connectPeer(url, uniqueName('peer'));
    const el = await fixture<ChatWindow>(
      html`<chat-window
        style="height: 240px"
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer.username}
      ></chat-window>`,
    );
    for (let i = 0; i < 12; i += 1) await peer.send(me, `filler ${i}`);
    await waitUntil(() => bubble(el, 'filler 11'), 'history shown', { timeout: 8000 });
    const list = $(el, '[part="message-list"]');
    const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 2;
    expect(list.scrollHeight).to.be.greaterThan(list.clientHeight);
    await waitUntil(atBottom, 'follows the conversation');

    list.scrollTop = 0;
    await peer.send(me, 'while reading history');
    await waitUntil(() => bubble(el, 'while reading history'), 'arrives', { timeout: 8000 });
    await el.updateComplete;
    expect(list.scrollTop).to.equal(0);

    list.scrollTop = list.scrollHeight;
    await peer.send(me, 'while at the bottom');
    await waitUntil(() => bubble(el, 'while at the bottom'), 'arrives', { timeout: 8000 });
    await el.updateComplete;
    expect(atBottom()).to.equal(true);
  });

  it('marks the conversation read only while it is visible', async () => {
    peer = await connectPeer(url, uniqueName('peer'));
    const el = await chatWith(peer.username);
    el.hidden = true;
    await peer.send(me, 'are you reading?');
    const unread = () => firstValueFrom(store().totalUnread$);
    await waitUntil(async () => (await unread()) === 1, 'unread while hidden', { timeout: 8000 });
    el.hidden = false;
    await waitUntil(async () => (await unread()) === 0, 'read once on screen');
    expect(bubble(el, 'are you reading?')).to.exist;
  });

  it('fires nothing when its properties are set', async () => {
    const el = await chatWith(uniqueName('a'));
    const log = eventLog(el);
    el.conversation = uniqueName('b');
    el.theme = 'dark';
    await el.updateComplete;
    expect(log).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });
});
