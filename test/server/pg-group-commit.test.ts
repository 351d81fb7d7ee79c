// Group commit on PostgreSQL (pg-database.ts, PgDatabase.batched): sends that arrive together are
// written in one transaction, so one commit (one WAL flush) holds them all, and each is answered
// only once that commit is done. Checked from outside, on a real PostgreSQL: the rows' `xmin` (the
// transaction that wrote them) and a second connection pool that must see every answered send.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PgStorage } from '../../server/storage/pg-storage.js';
import type { AppRecord, NewMessage, StoreMessageResult } from '../../server/storage/storage.js';
import { freshDatabase } from './support/postgres.js';

const app: AppRecord = {
  key: 'o#gc',
  org: 'o',
  name: 'gc',
  uuid: 'app-gc',
  maxUsers: null,
  closedRegistration: false,
  origins: null,
  tokenTtlSeconds: 60,
  maxMessageBytes: null,
  maxFileBytes: 25_000_000,
  recallSeconds: null,
  maxGroupMembers: 50,
  roomAdmins: [],
  maxSessionsPerUser: 3,
  chatfileTtlDays: 7,
  created: 1,
};

const senders = Array.from({ length: 10 }, (_, n) => `s${n}`);

const message = (clientId: string, from: string, to: string): NewMessage => ({
  mid: `mid-${clientId}`,
  clientId,
  from,
  to,
  chatType: 'singleChat',
  type: 'txt',
  body: `body ${clientId}`,
  ext: '{}',
  time: 5,
  files: [],
});

let url: string;
let storage: PgStorage;
let other: PgStorage;
let sql: pg.Client;

before(async () => {
  url = await freshDatabase();
  // One connection: sends that arrive together cannot run side by side, so they share a batch
  // (with more connections than sends, each would have its own, as before group commit).
  storage = new PgStorage(url, { poolSize: 1 });
  // Another process's view of the database: its own pool.
  other = new PgStorage(url);
  await storage.addApp(app);
  for (const username of ['rita', 'tom', ...senders]) {
    const created = await storage.createUser(
      {
        uuid: `uuid-${username}`,
        appKey: app.key,
        username,
        passwordHash: 'x',
        nickname: null,
        created: 1,
        modified: 1,
      },
      null,
    );
    assert.equal(created, 'created');
  }
  sql = new pg.Client({ connectionString: url });
  await sql.connect();
});
after(async () => {
  await sql?.end();
  await storage?.close();
  await other?.close();
});

/** The transactions that wrote these messages' rows. */
async function writers(mids: string[]): Promise<Set<string>> {
  const { rows } = await sql.query<{ xmin: string }>(
    'SELECT xmin::text FROM messages WHERE mid = ANY($1::text[])',
    [mids],
  );
  assert.equal(rows.length, mids.length, 'every one stored');
  return new Set(rows.map((row) => row.xmin));
}

/** Stores `sent` all at once; each result is checked from the other pool as soon as it is in. */
function storeAll(sent: NewMessage[]) {
  const seenElsewhere: Promise<boolean>[] = [];
  const results = sent.map((one) => {
    const stored = storage.storeMessage(app.key, one);
    seenElsewhere.push(
      stored.then(
        async () => (await other.getMessage(app.key, one.mid)) !== undefined,
        () => false,
      ),
    );
    return stored;
  });
  return { results: Promise.allSettled(results), seenElsewhere: Promise.all(seenElsewhere) };
}

describe('group commit on PostgreSQL', () => {
  it('writes sends that arrive together in one transaction, each answered once it committed', async () => {
    const sent = senders.map((from, n) => message(`together-${n}`, from, n % 2 ? 'rita' : 'tom'));
    const { results, seenElsewhere } = storeAll(sent);
    const settled = await results;
    assert.ok(settled.every((result) => result.status === 'fulfilled'));
    // Answered only after the commit: another connection already sees each one.
    assert.deepEqual(
      await seenElsewhere,
      sent.map(() => true),
    );
    assert.equal((await writers(sent.map((one) => one.mid))).size, 1, 'one transaction');
    const seqs = (to: string) =>
      settled
        .map((result, n) => (sent[n]!.to === to && result.status === 'fulfilled' ? result : null))
        .filter((result) => result !== null)
        .map((result) => (result.value as StoreMessageResult).recipientSeq)
        .sort((x, y) => (x as number) - (y as number));
    assert.deepEqual(seqs('rita'), [1, 2, 3, 4, 5]);
    assert.deepEqual(seqs('tom'), [1, 2, 3, 4, 5]);
  });

  it('gives a send that fails inside a batch its error, and commits and answers the others', async () => {
    // One send to a user who does not exist: its inbox row cannot be written (a real failure of
    // the statement, after the message row went in) and the whole transaction rolls back with it.
    const sent = senders.map((from, n) => message(`batch2-${n}`, from, 'rita'));
    sent.splice(4, 0, message('batch2-bad', 's9', 'nobody'));
    const { results, seenElsewhere } = storeAll(sent);
    const settled = await results;
    const failed = settled.filter((result) => result.status === 'rejected');
    assert.equal(failed.length, 1);
    assert.equal(settled[4]!.status, 'rejected', 'the bad one, and only it');
    assert.match(String((failed[0] as PromiseRejectedResult).reason), /nobody/);
    const seen = await seenElsewhere;
    assert.deepEqual(
      seen,
      sent.map((one) => one.to !== 'nobody'),
    );
    // Nothing of the bad one is left; the others went in together, and Rita's seqs have no gap
    // where the rolled-back attempt had taken one.
    assert.equal(await other.getMessage(app.key, 'mid-batch2-bad'), undefined);
    const good = sent.filter((one) => one.to !== 'nobody');
    assert.equal((await writers(good.map((one) => one.mid))).size, 1, 'one transaction');
    const inbox = await other.readInbox(app.key, 'rita', 5, 100);
    assert.deepEqual(
      inbox.map((entry) => entry.seq),
      Array.from({ length: 10 }, (_, n) => 6 + n),
    );
    assert.deepEqual(
      inbox.map((entry) => ('message' in entry ? entry.message.mid : '')).sort(),
      good.map((one) => one.mid).sort(),
    );
  });
});
