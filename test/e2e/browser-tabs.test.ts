// End to end, issue 12: the widget on a site, open in several tabs of one browser (the pages of one
// Chromium context: one cookie jar, one IndexedDB, one set of Web Locks and BroadcastChannels, as
// tabs have), against the reference server serving the built dist/chat-widget.js.
// - The server counts the sockets in its own request log (every WebSocket upgrade is a line at
//   debug level); the DevTools protocol says which page opened each (Network.webSocketCreated).
// - Headless Chromium has no notification UI and no speakers: each page gets a recorded
//   `Notification` (permission granted, every one reported to the test) and an `AudioContext` spy
//   (each sound starts two oscillators), installed before the page's own scripts. They report to
//   the test through a function exposed by puppeteer, so what a tab did stays counted once it closes.
// - Offline is the context's pages set offline through the DevTools protocol (as the DevTools'
//   "Offline" does). What Chromium 156 does then, checked with a bare WebSocket (see
//   `goOffline`): the page gets `offline`, new connections fail with ERR_INTERNET_DISCONNECTED, and
//   an open WebSocket is NOT closed: its frames are held both ways until the network is back. The
//   server here pings every second, so the widget's heartbeat finds the held socket dead and drops
//   it itself, as it would a socket through a dead Wi-Fi: the test waits for that, so the socket is
//   really gone while offline, and the widget must open a new one to send anything.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'puppeteer-core';
import {
  TIMEOUT,
  bubbles,
  chatWindow,
  demoServer,
  login,
  register,
  roster,
  typeAndSend,
  uniqueName,
  waitForBubble,
} from './demo-page.js';

const SITE_TITLE = 'Boots — Example shop';
const widget = 'chat-widget >>>';

/** Installed in every page before its scripts (a string: tsx would wrap functions in helpers). */
const RECORDERS = `(() => {
  const report = (kind, body) => window.recordCue && window.recordCue(kind, body);
  class RecordedNotification {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { this.onclick = null; report('notification', (options && options.body) || ''); }
    close() {}
  }
  window.Notification = RecordedNotification;
  const Real = window.AudioContext;
  if (Real) window.AudioContext = class extends Real {
    createOscillator() { report('tone', ''); return super.createOscillator(); }
  };
  // What a host page showing its own badge hears.
  document.addEventListener('chat-unread-change', (event) => report('unread', String(event.unread)));
})();`;

interface Cue {
  tab: string;
  kind: 'notification' | 'tone' | 'unread';
  body: string;
}

interface Tab {
  name: string;
  page: Page;
  /**
   * The WebSockets to the chat server this page opened (the server answered the upgrade), with
   * when (ms since the epoch); attempts that failed (offline) are not among them.
   */
  sockets: { at: number }[];
  /** When this page tried to open one and could not (offline). */
  failed: number[];
}

describe('one connection per browser, and the attention cues, in tabs of one browser', () => {
  // Pings every second (the session drops a socket silent for 3 s), for a short offline fault.
  const demo = demoServer({ OPENWEBIM_LOG_LEVEL: 'debug', OPENWEBIM_HEARTBEAT_MS: '1000' });
  let site: Server;
  let siteUrl = '';
  /** What the tabs of the test running cued, in order. */
  const cues: Cue[] = [];
  /** Errors thrown in its pages. */
  const problems: string[] = [];
  beforeEach(() => {
    cues.length = 0;
    problems.length = 0;
  });
  afterEach(() => assert.deepEqual(problems, [], 'the pages throw no errors'));

  before(async () => {
    // The site: an origin of its own (localhost, where the chat server is 127.0.0.1), with the
    // script tag and the widget, notifications on.
    site = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
        <title>${SITE_TITLE}</title></head><body><h1>Boots</h1>
        <script src="${demo.server.url}/chat-widget.js"></script>
        <chat-widget app-key="demo#chat" notifications></chat-widget></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, 'localhost', resolve));
    siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => site.close(() => resolve())));

  /** WebSocket upgrades the server has served so far, by its own request log. */
  const upgrades = () =>
    demo.server.output
      .split('\n')
      .filter((line) => line.includes('incoming request') && line.includes('/websocket?')).length;

  /** A new tab of `context` on the site, its cues recorded and its sockets watched. */
  async function openTab(context: BrowserContext, name: string): Promise<Tab> {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const tab: Tab = { name, page, sockets: [], failed: [] };
    page.on('pageerror', (error) => problems.push(`${name}: ${String(error)}`));
    await page.exposeFunction('recordCue', (kind: Cue['kind'], body: string) =>
      cues.push({ tab: name, kind, body }),
    );
    await page.evaluateOnNewDocument(RECORDERS);
    const devtools = await page.createCDPSession();
    const chat = new Set<string>();
    const opened = new Set<string>();
    devtools.on('Network.webSocketCreated', ({ requestId, url }) => {
      if (url.includes('/websocket')) chat.add(requestId);
    });
    devtools.on('Network.webSocketHandshakeResponseReceived', ({ requestId }) => {
      if (!chat.has(requestId)) return;
      opened.add(requestId);
      tab.sockets.push({ at: Date.now() });
    });
    devtools.on('Network.webSocketFrameError', ({ requestId }) => {
      if (chat.has(requestId) && !opened.has(requestId)) tab.failed.push(Date.now());
    });
    await devtools.send('Network.enable');
    await page.goto(siteUrl, { waitUntil: 'load' });
    return tab;
  }

  /** Waits until `tabs` all take part: one holds the lock `prefix…`, the others wait for it. */
  async function sharing(tabs: Tab[], prefix: string) {
    await tabs[0]!.page.waitForFunction(
      async (prefix, count) => {
        // No named functions inside: tsx wraps those in a helper the page does not have.
        const { held = [], pending = [] } = await navigator.locks.query();
        return (
          held.filter((l) => l.name?.startsWith(prefix)).length === 1 &&
          pending.filter((l) => l.name?.startsWith(prefix)).length === count - 1
        );
      },
      { polling: 100 },
      prefix,
      tabs.length,
    );
  }

  const badge = (tab: Tab) =>
    tab.page.$eval(`${widget} [part="badge"]`, (el) => el.textContent?.trim() ?? '');
  const waitForBadge = (tab: Tab, count: number) =>
    tab.page.waitForFunction(
      (count) =>
        document
          .querySelector('chat-widget')
          ?.shadowRoot?.querySelector('[part="badge"]')
          ?.textContent?.trim() === String(count),
      { polling: 100 },
      count,
    );
  const waitForTitle = (tab: Tab, title: string) =>
    tab.page
      .waitForFunction((title) => document.title === title, { polling: 100 }, title)
      .catch(async (error: unknown) => {
        throw new Error(`${tab.name}: title ${await tab.page.title()}, not ${title}`, {
          cause: error,
        });
      });
  /** Texts and receipts ("Sending…", "Sent", "Read") of the open conversation's bubbles. */
  const receipts = (page: Page) =>
    page.$$eval(`${chatWindow} [part~="message"]`, (nodes) =>
      nodes.map((node) => [
        node.querySelector('[part~="message-text"]')?.textContent ?? '',
        node.querySelector('[part="receipt"]')?.textContent?.replace(/✓/g, '').trim() ?? '',
      ]),
    );
  /**
   * The visitor switches to `tab`: it shows, the others of its browser hide. Only a shown page
   * draws frames, which puppeteer's clicks and waits for a bubble need.
   */
  const front = async (tab: Tab) => {
    await tab.page.bringToFront();
    await tab.page.waitForFunction(() => document.visibilityState === 'visible', { polling: 50 });
  };

  /**
   * Opens the panel (the launcher) on the one conversation of the list, unless it shows it already
   * (a panel closed on a conversation opens on it again).
   */
  async function openConversation(tab: Tab) {
    await front(tab);
    const { page } = tab;
    const launcher = await page.waitForSelector(`${widget} [part="launcher"]`);
    if (!(await page.$eval('chat-widget', (el) => el.hasAttribute('open'))))
      await launcher!.click();
    // The list's rows stay in the document, hidden, while a narrow panel shows the conversation.
    const showing = await page.waitForFunction(
      () => {
        const root = document.querySelector('chat-widget')?.shadowRoot;
        const input = root?.querySelector('chat-window')?.shadowRoot?.querySelector('textarea');
        if (input?.checkVisibility()) return 'conversation';
        const row = root
          ?.querySelector('chat-roster')
          ?.shadowRoot?.querySelector('[part~="conversation"]');
        return row?.checkVisibility() ? 'list' : false;
      },
      { polling: 100 },
    );
    // Found and clicked in one step: the list may render again between a check and a click of
    // puppeteer's (a message arriving moves its row), which then finds no box to click.
    if ((await showing.jsonValue()) === 'list')
      await page.$eval(`${roster} [part~="conversation"]`, (row) => (row as HTMLElement).click());
    await page.waitForSelector(`${chatWindow} textarea[part="input"]`, { visible: true });
  }

  /** Starts the conversation with `peer` by username (the panel shows the list) and says `text`. */
  async function startConversation(tab: Tab, peer: string, text: string) {
    await front(tab);
    await tab.page.type(`${roster} #peer`, peer);
    await tab.page.keyboard.press('Enter');
    await tab.page.waitForSelector(`${chatWindow} textarea[part="input"]`);
    await typeAndSend(tab.page, text);
    await waitForBubble(tab.page, text);
  }

  /** Resolves once `done()` holds, checking every 50 ms; fails saying `what` after TIMEOUT. */
  async function until(done: () => boolean, what: () => string) {
    const deadline = Date.now() + TIMEOUT;
    while (!done()) {
      if (Date.now() > deadline) assert.fail(what());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Takes the browser of `tabs` offline (every page of it) and waits until the widget has noticed:
   * its window in `shown` says so, and it has given its socket up (found dead by the heartbeat:
   * Chromium only holds an open socket's frames, see the top of the file) and tried a new one,
   * which the browser refused. What the server sends after that is not received on the old socket
   * (a WebSocket closed by its page dispatches nothing more), so only a new one can bring it.
   */
  async function goOffline(tabs: Tab[], shown?: Tab) {
    const since = Date.now();
    for (const tab of tabs) await tab.page.setOfflineMode(true);
    await shown?.page.waitForFunction(
      () =>
        document
          .querySelector('chat-widget')
          ?.shadowRoot?.querySelector('chat-window')
          ?.shadowRoot?.querySelector('[part="status"]')
          ?.textContent?.startsWith('Offline'),
      { polling: 100 },
    );
    await until(
      () => tabs.some((tab) => tab.failed.some((at) => at >= since)),
      () => 'the widget gives its socket up once the network is gone',
    );
  }

  async function goOnline(tabs: Tab[]) {
    for (const tab of tabs) await tab.page.setOfflineMode(false);
  }

  /** A new browser (context) signed up as a new user in one tab, its panel open on the list. */
  async function newUser(nickname: string) {
    const context = await demo.browser.createBrowserContext();
    const tab = await openTab(context, `${nickname} 1`);
    const username = uniqueName(nickname.toLowerCase());
    await front(tab);
    await register(tab.page, username, `${nickname}-secret`, nickname);
    return { context, tab, username, password: `${nickname}-secret` };
  }

  it('shares one socket between the tabs, hands it over within 3 s when its tab closes, and cues each message once', async () => {
    const before = upgrades();
    const bob = await newUser('Bob');
    const alice = await newUser('Alice');
    const a1 = alice.tab;
    await a1.page.click(`${widget} [part="close-button"]`);
    // Two more tabs of Alice's browser: they resume her session without a form.
    const a2 = await openTab(alice.context, 'Alice 2');
    const a3 = await openTab(alice.context, 'Alice 3');
    const tabs = [a1, a2, a3];
    // All three share the cues before the visitor picks one (each tab's socket, or its part of
    // one, is checked below, once each has shown the message).
    await sharing(tabs, `openwebim:cues:demo#chat:${alice.username}`);
    // The visitor uses tab 2 last: it cues, and it may sound (a click of theirs).
    await front(a2);
    await a2.page.click('h1');

    await startConversation(bob.tab, alice.username, 'one');
    for (const tab of tabs) {
      await waitForBadge(tab, 1);
      await waitForTitle(tab, `(1) ${SITE_TITLE}`);
    }
    assert.equal(upgrades() - before, 2, 'the server had one socket from each browser');
    assert.deepEqual(
      tabs.map((tab) => tab.sockets.length),
      [1, 0, 0],
      'the first tab holds the socket, the others share it',
    );

    // The tab holding the socket closes; Bob writes on.
    const closedAt = Date.now();
    await a1.page.close();
    await front(bob.tab);
    await typeAndSend(bob.tab.page, 'two');
    await typeAndSend(bob.tab.page, 'three');
    for (const tab of [a2, a3]) {
      await waitForBadge(tab, 3);
      await waitForTitle(tab, `(3) ${SITE_TITLE}`);
    }
    const taken = [a2, a3].flatMap((tab) => tab.sockets);
    assert.equal(taken.length, 1, 'one of the other tabs took the socket over');
    assert.ok(
      taken[0]!.at - closedAt < 3000,
      `taken over ${taken[0]!.at - closedAt} ms after the close`,
    );
    assert.equal(upgrades() - before, 3, 'one socket more at the server, the new holder’s');

    // Tab 3 shows each message once, in order, and answers; opening it reads them everywhere.
    await openConversation(a3);
    await waitForBubble(a3.page, 'three');
    assert.deepEqual(await bubbles(a3.page), ['one', 'two', 'three']);
    await typeAndSend(a3.page, 'from tab 3');
    await front(bob.tab);
    await waitForBubble(bob.tab.page, 'from tab 3');
    for (const tab of [a2, a3]) await waitForTitle(tab, SITE_TITLE);
    assert.equal(await badge(a2).catch(() => ''), '', 'no unread left in tab 2');
    await openConversation(a2);
    await waitForBubble(a2.page, 'from tab 3');
    assert.deepEqual(await bubbles(a2.page), ['one', 'two', 'three', 'from tab 3']);
    assert.deepEqual(await bubbles(bob.tab.page), ['one', 'two', 'three', 'from tab 3']);

    // Each tab told its page the total as it changed, down to none.
    for (const tab of [a2, a3]) {
      const totals = cues.filter((c) => c.kind === 'unread' && c.tab === tab.name);
      assert.deepEqual(
        [totals[0]?.body, totals.some((c) => c.body === '3'), totals.at(-1)?.body],
        ['1', true, '0'],
        `${tab.name}: ${JSON.stringify(totals)}`,
      );
    }

    // One notification per message, in the tab used last; a sound there (two oscillators), and
    // none for Alice's own message. Bob's browser cued nothing: he was reading.
    const notifications = cues.filter((cue) => cue.kind === 'notification');
    assert.deepEqual(
      notifications.map((cue) => [cue.tab, cue.body]),
      [
        ['Alice 2', 'one'],
        ['Alice 2', 'two'],
        ['Alice 2', 'three'],
      ],
    );
    const tones = cues.filter((cue) => cue.kind === 'tone');
    assert.ok(tones.length >= 2, 'a sound');
    assert.ok(
      tones.every((cue) => cue.tab === 'Alice 2'),
      `sounds only in the tab used last: ${JSON.stringify(tones)}`,
    );
    await alice.context.close();
    await bob.context.close();
  });

  it('shows each of two users the other typing, never as a message', async () => {
    const bob = await newUser('Bob');
    const alice = await newUser('Alice');
    await startConversation(alice.tab, bob.username, 'hi');
    await openConversation(bob.tab);
    await waitForBubble(bob.tab.page, 'hi');

    const typing = (tab: Tab, text: string | null) =>
      tab.page.waitForFunction(
        (text) =>
          (document
            .querySelector('chat-widget')
            ?.shadowRoot?.querySelector('chat-window')
            ?.shadowRoot?.querySelector('[part="typing"]')
            ?.textContent?.trim() ?? null) === text,
        { polling: 100 },
        text,
      );
    await front(alice.tab);
    await alice.tab.page.click(`${chatWindow} textarea[part="input"]`);
    await alice.tab.page.keyboard.type('how are');
    await typing(bob.tab, 'Alice is typing…');
    // Sent: the indicator goes, and the message is the only new bubble.
    await alice.tab.page.keyboard.type(' you?');
    await alice.tab.page.keyboard.press('Enter');
    await waitForBubble(bob.tab.page, 'how are you?');
    await typing(bob.tab, null);
    assert.deepEqual(await bubbles(bob.tab.page), ['hi', 'how are you?']);

    await front(bob.tab);
    await bob.tab.page.click(`${chatWindow} textarea[part="input"]`);
    await bob.tab.page.keyboard.type('fine');
    await typing(alice.tab, 'Bob is typing…');
    // Cleared without sending: the indicator goes too.
    for (let i = 0; i < 'fine'.length; i += 1) await bob.tab.page.keyboard.press('Backspace');
    await typing(alice.tab, null);
    assert.deepEqual(await bubbles(alice.tab.page), ['hi', 'how are you?']);
    assert.deepEqual(await bubbles(bob.tab.page), ['hi', 'how are you?']);
    await alice.context.close();
    await bob.context.close();
  });

  it('survives the network going away from every tab: queued sends go once, in order; history and read state come back', async () => {
    const bob = await newUser('Bob');
    const alice = await newUser('Alice');
    const a1 = alice.tab;
    const a2 = await openTab(alice.context, 'Alice 2');
    const tabs = [a1, a2];
    await sharing(tabs, 'openwebim-connection:');
    await startConversation(a1, bob.username, 'hello');
    await openConversation(bob.tab);
    await waitForBubble(bob.tab.page, 'hello');
    await bob.tab.page.click(`${widget} [part="close-button"]`);

    // 1. Offline, tab 2 (not the one holding the socket) sends three; back online, each goes once,
    // in order.
    await openConversation(a2);
    await goOffline(tabs, a2);
    const queued = ['queued 1', 'queued 2', 'queued 3'];
    for (const text of queued) await typeAndSend(a2.page, text);
    await waitForBubble(a2.page, 'queued 3');
    assert.deepEqual((await receipts(a2.page)).slice(1), [
      ['queued 1', 'Sending…'],
      ['queued 2', 'Sending…'],
      ['queued 3', 'Sending…'],
    ]);
    await goOnline(tabs);
    await waitForBadge(bob.tab, 3);
    await a2.page.waitForFunction(
      () =>
        !document
          .querySelector('chat-widget')
          ?.shadowRoot?.querySelector('chat-window')
          ?.shadowRoot?.textContent?.includes('Sending…'),
      { polling: 100 },
    );
    assert.deepEqual(await bubbles(a2.page), ['hello', ...queued]);

    // 2. Offline again; Bob reads them meanwhile; back online, Alice's tabs show them read.
    await goOffline(tabs, a2);
    await openConversation(bob.tab);
    await waitForBubble(bob.tab.page, 'queued 3');
    assert.deepEqual(await bubbles(bob.tab.page), ['hello', ...queued], 'once each, in order');
    await goOnline(tabs);
    await front(a2);
    await a2.page.waitForFunction(
      () =>
        [
          ...(document
            .querySelector('chat-widget')
            ?.shadowRoot?.querySelector('chat-window')
            ?.shadowRoot?.querySelectorAll('[part="receipt"]') ?? []),
        ].every((el) => el.textContent?.includes('Read')),
      { polling: 100 },
    );

    // 3. A new device of Alice's (a browser with nothing stored) signs in, goes offline, and opens
    // the conversation; back online, the newest page of history comes at once, read where read.
    const context = await demo.browser.createBrowserContext();
    const device = await openTab(context, 'Alice’s other device');
    await front(device);
    await device.page.click(`${widget} [part="launcher"]`);
    await device.page.waitForSelector(`${login} #username`);
    await device.page.type(`${login} #username`, alice.username);
    await device.page.type(`${login} #password`, alice.password);
    await device.page.keyboard.press('Enter');
    await device.page.waitForSelector(`${roster} [part~="conversation"]`);
    await goOffline([device]);
    await openConversation(device);
    assert.deepEqual(await bubbles(device.page), [], 'nothing stored, and no server to ask');
    await goOnline([device]);
    // No click on "Load older messages".
    await waitForBubble(device.page, 'queued 3');
    assert.deepEqual(await receipts(device.page), [
      ['hello', 'Read'],
      ...queued.map((text) => [text, 'Read']),
    ]);
    await context.close();
    await alice.context.close();
    await bob.context.close();
  });
});
