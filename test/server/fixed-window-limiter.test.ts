// Rate limits: the limiter of server/domain/fixed-window-limiter.ts and the REST and WebSocket
// limits built on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FixedWindowLimiter } from '../../server/domain/fixed-window-limiter.js';
import {
  PASSWORD,
  api,
  assertError,
  register,
  startTestServer,
  uniqueName,
} from './support/test-server.js';

describe('FixedWindowLimiter', () => {
  it('allows `limit` events per key and window, then refuses until the next window', () => {
    const limiter = new FixedWindowLimiter(2, 1000);
    assert.equal(limiter.take('a', 0), true);
    assert.equal(limiter.take('a', 10), true);
    assert.equal(limiter.take('a', 20), false);
    assert.equal(limiter.exhausted('a', 20), true);
    assert.equal(limiter.take('b', 20), true, 'keys are counted apart');
    assert.equal(limiter.exhausted('a', 1000), false);
    assert.equal(limiter.take('a', 1000), true);
  });
});

describe('REST rate limits', () => {
  it('answers registrations past the per-app rate with 429 reach_limit', async () => {
    const t = await startTestServer({ registerPerSecond: 2 });
    try {
      await t.server.domain.apps.add('acme#apart');
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          api(t.url, 'POST', '/demo/chat/users', {
            body: { username: uniqueName(), password: PASSWORD },
          }),
        ),
      );
      const refused = results.filter((r) => r.status === 429);
      assert.ok(refused.length >= 1, JSON.stringify(results.map((r) => r.status)));
      assertError(refused[0]!, 429, 'reach_limit', 'This request has reached api limit');
      // Another app has its own allowance.
      await register(t.url, 'acme#apart');
    } finally {
      await t.close();
    }
  });

  it('answers token requests past the per-app rate with 429 reach_limit', async () => {
    const t = await startTestServer({ tokenPerSecond: 2 });
    try {
      const username = await register(t.url);
      const body = { grant_type: 'password', username, password: PASSWORD };
      const results = await Promise.all(
        [1, 2, 3].map(() => api(t.url, 'POST', '/demo/chat/token', { body })),
      );
      const refused = results.filter((r) => r.status === 429);
      assert.ok(refused.length >= 1, JSON.stringify(results.map((r) => r.status)));
      assertError(refused[0]!, 429, 'reach_limit');
    } finally {
      await t.close();
    }
  });

  it('makes an address that failed too often wait, even with the right password', async () => {
    const t = await startTestServer({ tokenFailuresPerMinute: 2 });
    try {
      const username = await register(t.url);
      const attempt = (password: string) =>
        api(t.url, 'POST', '/demo/chat/token', {
          body: { grant_type: 'password', username, password },
        });
      assertError(await attempt('wrong1'), 400, 'invalid_grant');
      assertError(await attempt('wrong2'), 400, 'invalid_grant');
      assertError(await attempt(PASSWORD), 429, 'reach_limit');
    } finally {
      await t.close();
    }
  });
});
