import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import { getChatStore, type ChatMessage } from '../../src/store/index.js';
import { openUserDb, userDbName } from '../../src/store/database.js';
import { storeIncomingBatch } from '../../src/store/messages-repo.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, registerUser } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const bubbles = (el: Element) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.msg')];
const bubble = (el: Element, text: string) =>
  bubbles(el).find((b) => b.querySelector('.text')?.textContent === text);
const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/**
 * Stores `count` messages from `peer` straight into the signed-in user's IndexedDB, as a long
 * replay would have (the server allows 50 messages a second per sender: sending them would take
 * minutes), and, with `pageAll`, pages them all into `messages$` with `loadOlder` as scrolling would.
 */
async function seedConversation(
  me: string,
  peer: string,
  count: number,
  pageAll = true,
): Promise<void> {
  const { db } = await openUserDb(userDbName('openwebim', APP_KEY, me));
  const start = Date.now() - count * 1000;
  const items = Array.from({ length: count }, (_, i) => ({
    unread: false,
    message: {
      id: `${peer}-seed-${i}`,
      mid: `seed-${peer}-${i}`,
      conversationId: peer,
      chatType: 'singleChat',
      type: 'txt',
      from: peer,
      to: me,
      text: `message ${i}`,
      time: start + i * 1000,
      status: 'received',
    } satisfies ChatMessage,
  }));
  await storeIncomingBatch(db, items, { history: { conversationId: peer, exhausted: true } });
  db.close();
  while (pageAll && !(await store().loadOlder(peer)).exhausted);
}

describe('chat-window history', () => {
  let me: string;

  beforeEach(async () => {
    me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    await waitUntil(async () => (await firstValueFrom(store().status$)) === 'online', 'online');
  });

  afterEach(() => store().logout({ wipe: true }));

  it('loads older messages on scrolling to the top and keeps what the reader sees in place', async () => {
    const peer = uniqueName('peer');
    await registerUser(url, peer);
    await seedConversation(me, peer, 230, false);
    const el = await fixture<ChatWindow>(
      html`<chat-window
        style="height: 400px"
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer}
      ></chat-window>`,
    );
    await waitUntil(() => bubble(el, 'message 229'), 'newest shown', { timeout: 15000 });
    const before = (await firstValueFrom(store().messages$(peer))).length;
    expect(before).to.be.lessThan(230);
    const older = $(el, '[part="load-older-button"]');
    expect(older.textContent!.trim()).to.equal('Load older messages');

    // Scroll up in steps, as a reader would; the step that comes near the top starts the load.
    const log = $(el, '[part="message-list"]');
    let shown: HTMLElement | undefined;
    let scrolledTo = 0;
    for (let step = 0; ; step += 1) {
      expect(step, 'scrolling up reaches the top').to.be.lessThan(100);
      scrolledTo = Math.max(0, log.scrollTop - 300);
      log.scrollTop = scrolledTo;
      if (scrolledTo < 200) {
        const logTop = log.getBoundingClientRect().top;
        shown = bubbles(el).find((b) => b.getBoundingClientRect().bottom > logTop + 1);
        break;
      }
      await el.updateComplete;
      await frame();
    }
    const text = shown!.querySelector('.text')!.textContent!;
    const topBefore = shown!.getBoundingClientRect().top;
    await waitUntil(async () => {
      const now = await firstValueFrom(store().messages$(peer));
      return now.length > before;
    }, 'older messages paged in');
    await el.updateComplete;
    await frame();
    await el.updateComplete;
    const same = bubble(el, text)!;
    expect(Math.abs(same.getBoundingClientRect().top - topBefore)).to.be.lessThan(2);
    expect(log.scrollTop).to.be.greaterThan(scrolledTo);
  });

  it('goes on paging to the start when the reader reaches the top while a page is loading', async function () {
    this.timeout(60000);
    const peer = uniqueName('peer');
    await registerUser(url, peer);
    await seedConversation(me, peer, 520, false);
    const el = await fixture<ChatWindow>(
      html`<chat-window
        style="height: 400px"
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer}
      ></chat-window>`,
    );
    await waitUntil(() => bubble(el, 'message 519'), 'newest shown', { timeout: 15000 });
    const log = $(el, '[part="message-list"]');
    let started = false;
    let exhausted = false;
    let count = 0;
    const subscriptions = [
      store()
        .history$(peer)
        .subscribe((s) => {
          // The top is reached right as the first page starts loading. The browser would fire
          // the scroll event at its next frame, which a fast page can beat; fired now, it finds
          // the page still loading whatever the machine's speed.
          if (s.loading && !started) {
            log.scrollTop = 0;
            log.dispatchEvent(new Event('scroll'));
          }
          started ||= s.loading;
          exhausted = s.exhausted;
        }),
      store()
        .messages$(peer)
        .subscribe((list) => (count = list.length)),
    ];
    try {
      // Near the top, not at it, starts the first page.
      log.scrollTop = 100;
      await waitUntil(() => started, 'the first page loading');
      // A reader pulling up: where there is room above, they scroll to the top; at the top
      // itself no scroll event can come, and they press nothing.
      const deadline = performance.now() + 30000;
      while (!(exhausted && count === 520)) {
        expect(performance.now(), `paged to the start (${count} of 520)`).to.be.lessThan(deadline);
        if (log.scrollTop > 0) log.scrollTop = 0;
        await frame();
      }
    } finally {
      for (const s of subscriptions) s.unsubscribe();
    }
    expect(bubbles(el).length).to.be.within(5, 120);
  });

  it('loads older messages with the "Load older messages" button, the reader staying where they are', async () => {
    const peer = uniqueName('peer');
    await registerUser(url, peer);
    await seedConversation(me, peer, 260, false);
    const el = await fixture<ChatWindow>(
      html`<chat-window
        style="height: 400px"
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer}
      ></chat-window>`,
    );
    await waitUntil(() => bubble(el, 'message 259'), 'newest shown', { timeout: 8000 });
    const count = async () => (await firstValueFrom(store().messages$(peer))).length;
    const before = await count();
    const log = $(el, '[part="message-list"]');
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 2;
    expect(atBottom()).to.equal(true);
    $(el, '[part="load-older-button"]').click();
    await waitUntil(async () => (await count()) > before, 'paged in');
    await el.updateComplete;
    await frame();
    expect(atBottom()).to.equal(true);
    expect(bubble(el, 'message 259')).to.exist;
    // Pressed again until the start: then the button goes.
    for (let press = 0; press < 5 && $(el, '[part="load-older-button"]'); press += 1) {
      const shown = await count();
      $(el, '[part="load-older-button"]').click();
      await waitUntil(
        async () => (await count()) > shown || !$(el, '[part="load-older-button"]'),
        'a page, or the start',
      );
    }
    expect(await count()).to.equal(260);
    await waitUntil(() => !$(el, '[part="load-older-button"]'), 'no button at the start');
    await expect(el).to.be.accessible();
  });

  it('renders a 10,000-message conversation as a window of bubbles, and scrolls to its start', async function () {
    this.timeout(120000);
    const peer = uniqueName('peer');
    await registerUser(url, peer);
    await seedConversation(me, peer, 10_000);
    const started = performance.now();
    const el = await fixture<ChatWindow>(
      html`<chat-window
        style="height: 500px"
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer}
      ></chat-window>`,
    );
    await waitUntil(() => bubble(el, 'message 9999'), 'newest shown', { timeout: 15000 });
    await el.updateComplete;
    const elapsed = performance.now() - started;
    const log = $(el, '[part="message-list"]');
    console.log(
      `10,000 messages: first render ${elapsed.toFixed(0)} ms, ${bubbles(el).length} bubbles`,
    );
    expect(bubbles(el).length).to.be.within(5, 120);
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.lessThan(2);
    expect($(el, '[part="load-older-button"]')).to.equal(null);

    log.scrollTop = 0;
    await waitUntil(() => bubble(el, 'message 0'), 'the start shows', { timeout: 5000 });
    expect(bubbles(el).length).to.be.within(5, 120);
    // Estimated heights are replaced by measured ones as it renders: the top stays the top.
    await el.updateComplete;
    await frame();
    expect(log.scrollTop).to.be.lessThan(2);
    expect(bubbles(el)[0]!.querySelector('.text')!.textContent).to.equal('message 0');

    log.scrollTop = log.scrollHeight / 2;
    await el.updateComplete;
    await frame();
    await el.updateComplete;
    const middle = bubbles(el).map((b) => Number(b.querySelector('.text')!.textContent!.slice(8)));
    expect(middle.length).to.be.within(5, 120);
    expect(middle[0]).to.be.within(2000, 8000);
    expect(middle.every((n, i) => i === 0 || n === middle[i - 1]! + 1)).to.equal(true);
  });
});
