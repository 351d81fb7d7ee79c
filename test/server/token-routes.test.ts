// REST tokens of server/http/token-routes.ts, token expiry (REST and WebSocket) and renewal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloseCode } from '../../src/protocol/frames.js';
import type { TokenExpiresResponse, TokenResponse } from '../../src/protocol/rest.js';
import {
  PASSWORD,
  api,
  assertError,
  connect,
  connectSynced,
  newUser,
  register,
  startTestServer,
  token,
  wsUrl,
  type TestServer,
} from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
  await t.server.domain.apps.add('short#ttl', { tokenTtlSeconds: 1 });
  await t.server.domain.apps.add('acme#other');
});
after(() => t.close());

const postToken = (body: unknown, app = 'demo/chat') =>
  api(t.url, 'POST', `/${app}/token`, { body });

/** Polls until `token` is reported expired by REST (1-second tokens; no fixed sleep). */
async function untilExpired(app: string, username: string, accessToken: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const response = await api(t.url, 'GET', `/${app}/sdk/users/${username}/token/expires`, {
      token: accessToken,
    });
    if (response.status === 401) return response;
    assert.ok(Date.now() < deadline, 'the token never expired');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /{org}/{app}/token', () => {
  it('answers access_token, expires_in in seconds and the user', async () => {
    const username = await register(t.url);
    const before = Date.now();
    const response = await postToken({ grant_type: 'password', username, password: PASSWORD });
    assert.equal(response.status, 200);
    const body = response.body as unknown as TokenResponse;
    assert.match(body.access_token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.expires_in, 7 * 24 * 3600);
    assert.equal(body.user.username, username);
    const expires = await api<TokenExpiresResponse>(
      t.url,
      'GET',
      `/demo/chat/sdk/users/${username}/token/expires`,
      { token: body.access_token },
    );
    assert.equal(expires.status, 200);
    const expected = before + body.expires_in * 1000;
    assert.ok(Math.abs(expires.body.expire_timestamp - expected) < 5000);
  });

  it('answers invalid_grant for an unknown user and a wrong password', async () => {
    const username = await register(t.url);
    assertError(
      await postToken({ grant_type: 'password', username: 'nobody-here', password: 'x' }),
      400,
      'invalid_grant',
      'user not found',
    );
    assertError(
      await postToken({ grant_type: 'password', username, password: 'wrong' }),
      400,
      'invalid_grant',
      'invalid password',
    );
  });

  it('refuses other grant types and missing fields with illegal_argument', async () => {
    const username = await register(t.url);
    assertError(
      await postToken({ grant_type: 'authorization_code', username, password: PASSWORD }),
      400,
      'illegal_argument',
      /grant_type/,
    );
    // client_credentials is a grant of its own (site-sign-in.test.ts): it wants its own fields.
    assertError(
      await postToken({ grant_type: 'client_credentials', username, password: PASSWORD }),
      400,
      'illegal_argument',
      /client_id/,
    );
    assertError(await postToken({ username, password: PASSWORD }), 400, 'illegal_argument');
    assertError(
      await postToken({ grant_type: 'password', password: 'x' }),
      400,
      'illegal_argument',
    );
    assertError(await postToken({ grant_type: 'password', username }), 400, 'illegal_argument');
  });

  it('answers an unknown app with 404', async () => {
    assertError(
      await postToken({ grant_type: 'password', username: 'a', password: 'b' }, 'nope/nope'),
      404,
      'organization_application_not_found',
      'Could not find application for nope/nope from URI: nope/nope/token',
    );
  });

  it('does not accept a token of one app in another', async () => {
    const stranger = await newUser(t.url, 'acme#other');
    assertError(
      await api(t.url, 'GET', `/demo/chat/sdk/users/${stranger.username}/token/expires`, {
        token: stranger.token,
      }),
      401,
      'auth_bad_access_token',
    );
    const socket = await TestSocket.open(wsUrl(t.url));
    socket.send({
      t: 'auth',
      user: stranger.username,
      token: stranger.token,
      deviceId: 'd',
      multi: false,
    });
    assert.equal((await socket.next('auth-error')).code, 28);
  });
});

describe('GET /{org}/{app}/sdk/users/{me}/token/expires', () => {
  it('is only for the token’s own user', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    assertError(
      await api(t.url, 'GET', `/demo/chat/sdk/users/${bob.username}/token/expires`, {
        token: alice.token,
      }),
      403,
      'forbidden_op',
    );
  });
});

describe('token expiry', () => {
  it('answers an expired token with 401 unauthorized on REST and auth-error 56 on the socket', async () => {
    const alice = await newUser(t.url, 'short#ttl');
    const expired = await untilExpired('short/ttl', alice.username, alice.token);
    assertError(expired, 401, 'unauthorized', 'Unable to authenticate due to expired access token');
    assertError(
      await api(t.url, 'GET', `/short/ttl/users/${alice.username}`, { token: alice.token }),
      401,
      'unauthorized',
    );
    const socket = await TestSocket.open(wsUrl(t.url, 'short#ttl'));
    socket.send({
      t: 'auth',
      user: alice.username,
      token: alice.token,
      deviceId: 'd',
      multi: false,
    });
    assert.equal((await socket.next('auth-error')).code, 56);
    assert.equal((await socket.closed).code, CloseCode.AuthFailed);
  });

  it('kicks a session when its token expires, with 56 and TokenExpired', async () => {
    const alice = await newUser(t.url, 'short#ttl');
    const { socket, authOk } = await connect(t.url, alice, { appKey: 'short#ttl' });
    assert.ok(authOk.expiresAt <= Date.now() + 1000);
    const kicked = await socket.next('kicked');
    assert.deepEqual(kicked, { t: 'kicked', code: 56, reason: 'token expired' });
    assert.equal((await socket.closed).code, CloseCode.TokenExpired);
  });
});

describe('renew', () => {
  it('moves the session’s expiry to the new token’s', async () => {
    const alice = await newUser(t.url);
    const { socket, authOk } = await connectSynced(t.url, alice);
    const fresh = await token(t.url, 'demo#chat', alice.username);
    socket.send({ t: 'renew', token: fresh.access_token });
    const renewed = await socket.next('renewed');
    assert.ok(renewed.expiresAt >= authOk.expiresAt);
    const expires = await api<TokenExpiresResponse>(
      t.url,
      'GET',
      `/demo/chat/sdk/users/${alice.username}/token/expires`,
      { token: fresh.access_token },
    );
    assert.equal(renewed.expiresAt, expires.body.expire_timestamp);
    await socket.close();
  });

  it('keeps a session past its first token’s expiry once renewed', async () => {
    const alice = await newUser(t.url, 'short#ttl');
    const { socket, authOk } = await connectSynced(t.url, alice, { appKey: 'short#ttl' });
    // The app issues 1-second tokens; a longer one comes straight from the domain.
    const app = await t.server.domain.apps.get('short#ttl');
    assert.ok(app);
    const fresh = await t.server.domain.tokens.issue(app, alice.username, 60);
    socket.send({ t: 'renew', token: fresh.token });
    const renewed = await socket.next('renewed');
    assert.equal(renewed.expiresAt, fresh.expiresAt);
    assert.ok(renewed.expiresAt > authOk.expiresAt + 50_000);
    await untilExpired('short/ttl', alice.username, alice.token);
    socket.send({ t: 'ping' });
    await socket.next('pong');
    assert.deepEqual(
      socket.unread().filter((f) => f.t === 'kicked'),
      [],
    );
    await socket.close();
  });

  it('answers a bad or foreign token with an error frame and keeps the socket', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const { socket } = await connectSynced(t.url, alice);
    socket.send({ t: 'renew', token: 'x'.repeat(43) });
    assert.equal((await socket.next('error')).code, 28);
    socket.send({ t: 'renew', token: bob.token });
    assert.match((await socket.next('error')).reason, /another user/);
    socket.send({ t: 'renew' });
    assert.equal((await socket.next('error')).code, 205);
    socket.send({ t: 'ping' });
    await socket.next('pong');
    await socket.close();
  });
});
