// What the SQLite store keeps in memory (server/storage/sqlite-caches.ts: users, blocklists, each
// inbox's last seq) against real SQLite files, written through this connection and through a
// second one on the same file, as the CLI or another process would: a change through this
// connection is honoured by the very next lookup, one through another connection from the next turn
// of the event loop (PRAGMA data_version is read once a turn), and seqs stay unique and without
// gaps whoever takes them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStorage } from '../../server/storage/sqlite-storage.js';
import { testApp, testUser, textMessage } from './support/storage-records.js';

const APP = 'org#caches';
let dir: string;
let files = 0;
const opened: SqliteStorage[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openwebim-caches-'));
});
after(async () => {
  for (const storage of opened) await storage.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh file with the app and `users`; `connections` SqliteStorage on it. */
async function file(users: string[], connections = 2): Promise<SqliteStorage[]> {
  files += 1;
  const path = join(dir, `caches${files}.sqlite`);
  const first = new SqliteStorage(path);
  await first.addApp(testApp(APP));
  for (const name of users) await first.createUser(testUser(APP, name), null);
  const all = [first];
  for (let i = 1; i < connections; i += 1) all.push(new SqliteStorage(path));
  opened.push(...all);
  return all;
}

/** The user's inbox seqs, messages and events, in order. */
async function seqs(storage: SqliteStorage, username: string): Promise<number[]> {
  const entries = await storage.readInbox(APP, username, 0, 1000);
  return entries.map((entry) => entry.seq);
}

/** The next turn of the event loop: another connection's writes are seen from then on. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('SQLite lookup cache', () => {
  it('honours a block or unblock made through another connection from the next turn', async () => {
    const [server, other] = (await file(['alice', 'bob'])) as [SqliteStorage, SqliteStorage];
    assert.equal(await server.isBlocked(APP, 'bob', 'alice'), false);
    assert.equal(await server.isBlocked(APP, 'bob', 'alice'), false, 'now from the cache');
    await other.block(APP, 'bob', ['alice'], 10, 100);
    await nextTurn();
    assert.equal(await server.isBlocked(APP, 'bob', 'alice'), true);
    await other.unblock(APP, 'bob', 'alice', 11);
    await nextTurn();
    assert.equal(await server.isBlocked(APP, 'bob', 'alice'), false);
  });

  it("honours this connection's own blocks at the next lookup", async () => {
    const [server] = (await file(['alice', 'bob'], 1)) as [SqliteStorage];
    assert.equal(await server.isBlocked(APP, 'alice', 'bob'), false);
    await server.block(APP, 'alice', ['bob'], 10, 100);
    assert.equal(await server.isBlocked(APP, 'alice', 'bob'), true);
    await server.unblock(APP, 'alice', 'bob', 11);
    assert.equal(await server.isBlocked(APP, 'alice', 'bob'), false);
  });

  it('sees users created or changed through this connection at once, through another from the next turn', async () => {
    const [server, other] = (await file(['alice'])) as [SqliteStorage, SqliteStorage];
    assert.equal(await server.getUser(APP, 'carol'), undefined);
    assert.equal(await server.getUser(APP, 'carol'), undefined, 'now from the cache');
    await other.createUser(testUser(APP, 'carol'), null);
    await nextTurn();
    assert.equal((await server.getUser(APP, 'carol'))?.username, 'carol');

    assert.equal((await server.getUser(APP, 'alice'))?.nickname, null);
    await other.updateNickname(APP, 'alice', 'Al', 20);
    await nextTurn();
    assert.equal((await server.getUser(APP, 'alice'))?.nickname, 'Al');
    await server.updateNickname(APP, 'alice', 'Alice', 21);
    assert.equal((await server.getUser(APP, 'alice'))?.nickname, 'Alice');
  });

  it('answers copies: a caller changing a user changes no later answer', async () => {
    const [server] = (await file(['alice'], 1)) as [SqliteStorage];
    const user = await server.getUser(APP, 'alice');
    assert.ok(user);
    user.nickname = 'changed by a caller';
    assert.equal((await server.getUser(APP, 'alice'))?.nickname, null);
  });
});

describe('SQLite seq heads in memory', () => {
  it('gives every seq once when writes outside group commit and other connections take seqs', async () => {
    const [server, other] = (await file(['alice', 'bob', 'carol'])) as [
      SqliteStorage,
      SqliteStorage,
    ];
    const first = await server.storeMessage(APP, textMessage('m1', 'alice', 'bob'));
    assert.equal(first.senderSeq, 1);
    // A contact request appends an event to both inboxes in its own transaction (not a batch).
    await server.requestContact(APP, { from: 'carol', to: 'alice', message: '', time: 2 }, 100);
    const second = await server.storeMessage(APP, textMessage('m2', 'alice', 'bob'));
    assert.equal(second.senderSeq, 3, 'after the event took 2');
    // Another connection (another process) appends an event to alice's inbox: seq 4, in
    // inbox_events, where no key would stop the server's next message from taking 4 again.
    await other.requestContact(APP, { from: 'bob', to: 'alice', message: '', time: 4 }, 100);
    const third = await server.storeMessage(APP, textMessage('m3', 'alice', 'carol'));
    assert.equal(third.senderSeq, 5, 'after the other connection took 4');
    // The other connection's own batch after the server's.
    const fourth = await other.storeMessage(APP, textMessage('m4', 'bob', 'alice'));
    assert.equal(fourth.recipientSeq, 6);
    assert.deepEqual(await seqs(server, 'alice'), range(6));
    assert.equal(await server.lastSeq(APP, 'alice'), 6);
    assert.equal(await other.lastSeq(APP, 'alice'), 6);
  });

  it('takes no seq another connection took in the same turn, after a lookup read the version', async () => {
    const [server, other] = (await file(['alice', 'bob', 'carol'])) as [
      SqliteStorage,
      SqliteStorage,
    ];
    assert.equal((await server.storeMessage(APP, textMessage('t1', 'alice', 'bob'))).senderSeq, 1);
    // In one turn: the batch of t2 is queued, a lookup reads the other connections' write count
    // (kept for the rest of the turn), then another connection takes alice's seq 2.
    const second = server.storeMessage(APP, textMessage('t2', 'alice', 'bob'));
    assert.equal(await server.isBlocked(APP, 'bob', 'alice'), false);
    await other.requestContact(APP, { from: 'carol', to: 'alice', message: '', time: 2 }, 100);
    assert.equal((await second).senderSeq, 3, 'after the other connection took 2');
    assert.deepEqual(await seqs(server, 'alice'), range(3));
  });

  it('takes seqs in one batch for many messages, each user once per commit', async () => {
    const [server] = (await file(['alice', 'bob'], 1)) as [SqliteStorage];
    const results = await Promise.all(
      range(40).map((i) => server.storeMessage(APP, textMessage(`b${i}`, 'alice', 'bob'))),
    );
    assert.deepEqual(
      results.map((result) => result.senderSeq),
      range(40),
    );
    assert.deepEqual(
      results.map((result) => result.recipientSeq),
      range(40),
    );
    assert.equal(await server.lastSeq(APP, 'alice'), 40);
    assert.equal(await server.lastSeq(APP, 'bob'), 40);
  });

  it('leaves no gap and reuses no seq after a batch that failed', async () => {
    const [server, other] = (await file(['alice', 'bob'])) as [SqliteStorage, SqliteStorage];
    await server.storeMessage(APP, textMessage('before', 'alice', 'bob'));
    // One turn, one batch: the message to a user who does not exist fails after alice's seq was
    // taken for it; the batch rolls back and the others are stored one by one.
    const outcomes = await Promise.allSettled([
      server.storeMessage(APP, textMessage('x1', 'alice', 'bob')),
      server.storeMessage(APP, textMessage('x2', 'alice', 'nobody')),
      server.storeMessage(APP, textMessage('x3', 'alice', 'bob')),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const after = await server.storeMessage(APP, textMessage('after', 'alice', 'bob'));
    assert.equal(after.senderSeq, 4);
    assert.equal(after.recipientSeq, 4);
    assert.deepEqual(await seqs(server, 'alice'), range(4));
    assert.deepEqual(await seqs(other, 'bob'), range(4));
    assert.equal(await other.lastSeq(APP, 'alice'), 4);
  });
});
