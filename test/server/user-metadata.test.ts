// User attributes (issue 9, src/protocol/visitors.ts): PUT /{org}/{app}/metadata/user/{me} as JSON
// and as a form, POST /{org}/{app}/metadata/user/get with who is online, each refusal, and what a
// guest may read of others.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EntitiesResponse, UserEntity } from '../../src/protocol/rest.js';
import {
  VisitorLimits,
  type GuestResponse,
  type UserMetadataResponse,
  type UsersMetadataResponse,
} from '../../src/protocol/visitors.js';
import {
  DEMO,
  api,
  appPath,
  assertError,
  connectSynced,
  newUser,
  ok,
  rest,
  sendText,
  settle,
  startTestServer,
  type TestServer,
  type TestUser,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const base = `/${appPath(DEMO)}`;
const put = (user: TestUser, body: unknown, me = user.username) =>
  rest<UserMetadataResponse>(t.url, user, 'PUT', `/metadata/user/${me}`, body);
const get = (user: TestUser, body: unknown) =>
  rest<UsersMetadataResponse>(t.url, user, 'POST', '/metadata/user/get', body);

async function guest(): Promise<TestUser> {
  const response = await api<GuestResponse>(t.url, 'POST', `${base}/guests`, { body: {} });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return { username: response.body.user.username, token: response.body.access_token };
}

describe('PUT /{org}/{app}/metadata/user/{me}', () => {
  it('sets attributes from JSON, answers all of them; nickname is the user nickname', async () => {
    const ann = await newUser(t.url);
    const first = await ok(put(ann, { nickname: 'Ann', mail: 'ann@example.com' }));
    assert.deepEqual(first.data, { nickname: 'Ann', mail: 'ann@example.com' });
    const second = await ok(put(ann, { phone: '+1 555', mail: '' }));
    assert.deepEqual(second.data, { nickname: 'Ann', phone: '+1 555' }, '"" removes one');
    const user = await ok(
      rest<EntitiesResponse<UserEntity>>(t.url, ann, 'GET', `/users/${ann.username}`),
    );
    assert.equal(user.entities[0]?.nickname, 'Ann');
  });

  it('takes a form-urlencoded body, as updateOwnUserInfo sends it', async () => {
    const ben = await newUser(t.url);
    const response = await api<UserMetadataResponse>(
      t.url,
      'PUT',
      `${base}/metadata/user/${ben.username}`,
      {
        token: ben.token,
        rawBody: new URLSearchParams({ nickname: 'Ben B', sign: 'hi & bye' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body.data, { nickname: 'Ben B', sign: 'hi & bye' });
  });

  it('refuses another user (403), no token (401), unknown keys, long or non-string values (400)', async () => {
    const ann = await newUser(t.url);
    const ben = await newUser(t.url);
    assertError(await put(ann, { mail: 'x@y' }, ben.username), 403, 'forbidden_op');
    assertError(
      await api(t.url, 'PUT', `${base}/metadata/user/${ann.username}`, { body: { mail: 'x' } }),
      401,
      'auth_bad_access_token',
    );
    assertError(await put(ann, { colour: 'red' }), 400, 'illegal_argument', /unknown attribute/);
    assertError(
      await put(ann, { sign: 'x'.repeat(VisitorLimits.metadataValueMaxChars + 1) }),
      400,
      'illegal_argument',
      /at most 256/,
    );
    assertError(await put(ann, { nickname: 'x'.repeat(101) }), 400, 'illegal_argument');
    assertError(await put(ann, { mail: 5 }), 400, 'illegal_argument');
    assertError(await put(ann, {}), 400, 'illegal_argument');
    // Nothing of the refused requests was stored.
    const mine = await ok(get(ann, { targets: [ann.username] }));
    assert.deepEqual(mine.data, { [ann.username]: {} });
    await ok(put(ann, { sign: 'x'.repeat(VisitorLimits.metadataValueMaxChars) }));
  });
});

describe('POST /{org}/{app}/metadata/user/get', () => {
  it('answers the targets that exist, the properties asked, and who is online', async () => {
    const ann = await newUser(t.url);
    const ben = await newUser(t.url);
    await ok(put(ann, { nickname: 'Ann', mail: 'ann@example.com' }));
    await ok(put(ben, { avatarurl: 'https://x.example/b.png' }));
    const { socket } = await connectSynced(t.url, ben);
    const all = await ok(get(ann, { targets: [ann.username, ben.username, 'nobody-here'] }));
    assert.deepEqual(all.data, {
      [ann.username]: { nickname: 'Ann', mail: 'ann@example.com' },
      [ben.username]: { avatarurl: 'https://x.example/b.png' },
    });
    assert.deepEqual(all.online, { [ann.username]: false, [ben.username]: true });
    const some = await ok(get(ben, { targets: [ann.username], properties: ['mail'] }));
    assert.deepEqual(some.data, { [ann.username]: { mail: 'ann@example.com' } });
    // One user or one property may come as a string (the SDK's fetchUserInfoById('ann', 'mail')).
    const one = await ok(get(ben, { targets: ann.username, properties: 'mail' }));
    assert.deepEqual(one.data, some.data);
    await socket.close();
  });

  it('refuses no targets, too many, a bad list or property (400), and no token (401)', async () => {
    const ann = await newUser(t.url);
    assertError(await get(ann, { targets: [] }), 400, 'illegal_argument');
    assertError(await get(ann, {}), 400, 'illegal_argument');
    const many = Array.from({ length: VisitorLimits.metadataTargetsMax + 1 }, (_, i) => `u${i}`);
    assertError(await get(ann, { targets: many }), 400, 'illegal_argument', /at most 100/);
    assertError(await get(ann, { targets: 42 }), 400, 'illegal_argument');
    assertError(await get(ann, { targets: ['ann', 42] }), 400, 'illegal_argument');
    assertError(
      await get(ann, { targets: [ann.username], properties: ['password'] }),
      400,
      'illegal_argument',
    );
    assertError(
      await api(t.url, 'POST', `${base}/metadata/user/get`, { body: { targets: ['x'] } }),
      401,
      'auth_bad_access_token',
    );
  });

  it('shows a guest the team nickname, avatar and presence, the rest once they talk; no other guest', async () => {
    const team = await newUser(t.url);
    await ok(put(team, { nickname: 'Team', avatarurl: 'https://x.example/t.png', mail: 't@x' }));
    const visitor = await guest();
    const other = await guest();
    await ok(put(other, { nickname: 'Other guest', mail: 'other@x' }));
    await ok(put(visitor, { nickname: 'Visitor', mail: 'visitor@x' }));

    const before = await ok(get(visitor, { targets: [team.username, other.username] }));
    assert.deepEqual(before.data, {
      [team.username]: { nickname: 'Team', avatarurl: 'https://x.example/t.png' },
    });
    assert.deepEqual(before.online, { [team.username]: false });

    // The team sees the visitor's e-mail (a member reads everyone's attributes).
    const seen = await ok(get(team, { targets: [visitor.username] }));
    assert.deepEqual(seen.data, { [visitor.username]: { nickname: 'Visitor', mail: 'visitor@x' } });

    const { socket } = await connectSynced(t.url, visitor);
    sendText(socket, team.username, 'hello');
    await socket.next('ack');
    await settle(socket);
    const after = await ok(get(visitor, { targets: [team.username] }));
    assert.deepEqual(after.data, {
      [team.username]: { nickname: 'Team', avatarurl: 'https://x.example/t.png', mail: 't@x' },
    });
    await socket.close();
  });
});
