// Guests (issue 9, src/protocol/visitors.ts): POST /{org}/{app}/guests and each of its refusals,
// the demo app's guests and its `support` user.
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TokenResponse } from '../../src/protocol/rest.js';
import { VisitorLimits, type GuestResponse } from '../../src/protocol/visitors.js';
import { DEMO_SUPPORT } from '../../server/app.js';
import {
  DEMO,
  api,
  appPath,
  assertError,
  connectSynced,
  newUser,
  rest,
  sendText,
  settle,
  startTestServer,
  uploaded,
  type ApiResponse,
  type TestServer,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
  await t.server.domain.apps.add('acme#noguests');
  await t.server.domain.apps.add('acme#shop', {
    guests: true,
    origins: ['https://shop.example'],
  });
  await t.server.domain.apps.add('acme#limited', { guests: true });
});
after(() => t.close());

const mint = (appKey = DEMO, body: unknown = {}, headers: Record<string, string> = {}) =>
  api<GuestResponse>(t.url, 'POST', `/${appPath(appKey)}/guests`, { body, headers });

async function minted(appKey = DEMO, body: unknown = {}): Promise<GuestResponse> {
  const response: ApiResponse<GuestResponse> = await mint(appKey, body);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

describe('POST /{org}/{app}/guests', () => {
  it('mints guest-<12 of [a-z0-9]> with a token and a password, each guest its own', async () => {
    const first = await minted(DEMO, { nickname: 'Visitor Ann' });
    assert.match(first.user.username, /^guest-[a-z0-9]{12}$/);
    assert.equal(first.user.guest, true);
    assert.equal(first.user.nickname, 'Visitor Ann');
    assert.match(first.access_token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(first.expires_in, 7 * 24 * 3600);
    assert.ok(first.password.length >= 24);
    const second = await minted();
    assert.notEqual(second.user.username, first.user.username);
    assert.notEqual(second.password, first.password);
    assert.ok(!('nickname' in second.user));

    // The token is a user token like any other: the socket takes it.
    const { syncDone } = await connectSynced(t.url, {
      username: first.user.username,
      token: first.access_token,
    });
    assert.ok(syncDone);
  });

  it('the guest signs in again with its password (grant_type password), still a guest', async () => {
    const guest = await minted();
    const response = await api<TokenResponse>(t.url, 'POST', `/${appPath(DEMO)}/token`, {
      body: { grant_type: 'password', username: guest.user.username, password: guest.password },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.user.username, guest.user.username);
    assert.equal(response.body.user.guest, true);
    const wrong = await api(t.url, 'POST', `/${appPath(DEMO)}/token`, {
      body: { grant_type: 'password', username: guest.user.username, password: 'guessed' },
    });
    assertError(wrong, 400, 'invalid_grant');
  });

  it('takes no body at all', async () => {
    const response = await api<GuestResponse>(t.url, 'POST', `/${appPath(DEMO)}/guests`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  it('refuses with 403 forbidden_op when the app has guests off', async () => {
    assertError(
      await mint('acme#noguests'),
      403,
      'forbidden_op',
      'guests are not enabled for this app',
    );
  });

  it('refuses an Origin the app does not allow (403), takes one it allows', async () => {
    assertError(
      await mint('acme#shop', {}, { origin: 'https://evil.example' }),
      403,
      'forbidden_op',
    );
    const allowed = await mint('acme#shop', {}, { origin: 'https://shop.example' });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  });

  it('refuses a nickname past the limit (400) and a body that is not an object', async () => {
    assertError(await mint(DEMO, { nickname: 'x'.repeat(101) }), 400, 'illegal_argument');
    assertError(await mint(DEMO, { nickname: 5 }), 400, 'illegal_argument');
    assertError(await mint(DEMO, [1]), 400, 'illegal_argument');
  });

  it('refuses an unknown app with 404', async () => {
    assertError(await mint('acme#nope'), 404, 'organization_application_not_found');
  });

  it(`answers 429 reach_limit past ${VisitorLimits.guestsPerHourPerAddress} guests an hour from one address`, async () => {
    for (let i = 0; i < VisitorLimits.guestsPerHourPerAddress; i++) {
      const response = await mint('acme#limited');
      assert.equal(response.status, 200, `guest ${i + 1}: ${JSON.stringify(response.body)}`);
    }
    assertError(await mint('acme#limited'), 429, 'reach_limit');
    // Refusals do not count: an app with guests off still says why, not 429.
    assertError(await mint('acme#noguests'), 403, 'forbidden_op');
  });
});

describe('the demo app', () => {
  it('has guests on and a support user whose password README.md gives', async () => {
    assert.equal((await t.server.domain.apps.visitorSettings(DEMO)).guests, true);
    const response = await api<TokenResponse>(t.url, 'POST', `/${appPath(DEMO)}/token`, {
      body: { grant_type: 'password', ...DEMO_SUPPORT },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.user.username, 'support');
    assert.ok(!response.body.user.guest);
  });
});

describe('what a guest cannot do (403 forbidden_op "guests cannot …")', () => {
  const asUser = (g: GuestResponse) => ({ username: g.user.username, token: g.access_token });

  it('add contacts (ask or accept), create groups or rooms, list public groups or rooms', async () => {
    const g = await minted();
    const guest = asUser(g);
    const member = await newUser(t.url);
    const me = `/users/${guest.username}`;
    const refusals = [
      [
        await rest(t.url, guest, 'POST', `${me}/contacts/requests`, { to: member.username }),
        /guests cannot add contacts/,
      ],
      [
        await rest(t.url, guest, 'POST', '/chatgroups', { groupname: 'mine' }),
        /guests cannot create groups/,
      ],
      [await rest(t.url, guest, 'GET', '/publicchatgroups'), /guests cannot list public groups/],
      [await rest(t.url, guest, 'GET', '/chatrooms'), /guests cannot list chat rooms/],
      [
        await rest(t.url, guest, 'POST', '/chatrooms', { name: 'mine' }),
        /guests cannot create chat rooms/,
      ],
    ] as const;
    for (const [response, description] of refusals) {
      assertError(response, 403, 'forbidden_op', description);
    }
    // A member asked the guest: the guest cannot accept, and may decline.
    const asked = await rest(t.url, member, 'POST', `/users/${member.username}/contacts/requests`, {
      to: guest.username,
    });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assertError(
      await rest(t.url, guest, 'POST', `${me}/contacts/requests/${member.username}/accept`),
      403,
      'forbidden_op',
      /guests cannot add contacts/,
    );
    const declined = await rest(
      t.url,
      guest,
      'POST',
      `${me}/contacts/requests/${member.username}/decline`,
    );
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    // Members still may.
    assert.equal((await rest(t.url, member, 'GET', '/publicchatgroups')).status, 200);
    assert.equal((await rest(t.url, member, 'GET', '/chatrooms')).status, 200);
  });

  it("read other users' profiles, except its own and those it has a conversation with", async () => {
    const guest = asUser(await minted());
    const team = await newUser(t.url);
    const stranger = await newUser(t.url);
    assertError(
      await rest(t.url, guest, 'GET', `/users/${team.username}`),
      403,
      'forbidden_op',
      /guests cannot/,
    );
    assert.equal((await rest(t.url, guest, 'GET', `/users/${guest.username}`)).status, 200);
    const { socket } = await connectSynced(t.url, guest);
    sendText(socket, team.username, 'hello team');
    await socket.next('ack');
    await settle(socket);
    assert.equal((await rest(t.url, guest, 'GET', `/users/${team.username}`)).status, 200);
    assertError(
      await rest(t.url, guest, 'GET', `/users/${stranger.username}`),
      403,
      'forbidden_op',
    );
    // The team reads the guest's profile as any member reads anyone's.
    assert.equal((await rest(t.url, team, 'GET', `/users/${guest.username}`)).status, 200);
    await socket.close();
  });
});

describe('guest retention', () => {
  const DAY = 24 * 3600_000;

  it('removes a guest idle past its app’s retention with its messages, token and chat files', async () => {
    const app = await t.server.domain.apps.add('acme#retention', {
      guests: true,
      guestRetentionDays: 2,
    });
    const guest = await minted(app.key);
    const host = await newUser(t.url, app.key);
    const visitor = { username: guest.user.username, token: guest.access_token };
    const { socket } = await connectSynced(t.url, visitor, { appKey: app.key });
    sendText(socket, host.username, 'hello from a visitor');
    await socket.next('ack');
    await socket.close();
    const file = await uploaded(t.url, guest.access_token, { appKey: app.key });
    const bytes = () => readFile(join(t.dataDir, 'chatfiles', file.uuid));
    await bytes();

    const channels = () =>
      rest(t.url, host, 'GET', `/users/${host.username}/user_channels`, undefined, app.key);
    assert.ok(JSON.stringify((await channels()).body).includes(visitor.username));

    // Still signed in (its token lives 7 days) or recently active: kept.
    assert.equal(await t.server.domain.visitors.sweep(app), 0);
    assert.equal(await t.server.domain.visitors.sweep(app, Date.now() + 3 * DAY), 0);
    // Past its token and two idle days: gone, with what it left.
    assert.equal(await t.server.domain.visitors.sweep(app, Date.now() + 8 * DAY), 1);
    await assert.rejects(bytes(), { code: 'ENOENT' });
    assertError(
      await api(t.url, 'GET', `/${appPath(app.key)}/users/${visitor.username}`, {
        token: host.token,
      }),
      404,
      'service_resource_not_found',
    );
    assert.ok(!JSON.stringify((await channels()).body).includes(visitor.username));
    // A registered user is never swept, however idle.
    assert.equal(await t.server.domain.visitors.sweep(app, Date.now() + 400 * DAY), 0);
    assert.ok(await t.server.domain.users.find(app, host.username));
  });

  it('a sweep that dies between a guest’s removal and its files’ deletion: the next sweep deletes them', async () => {
    const app = await t.server.domain.apps.add('acme#orphans', {
      guests: true,
      guestRetentionDays: 1,
    });
    const guest = await minted(app.key);
    const file = await uploaded(t.url, guest.access_token, { appKey: app.key });
    const path = join(t.dataDir, 'chatfiles', file.uuid);
    const bytes = await readFile(path);
    // A real fault, not a mock: a directory where the file was, which unlink refuses (EISDIR,
    // even to root), stops the sweep after its transaction, as a process dying there would.
    await rename(path, `${path}.away`);
    await mkdir(join(path, 'x'), { recursive: true });
    const later = Date.now() + 9 * DAY;
    await assert.rejects(t.server.domain.visitors.sweep(app, later));
    assert.equal(await t.server.domain.users.find(app, guest.user.username), undefined);
    // Its row stays, nobody's (no uploader, no grants), for the next sweep to find.
    assert.equal((await t.server.domain.chatfiles.get(app, file.uuid))?.uploader, '');
    // The bytes the dead sweep left behind.
    await rm(path, { recursive: true });
    await rename(`${path}.away`, path);
    assert.deepEqual(await readFile(path), bytes);

    // The next retention run (no guest left to remove) deletes them, and their row.
    assert.equal(await t.server.domain.visitors.sweep(app, later), 0);
    await assert.rejects(readFile(path), { code: 'ENOENT' });
    assert.equal(await t.server.domain.chatfiles.get(app, file.uuid), undefined);
  });
});
