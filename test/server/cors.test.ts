// CORS and Origin checks of server/http/cors.ts, server/http/request-context.ts and the gateway.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PASSWORD,
  api,
  assertError,
  connectSynced,
  newUser,
  startTestServer,
  uniqueName,
  wsUrl,
  type TestServer,
} from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

const SHOP = 'https://shop.example';
let t: TestServer;
before(async () => {
  t = await startTestServer();
  await t.server.domain.apps.add('acme#shop', { origins: [SHOP, 'http://localhost:3000'] });
});
after(() => t.close());

function preflight(path: string, origin: string) {
  return fetch(`${t.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    },
  });
}

describe('CORS for an app without an origins list', () => {
  it('allows any origin, preflight included', async () => {
    const response = await preflight('/demo/chat/users', 'https://anywhere.example');
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://anywhere.example');
    const allowed = response.headers.get('access-control-allow-headers') ?? '';
    for (const header of ['Authorization', 'Content-Type', 'restrict-access', 'share-secret']) {
      assert.ok(allowed.includes(header), `${header} in ${allowed}`);
    }
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /PUT/);
    const post = await api(t.url, 'POST', '/demo/chat/users', {
      body: { username: uniqueName(), password: PASSWORD },
      headers: { origin: 'https://anywhere.example' },
    });
    assert.equal(post.status, 200);
    assert.equal(post.headers.get('access-control-allow-origin'), 'https://anywhere.example');
  });

  it('lets a page read the 404 of an unknown app and load the static files', async () => {
    const response = await api(t.url, 'POST', '/nope/nope/users', {
      body: {},
      headers: { origin: 'https://anywhere.example' },
    });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://anywhere.example');
  });
});

describe('CORS for an app with --origins', () => {
  it('allows a listed origin', async () => {
    const response = await preflight('/acme/shop/token', SHOP);
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), SHOP);
    const post = await api(t.url, 'POST', '/acme/shop/users', {
      body: { username: uniqueName(), password: PASSWORD },
      headers: { origin: 'http://localhost:3000' },
    });
    assert.equal(post.status, 200);
    assert.equal(post.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  });

  it('refuses another origin: no CORS headers, and the request itself gets 403', async () => {
    const response = await preflight('/acme/shop/users', 'https://evil.example');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    const post = await api(t.url, 'POST', '/acme/shop/users', {
      body: { username: uniqueName(), password: PASSWORD },
      headers: { origin: 'https://evil.example' },
    });
    assertError(post, 403, 'forbidden_op', /evil\.example/);
    assert.equal(post.headers.get('access-control-allow-origin'), null);
    // Same host, other port or scheme: another origin.
    for (const origin of ['https://shop.example:8443', 'http://shop.example']) {
      const other = await api(t.url, 'POST', '/acme/shop/token', {
        body: {},
        headers: { origin },
      });
      assert.equal(other.status, 403, origin);
    }
  });

  it('applies the list to the DNS list too', async () => {
    const allowed = await api(t.url, 'GET', '/easemob/server.json?app_key=acme%23shop', {
      headers: { origin: SHOP },
    });
    assert.equal(allowed.headers.get('access-control-allow-origin'), SHOP);
    const refused = await api(t.url, 'GET', '/easemob/server.json?app_key=acme%23shop', {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });

  it('refuses an empty origins list rather than read it as "any origin"', async () => {
    await assert.rejects(t.server.domain.apps.add('acme#empty', { origins: [] }), /at least one/);
    assert.equal(await t.server.domain.apps.get('acme#empty'), undefined);
  });

  it('lets non-browser clients (no Origin header) through', async () => {
    const user = await newUser(t.url, 'acme#shop');
    const { socket } = await connectSynced(t.url, user, { appKey: 'acme#shop' });
    await socket.close();
  });

  it('refuses a WebSocket upgrade from another origin with 403 and accepts a listed one', async () => {
    await assert.rejects(
      TestSocket.open(wsUrl(t.url, 'acme#shop'), { origin: 'https://evil.example' }),
      { statusCode: 403 },
    );
    const user = await newUser(t.url, 'acme#shop');
    const { socket } = await connectSynced(t.url, user, {
      appKey: 'acme#shop',
      headers: { origin: SHOP },
    });
    await socket.close();
  });
});
