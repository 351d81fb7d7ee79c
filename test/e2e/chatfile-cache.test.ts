// Two people on one browser (a shared family computer, a kiosk): a chat file user A downloaded
// must never reach user B from Chromium's HTTP cache. The cache keys on the URL, not on the
// Authorization header, so `Cache-Control: private, max-age=86400` answered B's request for the
// same URL with A's copy without asking the server. Real Chromium, real server, one profile.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoServer } from './demo-page.js';
import { newUser, uploaded } from '../server/support/test-server.js';

const demo = demoServer();

describe('chat file downloads in a shared browser', () => {
  it('user B is refused the file user A just downloaded; A gets it again', async () => {
    const alice = await newUser(demo.server.url);
    const bob = await newUser(demo.server.url);
    const file = await uploaded(demo.server.url, alice.token, {
      filename: 'private.txt',
      type: 'text/plain',
      bytes: new TextEncoder().encode('alice only'),
    });
    const context = await demo.browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(`${demo.server.url}/`);
    const get = (token: string) =>
      page.evaluate(
        async (url, token, secret) => {
          const response = await fetch(url, {
            headers: { authorization: `Bearer ${token}`, 'share-secret': secret },
          });
          return { status: response.status, body: await response.text() };
        },
        file.url,
        token,
        file.secret,
      );
    assert.deepEqual(await get(alice.token), { status: 200, body: 'alice only' });
    const forBob = await get(bob.token);
    assert.equal(forBob.status, 403, `Bob got ${forBob.status}: ${forBob.body}`);
    assert.doesNotMatch(forBob.body, /alice only/);
    // Alice again: revalidated (her copy may be reused only after the server has said so).
    assert.deepEqual(await get(alice.token), { status: 200, body: 'alice only' });
    await context.close();
  });
});
