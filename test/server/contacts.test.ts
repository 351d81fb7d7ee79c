// Contacts over REST (src/protocol/rest.ts): requests, answers, removal, every refusal, the
// ContactEvents each change puts in both users' inboxes (live to every session, replayed later),
// the invitation rate limit, the contacts limit, and the schema 2 → 3 migration.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ContactEvent, ServerFrame } from '../../src/protocol/frames.js';
import type {
  ContactRequestsResponse,
  ContactsResponse,
  OkResponse,
} from '../../src/protocol/rest.js';
import { Limits } from '../../src/protocol/rest.js';
import { configFromEnv } from '../../server/config.js';
import { migrationTo2, schemaVersion1 } from '../../server/storage/sqlite-schema.js';
import { SqliteStorage } from '../../server/storage/sqlite-storage.js';
import type { UserRecord } from '../../server/storage/storage.js';
import { contactEvent } from './support/contact-group-steps.js';
import {
  api,
  assertError,
  connectSynced,
  newUser,
  ok,
  startTestServer,
  type ApiResponse,
  type TestServer,
  type TestUser,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const me = (user: TestUser) => `/demo/chat/users/${user.username}`;

const call = <T = OkResponse>(user: TestUser, method: string, path: string, body?: unknown) =>
  api<T>(t.url, method, `${me(user)}${path}`, { token: user.token, body });

/** A 200 with Agora's `{ data: { result: true } }`, as every contact change answers. */
async function okTrue(response: Promise<ApiResponse<unknown>>) {
  assert.deepEqual(await ok(response), { data: { result: true } });
}

const withoutTime = (event: ContactEvent) => ({ ...event, time: 0 });

async function contactsOf(user: TestUser) {
  const response = await call<ContactsResponse>(user, 'GET', '/contacts/users');
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.entities;
}

async function requestsOf(user: TestUser) {
  const response = await call<ContactRequestsResponse>(user, 'GET', '/contacts/requests');
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.entities.map(({ from, to, message }) => ({ from, to, message }));
}

describe('contacts', () => {
  it('delivers a request to an offline user on connect, and every change to both users’ devices', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    await api(t.url, 'PUT', `/demo/chat/users/${bob.username}`, {
      token: bob.token,
      body: { nickname: 'Bobby' },
    });
    const a1 = await connectSynced(t.url, alice, { multi: true });
    const a2 = await connectSynced(t.url, alice, { multi: true });

    await okTrue(call(alice, 'POST', '/contacts/requests', { to: bob.username, message: 'hi!' }));
    const expected = {
      kind: 'contact',
      operation: 'request',
      seq: 1,
      from: alice.username,
      to: bob.username,
      status: 'hi!',
      time: 0,
    };
    // Both of the requester's devices follow (a REST change has no session to skip).
    assert.deepEqual(withoutTime(await contactEvent(a1.socket, 'request')), expected);
    assert.deepEqual(withoutTime(await contactEvent(a2.socket, 'request')), expected);
    const pending = [{ from: alice.username, to: bob.username, message: 'hi!' }];
    assert.deepEqual(await requestsOf(alice), pending);
    assert.deepEqual(await requestsOf(bob), pending);

    // Bob was offline: the request is in his replay, with his own seq.
    const b1 = await connectSynced(t.url, bob, { multi: true, since: 0 });
    const replayed = b1.socket.received.filter(
      (f): f is Extract<ServerFrame, { t: 'event' }> => f.t === 'event',
    );
    assert.deepEqual(
      replayed.map((f) => f.event.kind === 'contact' && withoutTime(f.event)),
      [{ ...expected, seq: 1 }],
    );
    assert.equal(b1.syncDone.seq, 1);
    const b2 = await connectSynced(t.url, bob, { multi: true });

    await okTrue(call(bob, 'POST', `/contacts/requests/${alice.username}/accept`));
    for (const socket of [a1.socket, a2.socket, b1.socket, b2.socket]) {
      const event = await contactEvent(socket, 'accept');
      assert.deepEqual([event.from, event.to], [bob.username, alice.username]);
    }
    assert.deepEqual(await requestsOf(bob), []);
    assert.deepEqual(await contactsOf(alice), [
      { username: bob.username, nickname: 'Bobby', online: true },
    ]);
    assert.deepEqual(await contactsOf(bob), [{ username: alice.username, online: true }]);

    // Contacts already: a second request is refused, and so is answering one that is gone.
    assertError(
      await call(alice, 'POST', '/contacts/requests', { to: bob.username }),
      400,
      'illegal_argument',
      /already your contact/,
    );
    assertError(
      await call(bob, 'POST', `/contacts/requests/${alice.username}/accept`),
      404,
      'service_resource_not_found',
    );

    await okTrue(call(bob, 'DELETE', `/contacts/users/${alice.username}`));
    for (const socket of [a1.socket, a2.socket, b1.socket, b2.socket]) {
      const event = await contactEvent(socket, 'remove');
      assert.deepEqual([event.from, event.to], [bob.username, alice.username]);
    }
    assert.deepEqual(await contactsOf(alice), []);
    assert.deepEqual(await contactsOf(bob), []);
    assertError(
      await call(bob, 'DELETE', `/contacts/users/${alice.username}`),
      404,
      'service_resource_not_found',
      /not your contact/,
    );
    for (const socket of [a1.socket, a2.socket, b1.socket, b2.socket]) await socket.close();
  });

  it('declines a request; a request back to someone who asked first accepts theirs', async () => {
    const carol = await newUser(t.url);
    const dave = await newUser(t.url);
    const c = await connectSynced(t.url, carol);
    const d = await connectSynced(t.url, dave);

    await okTrue(call(carol, 'POST', '/contacts/requests', { to: dave.username }));
    assert.equal((await contactEvent(d.socket, 'request')).status, '', 'no message: empty status');
    await okTrue(call(dave, 'POST', `/contacts/requests/${carol.username}/decline`));
    for (const socket of [c.socket, d.socket]) {
      const event = await contactEvent(socket, 'decline');
      assert.deepEqual([event.from, event.to], [dave.username, carol.username]);
    }
    assert.deepEqual(await requestsOf(carol), []);
    assert.deepEqual(await contactsOf(dave), []);
    assertError(
      await call(dave, 'POST', `/contacts/requests/${carol.username}/decline`),
      404,
      'service_resource_not_found',
      `no pending contact request from ${carol.username}`,
    );

    await okTrue(
      call(carol, 'POST', '/contacts/requests', { to: dave.username, message: 'again' }),
    );
    await contactEvent(d.socket, 'request');
    // Asking twice is refused; asking back is a yes.
    assertError(
      await call(carol, 'POST', '/contacts/requests', { to: dave.username }),
      400,
      'illegal_argument',
      /already asked/,
    );
    await okTrue(call(dave, 'POST', '/contacts/requests', { to: carol.username }));
    for (const socket of [c.socket, d.socket]) {
      const event = await contactEvent(socket, 'accept');
      assert.deepEqual([event.from, event.to], [dave.username, carol.username]);
    }
    assert.deepEqual(
      (await contactsOf(carol)).map((entry) => entry.username),
      [dave.username],
    );
    assert.deepEqual(await requestsOf(dave), []);
    await c.socket.close();
    await d.socket.close();
  });

  it('refuses bad requests with Agora’s errors and stores nothing', async () => {
    const erin = await newUser(t.url);
    const frank = await newUser(t.url);
    const request = (body: unknown, user = erin) => call(user, 'POST', '/contacts/requests', body);
    assertError(await request({ to: erin.username }), 400, 'illegal_argument', /yourself/);
    assertError(
      await request({ to: 'nobody-here' }),
      404,
      'service_resource_not_found',
      /no user nobody-here/,
    );
    assertError(await request({}), 400, 'illegal_argument', 'to is required');
    assertError(await request({ to: 'Not Legal' }), 400, 'illegal_argument', /not legal/);
    assertError(await request({ to: frank.username, message: 7 }), 400, 'illegal_argument');
    assertError(
      await request({ to: frank.username, message: 'x'.repeat(Limits.requestMessageMaxChars + 1) }),
      400,
      'illegal_argument',
      /requestMessageMaxChars/,
    );
    assertError(await request([]), 400, 'illegal_argument');
    // Only for yourself, and only with a token.
    for (const [method, path] of [
      ['GET', '/contacts/users'],
      ['GET', '/contacts/requests'],
      ['POST', '/contacts/requests'],
      ['POST', `/contacts/requests/${erin.username}/accept`],
      ['POST', `/contacts/requests/${erin.username}/decline`],
      ['DELETE', `/contacts/users/${erin.username}`],
    ] as const) {
      const body = method === 'POST' ? { to: erin.username } : undefined;
      assertError(
        await api(t.url, method, `${me(frank)}${path}`, { token: erin.token, body }),
        403,
        'forbidden_op',
      );
      assertError(
        await api(t.url, method, `${me(frank)}${path}`, { body }),
        401,
        'auth_bad_access_token',
      );
    }
    assert.deepEqual(await requestsOf(erin), []);
    assert.deepEqual(await requestsOf(frank), []);
    assertError(
      await api(t.url, 'GET', `/demo/nope/users/${erin.username}/contacts/users`, {
        token: erin.token,
      }),
      404,
      'organization_application_not_found',
    );
  });

  it('limits contact requests per user and minute (OPENWEBIM_RATE_INVITATIONS)', async () => {
    assert.equal(configFromEnv({}).invitationsPerMinute, Limits.invitationsPerMinute);
    assert.equal(configFromEnv({ OPENWEBIM_RATE_INVITATIONS: '2' }).invitationsPerMinute, 2);
    assert.throws(
      () => configFromEnv({ OPENWEBIM_RATE_INVITATIONS: '0' }),
      /OPENWEBIM_RATE_INVITATIONS/,
    );
    const limited = await startTestServer({ invitationsPerMinute: 2 });
    try {
      const [sender, ...others] = await Promise.all([0, 1, 2, 3].map(() => newUser(limited.url)));
      assert.ok(sender);
      const ask = (to: string, from = sender) =>
        api(limited.url, 'POST', `/demo/chat/users/${from.username}/contacts/requests`, {
          token: from.token,
          body: { to },
        });
      await okTrue(ask(others[0]?.username ?? ''));
      await okTrue(ask(others[1]?.username ?? ''));
      assertError(await ask(others[2]?.username ?? ''), 429, 'reach_limit');
      // Per user: someone else may still ask.
      const other = others[2];
      assert.ok(other);
      await okTrue(ask(sender.username, other));
    } finally {
      await limited.close();
    }
  });
});

describe('registration', () => {
  it('refuses usernames of 15 or more digits only (the shape of group and room ids)', async () => {
    const register = (username: string) =>
      api(t.url, 'POST', '/demo/chat/users', { body: { username, password: 'pw' } });
    assertError(await register('123456789012345'), 400, 'illegal_argument', /15 or more digits/);
    assertError(await register('1'.repeat(40)), 400, 'illegal_argument', /not legal/);
    // Fewer digits, or digits with anything else, are ordinary usernames.
    const suffix = Date.now().toString().slice(-8);
    assert.equal((await register(`9${suffix.padStart(13, '0')}`)).status, 200);
    assert.equal((await register(`u${'1'.repeat(14)}${suffix}`)).status, 200);
  });
});

describe('contacts storage', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwebim-contacts-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  // Users need no app row: the storage keys everything by the app key.
  const app = { key: 'o#a' };
  const user = (username: string): UserRecord => ({
    uuid: `uuid-${username}`,
    appKey: app.key,
    username,
    passwordHash: 'x',
    nickname: null,
    created: 1,
    modified: 1,
  });

  it('counts contacts and pending requests against the contacts limit', async () => {
    const storage = new SqliteStorage(join(dir, 'limit.sqlite'));
    for (const name of ['a', 'b', 'c']) await storage.createUser(user(name), null);
    const ask = (from: string, to: string) =>
      storage.requestContact(app.key, { from, to, message: '', time: 1 }, 1);
    assert.equal((await ask('a', 'b')).outcome, 'requested');
    // a's one place is taken by the pending request.
    assert.deepEqual(await ask('a', 'c'), { outcome: 'contacts-full', events: [] });
    assert.equal(
      (await storage.answerContactRequest(app.key, 'b', 'a', true, 2, 1)).outcome,
      'answered',
    );
    assert.equal((await ask('c', 'b')).outcome, 'requested');
    // b has one contact already: accepting another is refused, and nothing changes.
    assert.deepEqual(await storage.answerContactRequest(app.key, 'b', 'c', true, 3, 1), {
      outcome: 'contacts-full',
      events: [],
    });
    assert.deepEqual(
      (await storage.listContactRequests(app.key, 'b')).map((r) => r.from),
      ['c'],
    );
    assert.equal(await storage.lastSeq(app.key, 'b'), 3, 'request, accept, request');
    await storage.close();
  });

  it('migrates a schema-2 data dir to 3, keeping messages and receipts', async () => {
    const path = join(dir, 'v2.sqlite');
    const v2 = new Database(path);
    v2.exec(schemaVersion1);
    v2.exec(migrationTo2);
    v2.pragma('user_version = 2');
    v2.prepare(
      `INSERT INTO apps (key, org, name, uuid, created) VALUES ('o#a', 'o', 'a', 'app-uuid', 1)`,
    ).run();
    for (const [name, seq] of [
      ['a', 2],
      ['b', 1],
    ] as const) {
      v2.prepare(
        `INSERT INTO users (app_key, username, uuid, password_hash, created, modified, last_seq)
         VALUES ('o#a', ?, ?, 'x', 1, 1, ?)`,
      ).run(name, `uuid-${name}`, seq);
    }
    const { lastInsertRowid } = v2
      .prepare(
        `INSERT INTO messages (app_key, mid, client_id, from_user, to_user, chat_type, type, body,
           ext, time, conv)
         VALUES ('o#a', 'm1', 'c1', 'a', 'b', 'singleChat', 'txt', '{"type":"txt","msg":"hi"}',
           '{}', 5, 'a b')`,
      )
      .run();
    v2.prepare(`INSERT INTO inbox VALUES ('o#a', 'a', 1, ?), ('o#a', 'b', 1, ?)`).run(
      lastInsertRowid,
      lastInsertRowid,
    );
    v2.prepare(
      `INSERT INTO inbox_events (app_key, username, seq, kind, from_user, to_user, chat_type, mid, time)
       VALUES ('o#a', 'a', 2, 'delivered', 'b', 'a', 'singleChat', 'm1', 6)`,
    ).run();
    v2.close();

    const storage = new SqliteStorage(path);
    const inbox = await storage.readInbox(app.key, 'a', 0, 10);
    assert.deepEqual(
      inbox.map((entry) =>
        'message' in entry
          ? ['msg', entry.message.mid]
          : ['event', 'event' in entry && entry.event.kind],
      ),
      [
        ['msg', 'm1'],
        ['event', 'delivered'],
      ],
    );
    assert.equal((await storage.history(app.key, 'a', 'b', null, 10))?.length, 1);
    // The new tables work on the migrated file, and their events join the same seq order.
    const { outcome, events } = await storage.requestContact(
      app.key,
      { from: 'b', to: 'a', message: 'hey', time: 7 },
      10,
    );
    assert.equal(outcome, 'requested');
    assert.deepEqual(
      events.map((e) => [e.username, e.event.seq]),
      [
        ['b', 2],
        ['a', 3],
      ],
    );
    const after3 = await storage.readInbox(app.key, 'a', 2, 10);
    assert.deepEqual(after3, [
      {
        seq: 3,
        userEvent: {
          kind: 'contact',
          operation: 'request',
          from: 'b',
          to: 'a',
          status: 'hey',
          time: 7,
          seq: 3,
        },
      },
    ]);
    await storage.close();
    const version = new Database(path, { readonly: true });
    assert.ok((version.pragma('user_version', { simple: true }) as number) >= 3);
    version.close();
  });
});
