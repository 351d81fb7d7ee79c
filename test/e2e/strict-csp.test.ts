// A site with a strict Content Security Policy: scripts from the chat server's origin only, no
// 'unsafe-inline', no 'unsafe-eval'. The page (served by this test from another origin, with the
// policy in its header) pastes the loader and the element; a visitor signed in by the site opens
// the chat, reads a conversation and plays a received voice message. Chromium must report no
// violation at any point: the loader's import() of its chunks, Lit's styles, the player. With a
// strict style-src too (no 'unsafe-inline'), the composer's emoji picker is opened and used.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import type { TestSocket } from '../server/support/ws-client.js';
import {
  connectSynced,
  newUser,
  settle,
  uniqueName,
  uploaded,
} from '../server/support/test-server.js';
import { TIMEOUT, chatWindow, demoServer } from './demo-page.js';

/**
 * Presses the button `last` inside the shadow roots of `path`, once it is there and enabled (the list
 * and the window re-render while the session syncs, so a handle taken earlier may be gone).
 */
const press = (tab: Page, path: string[], last: string) =>
  tab.waitForFunction(
    (path, last) => {
      let root: Document | ShadowRoot | null | undefined = document;
      for (const tag of path) root = root?.querySelector(tag)?.shadowRoot;
      const button = root?.querySelector<HTMLButtonElement>(last);
      if (!button || button.disabled) return false;
      button.click();
      return true;
    },
    {},
    path,
    last,
  );

const demo = demoServer();

/** One second of a 440 Hz tone, 8 kHz mono 16-bit PCM, as a WAV file. */
function wav(): Uint8Array<ArrayBuffer> {
  const rate = 8000;
  const samples = rate;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    buffer.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  }
  return Uint8Array.from(buffer);
}

async function hostPage(html: string, policy: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': policy,
      })
      .end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

/** Starts counting the page's CSP violations (`window.violations`) before its scripts run. */
async function countViolations(tab: Page): Promise<void> {
  // Injected by the DevTools protocol, so the policy does not apply to this listener itself.
  await tab.evaluateOnNewDocument(() => {
    const list: string[] = [];
    (window as unknown as { violations: string[] }).violations = list;
    document.addEventListener('securitypolicyviolation', (event) =>
      list.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`),
    );
  });
}

describe('under a strict CSP (script-src of the chat server only)', () => {
  it('the widget loads, signs in, shows a conversation and plays a voice message: 0 violations', async () => {
    const chat = demo.server.url;
    const alice = await newUser(chat);
    const bob = await newUser(chat);
    // Bob sends Alice a voice message before she opens the page.
    const sound = wav();
    const file = await uploaded(chat, bob.token, {
      filename: 'hello.wav',
      type: 'audio/wav',
      bytes: sound,
    });
    const { socket } = await connectSynced(chat, bob);
    socket.send({
      t: 'msg',
      id: uniqueName('m'),
      to: alice.username,
      chatType: 'singleChat',
      type: 'audio',
      url: file.url,
      secret: file.secret,
      filename: 'hello.wav',
      file_length: sound.length,
      filetype: 'audio/wav',
      length: 1,
    });
    await settle(socket);
    await (socket as TestSocket).close();

    const policy = `script-src ${chat}; object-src 'none'; base-uri 'none'`;
    const page = await hostPage(
      `<!doctype html><title>strict</title>
<script src="${chat}/chat-widget.js"></script>
<chat-widget app-key="demo#chat" user="${alice.username}" access-token="${alice.token}"></chat-widget>`,
      policy,
    );
    const context = await demo.browser.createBrowserContext();
    try {
      const tab = await context.newPage();
      tab.setDefaultTimeout(TIMEOUT);
      const reported: string[] = [];
      tab.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) reported.push(message.text());
      });
      // Injected by the DevTools protocol, so the policy does not apply to this listener itself.
      await tab.evaluateOnNewDocument(() => {
        const list: string[] = [];
        (window as unknown as { violations: string[] }).violations = list;
        document.addEventListener('securitypolicyviolation', (event) =>
          list.push(`${event.violatedDirective} ${event.blockedURI}`),
        );
      });
      await tab.goto(page.url, { waitUntil: 'load' });
      // The policy is in force: an inline script is refused (and counted, then forgotten).
      const inline = await tab.evaluate(async () => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        const refused = new Promise((resolve) =>
          document.addEventListener('securitypolicyviolation', resolve, { once: true }),
        );
        document.head.append(script);
        await refused;
        const ran = 'inlineRan' in window;
        (window as unknown as { violations: string[] }).violations.length = 0;
        return ran;
      });
      assert.equal(inline, false, 'the page runs under the policy');
      reported.length = 0;

      await press(tab, ['chat-widget'], '[part="launcher"]');
      await press(tab, ['chat-widget', 'chat-roster'], '[part~="conversation"]');
      await press(tab, ['chat-widget', 'chat-window'], '[part="play-button"]');
      // The player, or the window's error if fetching the file failed (said in the failure).
      await tab.waitForFunction(() => {
        const window = document
          .querySelector('chat-widget')
          ?.shadowRoot?.querySelector('chat-window')?.shadowRoot;
        return (
          !!window?.querySelector('audio[part="player"]') ||
          !!window?.querySelector('[part="error"]')?.textContent?.trim()
        );
      });
      const windowError = await tab.evaluate(
        () =>
          document
            .querySelector('chat-widget')
            ?.shadowRoot?.querySelector('chat-window')
            ?.shadowRoot?.querySelector('[part="error"]')
            ?.textContent?.trim() ?? '',
      );
      assert.equal(windowError, '', 'the voice message was fetched');
      const player = await tab.waitForSelector(`${chatWindow} audio[part="player"]`);
      // Played as a person would (a gesture, so Chromium's autoplay policy lets it start), until
      // the sound is heard: its time moves.
      assert.ok(player);
      const cdp = await tab.createCDPSession();
      const played = await cdp.send('Runtime.evaluate', {
        userGesture: true,
        awaitPromise: true,
        returnByValue: true,
        expression: `(async () => {
          const audio = document.querySelector('chat-widget').shadowRoot
            .querySelector('chat-window').shadowRoot.querySelector('audio[part="player"]');
          await audio.play();
          await new Promise((resolve) => {
            const check = () => (audio.currentTime > 0 ? resolve() : audio.addEventListener('timeupdate', check, { once: true }));
            check();
          });
          return audio.currentTime > 0;
        })()`,
      });
      assert.equal(played.result.value, true, JSON.stringify(played.exceptionDetails));
      const violations = await tab.evaluate(
        () => (window as unknown as { violations: string[] }).violations,
      );
      assert.deepEqual(violations, []);
      assert.deepEqual(reported, []);
    } finally {
      await context.close();
      await new Promise((resolve) => page.server.close(resolve));
    }
  });
  it("the composer's emoji picker works with style-src 'self' (no 'unsafe-inline'): 0 violations", async () => {
    const chat = demo.server.url;
    const alice = await newUser(chat);
    const bob = await newUser(chat);
    const { socket } = await connectSynced(chat, bob);
    socket.send({
      t: 'msg',
      id: uniqueName('m'),
      to: alice.username,
      chatType: 'singleChat',
      type: 'txt',
      msg: 'hello',
    });
    await settle(socket);
    await (socket as TestSocket).close();

    // The page's own origin for styles: the widget's come from script (constructed sheets, the
    // CSSOM), never from a <style> element or a style attribute.
    const policy = `script-src ${chat}; style-src 'self'; object-src 'none'; base-uri 'none'`;
    const page = await hostPage(
      `<!doctype html><title>strict styles</title>
<script src="${chat}/chat-widget.js"></script>
<chat-widget app-key="demo#chat" user="${alice.username}" access-token="${alice.token}"></chat-widget>`,
      policy,
    );
    const context = await demo.browser.createBrowserContext();
    try {
      const tab = await context.newPage();
      tab.setDefaultTimeout(TIMEOUT);
      await countViolations(tab);
      await tab.goto(page.url, { waitUntil: 'load' });
      // The policy is in force: a style attribute is refused (and counted, then forgotten).
      const applied = await tab.evaluate(async () => {
        const probe = document.createElement('p');
        const refused = new Promise((resolve) =>
          document.addEventListener('securitypolicyviolation', resolve, { once: true }),
        );
        probe.setAttribute('style', 'display: none');
        document.body.append(probe);
        await refused;
        const display = getComputedStyle(probe).display;
        probe.remove();
        (window as unknown as { violations: string[] }).violations.length = 0;
        return display;
      });
      assert.equal(applied, 'block', 'the page runs under the policy');

      await press(tab, ['chat-widget'], '[part="launcher"]');
      await press(tab, ['chat-widget', 'chat-roster'], '[part~="conversation"]');
      await press(tab, ['chat-widget', 'chat-window'], '[part="emoji-button"]');
      const grid = ['chat-widget', 'chat-window', 'chat-emoji-picker', 'emoji-picker'];
      // An emoji of the grid, once the data came from the chat server: picked with a click.
      const picked = await tab.waitForFunction(
        (grid) => {
          let root: Document | ShadowRoot | null | undefined = document;
          for (const tag of grid) root = root?.querySelector(tag)?.shadowRoot;
          const emoji = root?.querySelector<HTMLButtonElement>('.emoji-menu [id^="emo-"]');
          if (!emoji) return false;
          emoji.click();
          return emoji.id.slice('emo-'.length);
        },
        {},
        grid,
      );
      const emoji = (await picked.jsonValue()) as string;
      // The picker says which emoji once it has read it from its database: in the field then.
      await tab.waitForFunction(
        () =>
          document
            .querySelector('chat-widget')
            ?.shadowRoot?.querySelector('chat-window')
            ?.shadowRoot?.querySelector('textarea')?.value,
      );
      const seen = await tab.evaluate((grid) => {
        let root: Document | ShadowRoot | null | undefined = document;
        for (const tag of grid) root = root?.querySelector(tag)?.shadowRoot;
        const field = document
          .querySelector('chat-widget')
          ?.shadowRoot?.querySelector('chat-window')
          ?.shadowRoot?.querySelector('textarea');
        const nav = root?.querySelector<HTMLElement>('.nav');
        return {
          value: field?.value,
          // The picker's own stylesheet applies (a grid) and so do its computed style attributes
          // (one column per category).
          navDisplay: nav && getComputedStyle(nav).display,
          columns: nav && getComputedStyle(nav).gridTemplateColumns.split(' ').length,
          categories: nav?.children.length,
        };
      }, grid);
      assert.equal(seen.value, emoji);
      assert.equal(seen.navDisplay, 'grid');
      assert.ok((seen.categories ?? 0) > 1, JSON.stringify(seen));
      assert.equal(seen.columns, seen.categories);
      const violations = await tab.evaluate(
        () => (window as unknown as { violations: string[] }).violations,
      );
      assert.deepEqual(violations, []);
    } finally {
      await context.close();
      await new Promise((resolve) => page.server.close(resolve));
    }
  });
});
