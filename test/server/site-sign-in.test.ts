// Sign-in from the site's backend (issue 9, src/protocol/visitors.ts): client credentials buy an
// app token, an app token buys a user token (`inherit`); each kind of token is refused where the
// other belongs (401), and every bad input has its error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenResponse } from '../../src/protocol/rest.js';
import type { AppTokenResponse, GuestResponse } from '../../src/protocol/visitors.js';
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

const APP = 'site#shop';
const base = '/site/shop';
let t: TestServer;
let credentials: { clientId: string; clientSecret: string };
before(async () => {
  t = await startTestServer();
  await t.server.domain.apps.add(APP, { guests: true, tokenTtlSeconds: 3600 });
  credentials = await t.server.domain.apps.rotateSecret(APP);
});
after(() => t.close());

const tokenCall = <T>(body: unknown, bearer?: string) =>
  api<T>(t.url, 'POST', `${base}/token`, { body, token: bearer });

async function appToken(): Promise<string> {
  const response = await tokenCall<AppTokenResponse>({
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.access_token;
}

describe('grant_type client_credentials', () => {
  it('answers an app token with its lifetime and the app id', async () => {
    const response = await tokenCall<AppTokenResponse>({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      ttl: 60,
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.match(response.body.access_token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(response.body.expires_in, 60);
    const app = await t.server.domain.apps.get(APP);
    assert.equal(response.body.application, app?.uuid);
  });

  it('refuses a wrong secret or client id (400 invalid_grant) and missing fields (400)', async () => {
    const call = (body: Record<string, unknown>) =>
      tokenCall({ grant_type: 'client_credentials', ...body });
    assertError(
      await call({
        client_id: credentials.clientId,
        client_secret: `${credentials.clientSecret}x`,
      }),
      400,
      'invalid_grant',
    );
    assertError(
      await call({ client_id: 'YXA6other', client_secret: credentials.clientSecret }),
      400,
      'invalid_grant',
    );
    assertError(await call({ client_id: credentials.clientId }), 400, 'illegal_argument');
    assertError(
      await call({ ...credentials, client_id: credentials.clientId, ttl: 3601 }),
      400,
      'illegal_argument',
    );
  });

  it('a rotated secret replaces the old one at once; the client id stays', async () => {
    const key = `site#${uniqueName('r')}`;
    await t.server.domain.apps.add(key);
    const first = await t.server.domain.apps.rotateSecret(key);
    const second = await t.server.domain.apps.rotateSecret(key);
    assert.equal(second.clientId, first.clientId);
    assert.notEqual(second.clientSecret, first.clientSecret);
    const path = `/${key.replace('#', '/')}/token`;
    const withSecret = (secret: string) =>
      api(t.url, 'POST', path, {
        body: {
          grant_type: 'client_credentials',
          client_id: first.clientId,
          client_secret: secret,
        },
      });
    assertError(await withSecret(first.clientSecret), 400, 'invalid_grant');
    assert.equal((await withSecret(second.clientSecret)).status, 200);
  });
});

describe('grant_type inherit', () => {
  it('signs an existing user in with the app token; the token works as a login token', async () => {
    const member = await newUser(t.url, APP);
    const response = await tokenCall<TokenResponse>(
      { grant_type: 'inherit', username: member.username },
      await appToken(),
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.user.username, member.username);
    assert.equal(response.body.expires_in, 3600);
    const { syncDone } = await connectSynced(
      t.url,
      { username: member.username, token: response.body.access_token },
      { appKey: APP },
    );
    assert.ok(syncDone);
  });

  it('makes an unknown user with autoCreateUser (no password: it signs in only this way), else 404', async () => {
    const bearer = await appToken();
    const username = uniqueName('site');
    assertError(
      await tokenCall({ grant_type: 'inherit', username }, bearer),
      404,
      'service_resource_not_found',
    );
    const made = await tokenCall<TokenResponse>(
      { grant_type: 'inherit', username, autoCreateUser: true, ttl: 120 },
      bearer,
    );
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.user.username, username);
    assert.equal(made.body.expires_in, 120);
    const again = await tokenCall<TokenResponse>(
      { grant_type: 'inherit', username, autoCreateUser: true },
      bearer,
    );
    assert.equal(again.body.user.uuid, made.body.user.uuid, 'the same user');
    for (const password of ['', '!site', PASSWORD]) {
      const login = await tokenCall({ grant_type: 'password', username, password });
      assert.equal(login.status, 400, `password "${password}" must not work`);
    }
  });

  it('refuses a bad username, a ttl past the app lifetime (400)', async () => {
    const bearer = await appToken();
    assertError(
      await tokenCall(
        { grant_type: 'inherit', username: 'Not Legal', autoCreateUser: true },
        bearer,
      ),
      400,
      'illegal_argument',
    );
    assertError(
      await tokenCall({ grant_type: 'inherit', username: 'someone', ttl: 3601 }, bearer),
      400,
      'illegal_argument',
    );
  });

  it('refuses a user token, a guest token, no token (401)', async () => {
    const member = await newUser(t.url, APP);
    assertError(
      await tokenCall({ grant_type: 'inherit', username: member.username }, member.token),
      401,
      'unauthorized',
    );
    const guest = await api<GuestResponse>(t.url, 'POST', `${base}/guests`, { body: {} });
    assertError(
      await tokenCall(
        { grant_type: 'inherit', username: member.username },
        guest.body.access_token,
      ),
      401,
      'unauthorized',
    );
    assertError(
      await tokenCall({ grant_type: 'inherit', username: member.username }),
      401,
      'auth_bad_access_token',
    );
  });
});

describe('an app token elsewhere', () => {
  it('is refused (401) on user routes and on the socket', async () => {
    const bearer = await appToken();
    const member = await newUser(t.url, APP);
    for (const [method, path] of [
      ['GET', `/users/${member.username}`],
      ['GET', `/users/${member.username}/contacts/users`],
      ['POST', '/metadata/user/get'],
      ['GET', '/publicchatgroups'],
    ] as const) {
      const response = await api(t.url, method, `${base}${path}`, {
        token: bearer,
        ...(method === 'POST' ? { body: { targets: [member.username] } } : {}),
      });
      assert.equal(response.status, 401, `${method} ${path}: ${JSON.stringify(response.body)}`);
    }
    const socket = await TestSocket.open(wsUrl(t.url, APP));
    socket.send({ t: 'auth', user: member.username, token: bearer, deviceId: 'd', multi: false });
    assert.equal((await socket.next('auth-error')).code, 28);
  });
});

describe('expired app tokens', () => {
  it('are forgotten by the token purge once past the retention, as user tokens are', async () => {
    const member = await newUser(t.url, APP);
    const bearer = await appToken();
    const inherit = () => tokenCall({ grant_type: 'inherit', username: member.username }, bearer);
    assert.equal((await inherit()).status, 200);
    // An hour on (the app's ttl), the token is expired and still known...
    await t.server.domain.tokens.purge(3600_000, Date.now() + 3600_000);
    assert.equal((await inherit()).status, 200, 'not expired yet: kept');
    // ...and once it expired longer ago than the retention, it is gone.
    await t.server.domain.tokens.purge(1000, Date.now() + 3600_000 + 2000);
    assertError(await inherit(), 401, 'unauthorized', /takes an app token/);
  });
});
