// Issue 9's storage (server/storage/visitor-storage.ts) on every engine: app guest settings and
// credentials, guests, attributes, app tokens, the retention sweep; and the migration that adds
// its tables to a data dir (SQLite 6 → 7) or database (PostgreSQL 3 → 4) made before it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PgStorage } from '../../server/storage/pg-storage.js';
import { SqliteStorage } from '../../server/storage/sqlite-storage.js';
import type { AppRecord, NewMessage, Storage, UserRecord } from '../../server/storage/storage.js';
import { storageEngines } from './support/storage-engines.js';
import { freshDatabase } from './support/postgres.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const app: AppRecord = {
  key: 'o#v',
  org: 'o',
  name: 'v',
  uuid: 'app-uuid',
  maxUsers: 4,
  closedRegistration: false,
  origins: null,
  tokenTtlSeconds: null,
  maxMessageBytes: null,
  maxFileBytes: null,
  recallSeconds: null,
  maxGroupMembers: null,
  roomAdmins: [],
  created: 1,
};

const user = (username: string, created = 1): UserRecord => ({
  uuid: `uuid-${username}`,
  appKey: app.key,
  username,
  passwordHash: 'scrypt$…',
  nickname: null,
  created,
  modified: created,
});

const message = (clientId: string, from: string, to: string, time: number): NewMessage => ({
  mid: `mid-${clientId}`,
  clientId,
  from,
  to,
  chatType: 'singleChat',
  type: 'txt',
  body: JSON.stringify({ type: 'txt', msg: clientId }),
  ext: '{}',
  time,
  files: [],
});

for (const engine of storageEngines) {
  describe(`visitor storage on ${engine.name}`, () => {
    it('keeps the app guest settings and credentials, defaults when never set', async () => {
      const { storage, another } = await engine.open();
      const v = storage.visitors;
      assert.deepEqual(await v.appSettings(app.key), { guests: false, guestRetentionDays: null });
      assert.equal(await v.credentials(app.key), undefined);
      await v.setAppSettings(app.key, { guests: true, guestRetentionDays: 3 });
      await v.setCredentials(app.key, { clientId: 'id1', secretHash: 'h1' });
      await v.setCredentials(app.key, { clientId: 'id1', secretHash: 'h2' });
      await storage.close();
      const again = another();
      assert.deepEqual(await again.visitors.appSettings(app.key), {
        guests: true,
        guestRetentionDays: 3,
      });
      assert.deepEqual(await again.visitors.credentials(app.key), {
        clientId: 'id1',
        secretHash: 'h2',
      });
      await again.close();
    });

    it('creates guests atomically with the user, within maxUsers, and knows them', async () => {
      const { storage } = await engine.open();
      const v = storage.visitors;
      await storage.addApp(app);
      assert.equal(await storage.createUser(user('ann'), app.maxUsers), 'created');
      assert.equal(await v.createGuest(user('guest-a'), app.maxUsers), 'created');
      assert.equal(await v.createGuest(user('guest-a'), app.maxUsers), 'duplicate');
      assert.equal(await v.createGuest(user('ann'), app.maxUsers), 'duplicate');
      assert.equal(await v.isGuest(app.key, 'guest-a'), true);
      assert.equal(await v.isGuest(app.key, 'ann'), false);
      assert.equal((await storage.getUser(app.key, 'guest-a'))?.uuid, 'uuid-guest-a');
      assert.equal(await v.createGuest(user('guest-b'), app.maxUsers), 'created');
      assert.equal(await v.createGuest(user('guest-c'), app.maxUsers), 'created');
      assert.equal(await v.createGuest(user('guest-d'), app.maxUsers), 'limit-reached');
      assert.equal(await v.isGuest(app.key, 'guest-d'), false);
      await storage.close();
    });

    it('sets and reads attributes, nickname in the user row, "" removing one', async () => {
      const { storage } = await engine.open();
      const v = storage.visitors;
      await storage.addApp(app);
      await storage.createUser(user('ann'), null);
      await storage.createUser(user('ben'), null);
      assert.equal(await v.setMetadata(app.key, 'ann', { nickname: 'Ann', mail: 'a@x' }, 5), true);
      assert.equal(await v.setMetadata(app.key, 'nobody', { mail: 'n@x' }, 5), false);
      assert.equal((await storage.getUser(app.key, 'ann'))?.nickname, 'Ann');
      assert.deepEqual(await v.metadata(app.key, ['ann', 'ben', 'nobody', 'ann']), {
        ann: { mail: 'a@x', nickname: 'Ann' },
        ben: {},
      });
      await v.setMetadata(app.key, 'ann', { mail: '', phone: '1' }, 6);
      assert.deepEqual(await v.metadata(app.key, ['ann']), {
        ann: { nickname: 'Ann', phone: '1' },
      });
      assert.deepEqual(await v.metadata(app.key, []), {});
      await storage.close();
    });

    it('keeps app tokens apart from user tokens, and forgets expired ones', async () => {
      const { storage } = await engine.open();
      const v = storage.visitors;
      await v.saveAppToken('h-app', { appKey: app.key, expiresAt: 100 });
      assert.deepEqual(await v.appToken('h-app'), { appKey: app.key, expiresAt: 100 });
      assert.equal(await storage.getToken('h-app'), undefined, 'not a user token');
      await storage.saveToken('h-user', { appKey: app.key, username: 'ann', expiresAt: 100 });
      assert.equal(await v.appToken('h-user'), undefined, 'not an app token');
      await v.deleteAppTokensExpiredBefore(101);
      assert.equal(await v.appToken('h-app'), undefined);
      await storage.close();
    });

    it('removes idle guests with their messages, receipts, tokens and files; keeps the active', async () => {
      const { storage } = await engine.open();
      const v = storage.visitors;
      await storage.addApp(app);
      await storage.createUser(user('team'), null);
      await storage.createUser(user('other'), null);
      await v.createGuest(user('guest-idle', 10), null);
      await v.createGuest(user('guest-talks', 10), null);
      await v.createGuest(user('guest-back', 10), null);
      await v.createGuest(user('guest-token', 10), null);
      // guest-idle wrote at 20 and uploaded a file; the team answered at 30.
      await storage.addChatfile({
        appKey: app.key,
        uuid: 'file-1',
        uploader: 'guest-idle',
        secretHash: 'x',
        size: 3,
        contentType: 'text/plain',
        filename: 'a.txt',
        created: 20,
      });
      const asked = await storage.storeMessage(app.key, {
        ...message('q1', 'guest-idle', 'team', 20),
        files: ['file-1'],
      });
      await storage.storeMessage(app.key, message('a1', 'team', 'guest-idle', 30));
      await storage.storeEvent(
        app.key,
        {
          kind: 'read',
          from: 'team',
          to: 'guest-idle',
          chatType: 'singleChat',
          mid: asked.message.mid,
          time: 31,
        },
        ['team', 'guest-idle'],
        { reader: 'team', peer: 'guest-idle', mid: asked.message.mid },
      );
      await storage.saveToken('t-idle', { appKey: app.key, username: 'guest-idle', expiresAt: 50 });
      await storage.storeMessage(app.key, message('k1', 'team', 'other', 40));
      // guest-talks had a message at 500; guest-back signed in again at 600; guest-token holds a
      // token valid until 2000.
      await storage.storeMessage(app.key, message('t1', 'guest-talks', 'team', 500));
      await v.touchGuest(app.key, 'guest-back', 600);
      await v.touchGuest(app.key, 'guest-back', 5); // never back in time
      await storage.saveToken('t-kept', {
        appKey: app.key,
        username: 'guest-token',
        expiresAt: 2000,
      });

      const removed = await v.removeIdleGuests(app.key, 100, 1000, 10);
      assert.deepEqual(removed, [{ username: 'guest-idle', files: ['file-1'] }]);
      assert.equal(await storage.getUser(app.key, 'guest-idle'), undefined);
      assert.equal(await v.isGuest(app.key, 'guest-idle'), false);
      assert.equal(await storage.getToken('t-idle'), undefined);
      // The file's row stays, nobody's, until its bytes are deleted; then it goes.
      assert.equal((await storage.getChatfile(app.key, 'file-1'))?.uploader, '');
      assert.equal(await storage.hasChatfileGrant(app.key, 'file-1', 'team'), false);
      assert.deepEqual(await v.removedFiles(app.key), ['file-1']);
      await v.forgetRemovedFiles(app.key, ['file-1']);
      assert.equal(await storage.getChatfile(app.key, 'file-1'), undefined);
      assert.deepEqual(await v.removedFiles(app.key), []);
      assert.equal(await storage.getMessage(app.key, asked.message.mid), undefined);
      // The team keeps its other conversations, and its inbox holds nothing of the guest.
      const conversations = await storage.conversations(app.key, 'team');
      assert.deepEqual(conversations.map((c) => c.peer).sort(), ['guest-talks', 'other']);
      const inbox = await storage.readInbox(app.key, 'team', 0, 100);
      assert.ok(
        inbox.every((entry) =>
          'message' in entry
            ? entry.message.from !== 'guest-idle' && entry.message.to !== 'guest-idle'
            : 'event' in entry
              ? entry.event.to !== 'guest-idle' && entry.event.from !== 'guest-idle'
              : true,
        ),
        JSON.stringify(inbox),
      );
      assert.equal(await v.hasConversation(app.key, 'team', 'guest-idle'), false);
      assert.equal(await v.hasConversation(app.key, 'team', 'guest-talks'), true);
      for (const kept of ['guest-talks', 'guest-back', 'guest-token']) {
        assert.equal(await v.isGuest(app.key, kept), true, kept);
      }
      // Later, with every guest idle (and the token expired), all go; members never do.
      const later = await v.removeIdleGuests(app.key, 3000, 3000, 10);
      assert.deepEqual(later.map((g) => g.username).sort(), [
        'guest-back',
        'guest-talks',
        'guest-token',
      ]);
      assert.ok(await storage.getUser(app.key, 'team'));
      assert.deepEqual(
        (await storage.conversations(app.key, 'team')).map((c) => c.peer),
        ['other'],
      );
      assert.deepEqual(await v.removeIdleGuests(app.key, 3000, 3000, 10), []);
      await storage.close();
    });
  });
}

describe('visitor storage: one sweeper at a time on PostgreSQL', () => {
  it('two processes sweeping at once remove each guest once', async () => {
    const url = await freshDatabase();
    const a = new PgStorage(url);
    const b = new PgStorage(url);
    await a.addApp(app);
    for (let i = 0; i < 3; i++) await a.visitors.createGuest(user(`guest-${i}`, 1), null);
    const [one, two] = await Promise.all([
      a.visitors.removeIdleGuests(app.key, 100, 100, 10),
      b.visitors.removeIdleGuests(app.key, 100, 100, 10),
    ]);
    assert.equal(one.length + two.length, 3, JSON.stringify({ one, two }));
    await Promise.all([a.close(), b.close()]);
  });
});

/** Drops issue 9's tables, as a store made before it had none of them. */
const issue9Tables = ['app_visitors', 'guests', 'user_metadata', 'app_tokens'];
/**
 * What the migrations after the visitors' one added (issue 14's moderation: SQLite 8, PostgreSQL 5),
 * undone so that a database made today stands for one of before the visitors' migration.
 */
const laterMigrationUndo = [
  'DROP TABLE group_bans',
  'DROP TABLE room_roles',
  ...['chat_groups', 'rooms'].flatMap((table) => [
    `ALTER TABLE ${table} DROP COLUMN announcement`,
    `ALTER TABLE ${table} DROP COLUMN all_muted`,
  ]),
];

async function checkMigrated(storage: Storage) {
  assert.equal((await storage.getUser(app.key, 'ann'))?.uuid, 'uuid-ann', 'old rows kept');
  await storage.visitors.setAppSettings(app.key, { guests: true, guestRetentionDays: null });
  assert.equal((await storage.visitors.appSettings(app.key)).guests, true);
  assert.equal(await storage.visitors.createGuest(user('guest-m'), null), 'created');
  assert.equal(await storage.visitors.isGuest(app.key, 'guest-m'), true);
}

describe('migrations to the visitor tables', () => {
  it('migrates a schema-6 SQLite data dir to 7, keeping its rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openwebim-v7-'));
    try {
      const path = join(dir, 'v6.sqlite');
      const made = new SqliteStorage(path);
      await made.addApp(app);
      await made.createUser(user('ann'), null);
      await made.close();
      const db = new Database(path);
      for (const table of issue9Tables) db.exec(`DROP TABLE ${table}`);
      for (const statement of laterMigrationUndo) db.exec(statement);
      db.pragma('user_version = 6');
      db.close();

      const migrated = new SqliteStorage(path);
      await checkMigrated(migrated);
      await migrated.close();
      const again = new SqliteStorage(path);
      assert.equal(await again.visitors.isGuest(app.key, 'guest-m'), true, 'migrated once');
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('migrates a schema-3 PostgreSQL database to 4, keeping its rows', async () => {
    const url = await freshDatabase();
    const made = new PgStorage(url);
    await made.addApp(app);
    await made.createUser(user('ann'), null);
    await made.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const table of issue9Tables) await client.query(`DROP TABLE ${table}`);
    for (const statement of laterMigrationUndo) await client.query(statement);
    await client.query('UPDATE openwebim_schema SET version = 3');
    await client.end();

    const migrated = new PgStorage(url);
    await checkMigrated(migrated);
    await migrated.close();
  });
});
