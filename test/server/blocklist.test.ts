// The blocklist (src/protocol/rest.ts): block and unblock over REST, events only for the blocker's
// devices, a blocked user's 1:1 messages refused with 603 (nothing stored) and their contact
// requests with 403; the contact stays; unblocking restores both; the blocklist limit.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  BlocklistResponse,
  ContactsResponse,
  HistoryResponse,
} from '../../src/protocol/rest.js';
import { SqliteStorage } from '../../server/storage/sqlite-storage.js';
import { befriend, contactEvent } from './support/contact-group-steps.js';
import {
  api,
  assertError,
  connectSynced,
  newUser,
  sendText,
  startTestServer,
  textOf,
  type TestServer,
  type TestUser,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const call = <T>(user: TestUser, method: string, path: string, body?: unknown) =>
  api<T>(t.url, method, `/demo/chat/users/${user.username}${path}`, { token: user.token, body });

async function blocklist(response: { status: number; body: unknown }) {
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return (response.body as BlocklistResponse).data;
}

describe('blocklist', () => {
  it('stops a blocked contact’s messages (603, nothing stored) and requests (403) until unblocked', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    await befriend(t.url, alice, bob);
    const a1 = await connectSynced(t.url, alice, { multi: true });
    const a2 = await connectSynced(t.url, alice, { multi: true });
    const b = await connectSynced(t.url, bob);

    assert.deepEqual(
      await blocklist(
        await call(alice, 'POST', '/blocks/users', { usernames: [bob.username, carol.username] }),
      ),
      [bob.username, carol.username].sort(),
    );
    // Both of the blocker's devices learn it, one event per user blocked.
    for (const socket of [a1.socket, a2.socket]) {
      const events = [await contactEvent(socket, 'block'), await contactEvent(socket, 'block')];
      assert.deepEqual(
        events.map((e) => [e.from, e.to]).sort(),
        [
          [alice.username, bob.username],
          [alice.username, carol.username],
        ].sort(),
      );
    }
    assert.deepEqual(
      await blocklist(await call(alice, 'GET', '/blocks/users')),
      [bob.username, carol.username].sort(),
    );
    // Blocking again changes nothing (no new event: the next one a2 sees is the unblock below).
    assert.deepEqual(
      await blocklist(await call(alice, 'POST', '/blocks/users', { usernames: [bob.username] })),
      [bob.username, carol.username].sort(),
    );

    const id = sendText(b.socket, alice.username, 'can you hear me?');
    const nack = await b.socket.next('nack', (f) => f.id === id);
    assert.equal(nack.code, 603);
    const history = await call<HistoryResponse>(alice, 'GET', `/messages?peer=${bob.username}`);
    assert.deepEqual(history.body.messages, [], 'the refused message was not stored');
    // The blocker may still write to the blocked user.
    const own = sendText(a1.socket, bob.username, 'one way');
    await a1.socket.next('ack', (f) => f.id === own);
    assert.equal((await b.socket.next('msg')).message.from, alice.username);

    // Blocking keeps the contact on both sides.
    const contacts = await call<ContactsResponse>(alice, 'GET', '/contacts/users');
    assert.deepEqual(
      contacts.body.entities.map((c) => c.username),
      [bob.username],
    );

    assertError(
      await call(carol, 'POST', '/contacts/requests', { to: alice.username }),
      403,
      'forbidden_op',
      /does not accept contact requests/,
    );
    assert.deepEqual(
      (await call<{ entities: unknown[] }>(alice, 'GET', '/contacts/requests')).body.entities,
      [],
    );

    assert.deepEqual(
      await blocklist(await call(alice, 'DELETE', `/blocks/users/${bob.username}`)),
      [carol.username],
    );
    const unblocked = await contactEvent(a2.socket, 'unblock');
    assert.deepEqual([unblocked.from, unblocked.to], [alice.username, bob.username]);
    // Not on the list: the answer is the list, and nothing is stored.
    assert.deepEqual(
      await blocklist(await call(alice, 'DELETE', `/blocks/users/${bob.username}`)),
      [carol.username],
    );
    const again = sendText(b.socket, alice.username, 'and now?');
    await b.socket.next('ack', (f) => f.id === again);
    assert.equal(
      textOf((await a2.socket.next('msg', (f) => f.message.from === bob.username)).message),
      'and now?',
    );
    assert.deepEqual(
      await blocklist(await call(alice, 'DELETE', `/blocks/users/${carol.username}`)),
      [],
    );
    assert.equal(
      (await call(carol, 'POST', '/contacts/requests', { to: alice.username })).status,
      200,
    );

    // The blocked users were never told: their inboxes hold no block or unblock.
    await b.socket.close();
    const replay = await connectSynced(t.url, bob, { since: 0 });
    assert.ok(
      !replay.socket.received.some(
        (f) =>
          f.t === 'event' &&
          f.event.kind === 'contact' &&
          ['block', 'unblock'].includes(f.event.operation),
      ),
    );
    for (const socket of [a1.socket, a2.socket, replay.socket]) await socket.close();
  });

  it('refuses bad blocklist requests', async () => {
    const dave = await newUser(t.url);
    const erin = await newUser(t.url);
    const block = (body: unknown) => call(dave, 'POST', '/blocks/users', body);
    assertError(await block({ usernames: [dave.username] }), 400, 'illegal_argument', /yourself/);
    assertError(
      await block({ usernames: ['nobody-here'] }),
      404,
      'service_resource_not_found',
      /no user nobody-here/,
    );
    assertError(await block({ usernames: [] }), 400, 'illegal_argument', /usernames/);
    assertError(await block({ usernames: erin.username }), 400, 'illegal_argument', /usernames/);
    assertError(await block({ usernames: [3] }), 400, 'illegal_argument', /usernames/);
    assertError(await block({ usernames: ['Bad Name'] }), 400, 'illegal_argument', /not legal/);
    assertError(await block({}), 400, 'illegal_argument', /usernames/);
    for (const [method, path, body] of [
      ['GET', '/blocks/users', undefined],
      ['POST', '/blocks/users', { usernames: [erin.username] }],
      ['DELETE', `/blocks/users/${erin.username}`, undefined],
    ] as const) {
      const url = `/demo/chat/users/${erin.username}${path}`;
      assertError(await api(t.url, method, url, { token: dave.token, body }), 403, 'forbidden_op');
      assertError(await api(t.url, method, url, { body }), 401, 'auth_bad_access_token');
    }
    assert.deepEqual(await blocklist(await call(dave, 'GET', '/blocks/users')), []);
    assert.deepEqual(await blocklist(await call(erin, 'GET', '/blocks/users')), []);
  });

  it('holds at most the blocklist limit, all or nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openwebim-blocks-'));
    const storage = new SqliteStorage(join(dir, 'blocks.sqlite'));
    try {
      for (const name of ['a', 'b', 'c', 'd']) {
        await storage.createUser(
          {
            uuid: name,
            appKey: 'o#a',
            username: name,
            passwordHash: 'x',
            nickname: null,
            created: 1,
            modified: 1,
          },
          null,
        );
      }
      const first = await storage.block('o#a', 'a', ['b', 'c'], 1, 2);
      assert.deepEqual([first.ok, first.blocked, first.events.length], [true, ['b', 'c'], 2]);
      const over = await storage.block('o#a', 'a', ['c', 'd'], 2, 2);
      assert.deepEqual(over, { ok: false, blocked: ['b', 'c'], events: [] });
      assert.equal(await storage.isBlocked('o#a', 'a', 'd'), false);
      assert.equal(await storage.isBlocked('o#a', 'a', 'b'), true);
      assert.equal(await storage.isBlocked('o#a', 'b', 'a'), false, 'one way');
      assert.deepEqual(await storage.blockersOf('o#a', 'c'), ['a']);
      assert.equal(await storage.lastSeq('o#a', 'a'), 2);
      assert.equal(await storage.lastSeq('o#a', 'b'), 0, 'the blocked user is not told');
    } finally {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
