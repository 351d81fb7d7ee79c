// REST users: registration (every Agora error), GET and PUT of server/http/users-routes.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EntitiesResponse, UserEntity } from '../../src/protocol/rest.js';
import {
  DEMO,
  PASSWORD,
  api,
  assertError,
  newUser,
  register,
  startTestServer,
  uniqueName,
  type TestServer,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
  await t.server.domain.apps.add('acme#closed', { closedRegistration: true });
  await t.server.domain.apps.add('acme#small', { maxUsers: 2 });
  await t.server.domain.apps.add('acme#other');
});
after(() => t.close());

const post = (body: unknown, app = 'demo/chat') => api(t.url, 'POST', `/${app}/users`, { body });

describe('POST /{org}/{app}/users', () => {
  it('registers and answers the Agora envelope with the user entity', async () => {
    const username = uniqueName();
    const response = await post({ username, password: PASSWORD, nickname: 'Alice A.' });
    assert.equal(response.status, 200);
    const body = response.body as unknown as EntitiesResponse<UserEntity>;
    assert.equal(body.action, 'post');
    assert.equal(body.path, '/users');
    assert.equal(body.organization, 'demo');
    assert.equal(body.applicationName, 'chat');
    assert.match(body.uri, /\/demo\/chat\/users$/);
    assert.equal(body.entities.length, 1);
    const [user] = body.entities;
    assert.equal(user?.username, username);
    assert.equal(user?.nickname, 'Alice A.');
    assert.equal(user?.type, 'user');
    assert.equal(user?.activated, true);
    assert.ok(!('password' in (user ?? {})) && !('passwordHash' in (user ?? {})));
  });

  it('refuses an existing username with duplicate_unique_property_exists', async () => {
    const username = await register(t.url);
    assertError(
      await post({ username, password: 'other' }),
      400,
      'duplicate_unique_property_exists',
      new RegExp(`username be unique, value of ${username} exists`),
    );
  });

  it('refuses the usernames . and .. (path segments no URL can name), takes a.b', async () => {
    for (const username of ['.', '..']) {
      assertError(
        await post({ username, password: PASSWORD }),
        400,
        'illegal_argument',
        /cannot be only dots/,
      );
    }
    assert.equal((await post({ username: `${uniqueName()}.b`, password: PASSWORD })).status, 200);
  });

  it('refuses a username past 64 bytes with USERNAME_TOO_LONG', async () => {
    assertError(
      await post({ username: 'a'.repeat(65), password: PASSWORD }),
      400,
      'illegal_argument',
      'USERNAME_TOO_LONG',
    );
    const ok = await post({ username: `${uniqueName()}`.padEnd(64, 'x'), password: PASSWORD });
    assert.equal(ok.status, 200, '64 bytes are fine');
  });

  it('refuses missing and illegal usernames, passwords and nicknames with illegal_argument', async () => {
    const cases: [unknown, RegExp][] = [
      [{ password: PASSWORD }, /requires a property named username/],
      [{ username: '', password: PASSWORD }, /requires a property named username/],
      [{ username: 'Alice', password: PASSWORD }, /not legal/],
      [{ username: 'al ice', password: PASSWORD }, /not legal/],
      [{ username: 'al#ice', password: PASSWORD }, /not legal/],
      [{ username: 42, password: PASSWORD }, /username must be a string/],
      [{ username: uniqueName() }, /password or pin must provided/],
      [{ username: uniqueName(), password: '' }, /password or pin must provided/],
      [{ username: uniqueName(), password: 'p'.repeat(65) }, /at most 64 characters/],
      [{ username: uniqueName(), password: PASSWORD, nickname: 'n'.repeat(101) }, /at most 100/],
      [[{ username: uniqueName(), password: PASSWORD }], /must be a JSON object/],
    ];
    for (const [body, description] of cases) {
      assertError(await post(body), 400, 'illegal_argument', description);
    }
  });

  it('refuses registration on a closed app with 401 unauthorized', async () => {
    assertError(
      await post({ username: uniqueName(), password: PASSWORD }, 'acme/closed'),
      401,
      'unauthorized',
      'registration is not open, please contact the app admin',
    );
  });

  it('refuses users past the app limit with 429 resource_limited', async () => {
    await register(t.url, 'acme#small');
    await register(t.url, 'acme#small');
    assertError(
      await post({ username: uniqueName(), password: PASSWORD }, 'acme/small'),
      429,
      'resource_limited',
    );
  });

  it('answers an unknown app with 404 organization_application_not_found', async () => {
    assertError(
      await post({ username: uniqueName(), password: PASSWORD }, 'nope/app'),
      404,
      'organization_application_not_found',
      'Could not find application for nope/app from URI: nope/app/users',
    );
  });
});

describe('GET /{org}/{app}/users/{username}', () => {
  it('shows any user of the app to a user of the app, push tokens only to oneself', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const push = { device_id: 'd1', device_token: 'tok', notifier_name: 'fcm' };
    const put = await api(t.url, 'PUT', `/demo/chat/users/${bob.username}`, {
      token: bob.token,
      body: push,
    });
    assert.equal(put.status, 200);

    const asAlice = await api<EntitiesResponse<UserEntity>>(
      t.url,
      'GET',
      `/demo/chat/users/${bob.username}`,
      { token: alice.token },
    );
    assert.equal(asAlice.status, 200);
    assert.equal(asAlice.body.entities[0]?.username, bob.username);
    assert.equal(asAlice.body.entities[0]?.pushInfo, undefined);

    const asBob = await api<EntitiesResponse<UserEntity>>(
      t.url,
      'GET',
      `/demo/chat/users/${bob.username}`,
      { token: bob.token },
    );
    assert.deepEqual(asBob.body.entities[0]?.pushInfo, [push]);
  });

  it('answers an unknown user with 404 service_resource_not_found', async () => {
    const alice = await newUser(t.url);
    assertError(
      await api(t.url, 'GET', '/demo/chat/users/nobody-here', { token: alice.token }),
      404,
      'service_resource_not_found',
    );
  });

  it('needs a token of this app', async () => {
    const alice = await newUser(t.url);
    const stranger = await newUser(t.url, 'acme#other');
    const path = `/demo/chat/users/${alice.username}`;
    const corrupt = 'Unable to authenticate due to corrupt access token';
    assertError(await api(t.url, 'GET', path), 401, 'auth_bad_access_token', corrupt);
    assertError(
      await api(t.url, 'GET', path, { token: 'made-up' }),
      401,
      'auth_bad_access_token',
      corrupt,
    );
    assertError(
      await api(t.url, 'GET', path, { headers: { authorization: `Basic ${alice.token}` } }),
      401,
      'auth_bad_access_token',
    );
    assertError(
      await api(t.url, 'GET', path, { token: stranger.token }),
      401,
      'auth_bad_access_token',
      corrupt,
    );
  });
});

describe('PUT /{org}/{app}/users/{me}', () => {
  it('updates the nickname', async () => {
    const alice = await newUser(t.url);
    const response = await api<EntitiesResponse<UserEntity>>(
      t.url,
      'PUT',
      `/demo/chat/users/${alice.username}`,
      { token: alice.token, body: { nickname: 'Ally' } },
    );
    assert.equal(response.status, 200);
    assert.equal(response.body.action, 'put');
    assert.equal(response.body.entities[0]?.nickname, 'Ally');
    const read = await api<EntitiesResponse<UserEntity>>(
      t.url,
      'GET',
      `/demo/chat/users/${alice.username}`,
      { token: alice.token },
    );
    assert.equal(read.body.entities[0]?.nickname, 'Ally');
  });

  it('stores push tokens per device, replacing a device’s old token', async () => {
    const alice = await newUser(t.url);
    const path = `/demo/chat/users/${alice.username}`;
    const put = (device_id: string, device_token: string) =>
      api<EntitiesResponse<UserEntity>>(t.url, 'PUT', path, {
        token: alice.token,
        body: { device_id, device_token, notifier_name: 'fcm' },
      });
    await put('phone', 'one');
    await put('tablet', 'two');
    const last = await put('phone', 'three');
    assert.deepEqual(last.body.entities[0]?.pushInfo, [
      { device_id: 'phone', device_token: 'three', notifier_name: 'fcm' },
      { device_id: 'tablet', device_token: 'two', notifier_name: 'fcm' },
    ]);
  });

  it('refuses to change another user with 403 forbidden_op', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    assertError(
      await api(t.url, 'PUT', `/demo/chat/users/${bob.username}`, {
        token: alice.token,
        body: { nickname: 'hacked' },
      }),
      403,
      'forbidden_op',
    );
  });

  it('refuses any other body with 400 illegal_argument', async () => {
    const alice = await newUser(t.url);
    const path = `/demo/chat/users/${alice.username}`;
    for (const body of [
      {},
      { nickname: 'n', extra: 1 },
      { nickname: 'n'.repeat(101) },
      { nickname: 7 },
      { device_id: 'd', device_token: 't' },
      { device_id: '', device_token: 't', notifier_name: 'n' },
      { password: 'new' },
    ]) {
      assertError(
        await api(t.url, 'PUT', path, { token: alice.token, body }),
        400,
        'illegal_argument',
      );
    }
  });

  it('needs a token', async () => {
    const alice = await newUser(t.url);
    assertError(
      await api(t.url, 'PUT', `/demo/chat/users/${alice.username}`, { body: { nickname: 'x' } }),
      401,
      'auth_bad_access_token',
    );
  });
});

describe('demo app', () => {
  it('is open for registration', async () => {
    await register(t.url, DEMO);
  });
});
