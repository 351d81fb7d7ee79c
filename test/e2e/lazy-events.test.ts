// Room events are applied by a chunk the store imports with the first one (chat/room-events-*.js,
// src/store/room-events.ts). Here that chunk's first request fails for real, as a network failure
// (Chromium aborts it: the only fault puppeteer lets a test cause on one file), while a room event
// waits for it: the event must still be applied once the import is tried again (src/store/social.ts's
// lazyEvents), not dropped. Needs `vite build --mode widget` (npm run test:e2e does it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HTTPRequest } from 'puppeteer-core';
import { TIMEOUT, demoServer, register, roster, uniqueName } from './demo-page.js';

const demo = demoServer();

describe('a room event whose chunk fails to load', () => {
  it('is applied once the chunk loads on a later try: the Lobby joined on my other device shows here', async () => {
    const context = await demo.browser.createBrowserContext();
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const chunkRequests: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      if (!/\/chat\/room-events-[\w-]+\.js$/.test(new URL(request.url()).pathname))
        return void request.continue();
      chunkRequests.push(request.url());
      // The first one fails as a dropped connection would; the next goes through.
      return void (chunkRequests.length === 1 ? request.abort('failed') : request.continue());
    });
    await page.goto(`${demo.server.url}/`, { waitUntil: 'load' });
    const username = uniqueName('lazy');
    const password = 'lazy-secret';
    await register(page, username, password, 'Lazy');
    assert.deepEqual(chunkRequests, [], 'no room event yet');

    // My other device (the SDK in the same page, with its own device id) joins the Lobby: the
    // widget's store gets the event and starts the Lobby's conversation here too.
    await page.evaluate(
      async (user, pwd) => {
        const WebIM = await window.WebIM.ready;
        const appKey = document.querySelector('chat-widget')!.getAttribute('app-key')!;
        const other = new WebIM.connection({ appKey, deviceId: 'lazy-other-device' });
        await other.open({ user, pwd });
        const rooms = await other.getChatRooms({ pagenum: 1, pagesize: 100 });
        const lobby = rooms.data.find((room) => room.name === 'Lobby')!;
        await other.joinChatRoom({ roomId: lobby.id });
      },
      username,
      password,
    );
    await page.waitForFunction(
      () => {
        const roster = document
          .querySelector('chat-widget')
          ?.shadowRoot?.querySelector('chat-roster');
        return [
          ...(roster?.shadowRoot?.querySelectorAll('[part="conversation"] .name') ?? []),
        ].some((name) => name.textContent === 'Lobby');
      },
      { timeout: 30_000 },
    );
    assert.equal(chunkRequests.length, 2, `the chunk failed once, then loaded: ${chunkRequests}`);
    // Nothing said a storage failure (what the event's loss said before).
    const alerts = await page.$$eval(`${roster} [role="alert"]`, (nodes) =>
      nodes.map((node) => node.textContent).filter(Boolean),
    );
    assert.deepEqual(alerts, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
