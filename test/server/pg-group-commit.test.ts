// Group commit on PostgreSQL (pg-database.ts, PgDatabase.batched): writes that arrive together (1:1,
// group and room messages, receipts, group reads, contact and group events) are written in one
// transaction, so one commit (one WAL flush) holds them all, and each is answered only once that
// commit is done. Checked from outside, on a real PostgreSQL: the rows' `xmin` (the
// transaction that wrote them) and a second connection pool that must see every answered send.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PgStorage } from '../../server/storage/pg-storage.js';
import type { GroupRecord } from '../../server/storage/group-storage.js';
import type {
  InboxEntry,
  NewMessage,
  StoredMessage,
  StoreMessageResult,
} from '../../server/storage/storage.js';
import { freshDatabase } from './support/postgres.js';
import { testApp, testUser, textMessage } from './support/storage-records.js';

const app = testApp('o#gc');

const senders = Array.from({ length: 10 }, (_, n) => `s${n}`);
/** The group's members (owner first) and the users of the mixed batches. */
const members = ['gus', 'hal', 'ivy', 'jo'];

const message = textMessage;

const GID = '100000000000000001';
const group: GroupRecord = {
  id: GID,
  name: 'g',
  description: '',
  owner: 'gus',
  public: false,
  approval: false,
  allowInvites: false,
  inviteNeedConfirm: false,
  maxUsers: 10,
  created: 1,
  announcement: '',
  allMuted: false,
};
const room = {
  id: '200000000000000001',
  name: 'r',
  description: '',
  owner: '',
  maxUsers: 100,
  created: 1,
  announcement: '',
  allMuted: false,
};

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
  for (const username of ['rita', 'tom', ...senders, ...members]) {
    const created = await storage.createUser(testUser(app.key, username), null);
    assert.equal(created, 'created');
  }
  sql = new pg.Client({ connectionString: url });
  await sql.connect();
  const created = await storage.groups.change(
    app.key,
    GID,
    { kind: 'create', group, members: members.slice(1), invitations: [] },
    [],
    { groupsPerUser: 10 },
  );
  assert.equal(created.outcome, 'done');
  assert.ok(await storage.rooms.addRoom(app.key, room));
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

/** The transactions that wrote these rows, in every table the batched writes write. */
async function allWriters(marks: { mids: string[]; eventTime: number }): Promise<Set<string>> {
  const { rows } = await sql.query<{ xmin: string }>(
    `SELECT xmin::text FROM messages WHERE mid = ANY($1::text[])
     UNION ALL SELECT xmin::text FROM room_messages WHERE mid = ANY($1::text[])
     UNION ALL SELECT xmin::text FROM group_reads WHERE time = $2
     UNION ALL SELECT xmin::text FROM inbox_events WHERE time = $2
     UNION ALL SELECT xmin::text FROM device_cursors WHERE device_id = $3`,
    [marks.mids, marks.eventTime, `device-${marks.eventTime}`],
  );
  return new Set(rows.map((row) => row.xmin));
}

/** Every seq of the user's inbox after `after`, and what each one holds (a mid, or an event kind). */
async function inboxOf(username: string, after: number) {
  const entries: InboxEntry[] = await other.readInbox(app.key, username, after, 100);
  return entries.map((entry) => ({
    seq: entry.seq,
    holds:
      'message' in entry
        ? entry.message.mid
        : 'event' in entry
          ? entry.event.kind
          : entry.userEvent.kind,
  }));
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

  /** A group message (with group acks) from a member, and the others' writes that go with it. */
  const groupMessage = (
    clientId: string,
    from: string,
  ): NewMessage & { allowGroupAck: boolean } => ({
    ...message(clientId, from, GID),
    chatType: 'groupChat',
    allowGroupAck: true,
  });

  /**
   * Every kind of batched write at once, as a burst of traffic brings them: two group messages, two
   * room messages, a delivered receipt of a 1:1 message, group reads of an earlier group message,
   * a contact event and a device cursor. `bad` adds a receipt into a missing user's inbox.
   */
  async function mixedBurst(tag: string, eventTime: number, bad: boolean) {
    const earlier = await storage.groups.storeGroupMessage(
      app.key,
      groupMessage(`${tag}-0`, 'gus'),
      [],
    );
    const read: StoredMessage = earlier.message;
    const room1 = (n: number) => ({
      ...message(`${tag}-room${n}`, members[n]!, room.id),
      chatType: 'chatRoom',
      roomId: room.id,
      time: eventTime,
    });
    const writes: { name: string; done: Promise<unknown> }[] = [
      { name: 'cursor', done: storage.raiseCursor(app.key, 'jo', `device-${eventTime}`, 1) },
      {
        name: 'group 1',
        done: storage.groups.storeGroupMessage(app.key, groupMessage(`${tag}-1`, 'hal'), []),
      },
      { name: 'room 1', done: storage.rooms.addRoomMessage(app.key, room1(1), 100) },
      {
        name: 'receipt',
        done: storage.storeEvent(
          app.key,
          {
            kind: 'delivered',
            from: 'jo',
            to: 'ivy',
            chatType: 'singleChat',
            mid: `${tag}-x`,
            time: eventTime,
          },
          ['ivy'],
        ),
      },
      { name: 'read by hal', done: storage.groups.storeGroupRead(app.key, read, 'hal', eventTime) },
      {
        name: 'contact event',
        done: storage.appendUserEvent(
          app.key,
          { kind: 'contact', operation: 'remove', from: 'ivy', to: 'jo', time: eventTime },
          ['ivy', 'jo'],
        ),
      },
      {
        name: 'group 2',
        done: storage.groups.storeGroupMessage(app.key, groupMessage(`${tag}-2`, 'ivy'), []),
      },
      { name: 'room 2', done: storage.rooms.addRoomMessage(app.key, room1(2), 100) },
      { name: 'read by jo', done: storage.groups.storeGroupRead(app.key, read, 'jo', eventTime) },
    ];
    if (bad) {
      writes.splice(3, 0, {
        name: 'bad',
        done: storage.storeEvent(
          app.key,
          {
            kind: 'delivered',
            from: 'jo',
            to: 'nobody',
            chatType: 'singleChat',
            mid: `${tag}-y`,
            time: eventTime,
          },
          ['nobody'],
        ),
      });
    }
    const settled = await Promise.allSettled(writes.map((write) => write.done));
    const mids = [`${tag}-1`, `${tag}-2`, `${tag}-room1`, `${tag}-room2`].map((id) => `mid-${id}`);
    return { settled, names: writes.map((write) => write.name), mids, eventTime };
  }

  it('writes group and room messages, receipts, group reads and events that arrive together in one transaction', async () => {
    const before = Object.fromEntries(
      await Promise.all(members.map(async (name) => [name, (await inboxOf(name, 0)).length])),
    ) as Record<string, number>;
    const { settled, mids, eventTime } = await mixedBurst('mixed', 7001, false);
    assert.deepEqual(
      settled.map((result) => result.status),
      settled.map(() => 'fulfilled'),
    );
    assert.equal((await allWriters({ mids, eventTime })).size, 1, 'one transaction');
    // Each member's inbox runs on with no gap: the earlier message, then the burst's writes.
    for (const name of members) {
      const inbox = await inboxOf(name, 0);
      assert.deepEqual(
        inbox.map((entry) => entry.seq),
        Array.from({ length: inbox.length }, (_, n) => n + 1),
        name,
      );
      assert.ok(inbox.length > before[name]!, name);
    }
    assert.deepEqual(
      (await inboxOf('ivy', before.ivy!)).map((entry) => entry.holds),
      ['mid-mixed-0', 'mid-mixed-1', 'delivered', 'contact', 'mid-mixed-2'],
    );
    assert.deepEqual(
      (await inboxOf('gus', before.gus!)).map((entry) => entry.holds),
      ['mid-mixed-0', 'mid-mixed-1', 'read', 'mid-mixed-2', 'read'],
      "the sender gets each member's read (group acks)",
    );
    assert.equal((await other.rooms.roomMessages(app.key, room.id, 10)).length, 2);
  });

  it('retries the others of a mixed batch without the one that fails, with no seq gap', async () => {
    const before = (await inboxOf('ivy', 0)).length;
    const { settled, names, mids, eventTime } = await mixedBurst('mixbad', 7002, true);
    assert.deepEqual(
      names.filter((_, n) => settled[n]!.status === 'rejected'),
      ['bad'],
    );
    assert.match(String((settled[3] as PromiseRejectedResult).reason), /nobody/);
    assert.equal((await allWriters({ mids, eventTime })).size, 1, 'the others in one transaction');
    const inbox = await inboxOf('ivy', before);
    assert.deepEqual(
      inbox.map((entry) => entry.seq),
      Array.from({ length: 5 }, (_, n) => before + n + 1),
    );
    assert.deepEqual(
      inbox.map((entry) => entry.holds),
      ['mid-mixbad-0', 'mid-mixbad-1', 'delivered', 'contact', 'mid-mixbad-2'],
    );
  });
});
