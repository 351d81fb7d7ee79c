// Reactions in storage (server/storage/reaction-storage.ts) on both engines: one per user, message
// and reaction; at most `maxKinds` kinds per message, also when two new kinds race; read back
// earliest first; and the migration that adds the table to a store made before it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PgStorage } from '../../server/storage/pg-storage.js';
import { SqliteStorage } from '../../server/storage/sqlite-storage.js';
import type { ReactionRecord } from '../../server/storage/reaction-storage.js';
import { freshDatabase } from './support/postgres.js';
import { storageEngines } from './support/storage-engines.js';

const key = 'o#r';
const record = (mid: string, reaction: string, username: string, time: number): ReactionRecord => ({
  mid,
  reaction,
  username,
  time,
});

for (const engine of storageEngines) {
  describe(`reaction storage on ${engine.name}`, () => {
    it('keeps one reaction per user, message and reaction, and removes it', async () => {
      const { storage } = await engine.open();
      const r = storage.reactions;
      assert.equal(await r.add(key, record('m1', '👍', 'ann', 1), 20), 'added');
      assert.equal(await r.add(key, record('m1', '👍', 'ann', 2), 20), 'present');
      assert.equal(await r.add(key, record('m1', '👍', 'bob', 3), 20), 'added');
      assert.equal(await r.add(key, record('m2', '👍', 'ann', 4), 20), 'added');
      assert.equal(await r.add('o#other', record('m1', '👍', 'ann', 5), 20), 'added');
      assert.deepEqual(await r.of(key, ['m1']), [
        record('m1', '👍', 'ann', 1),
        record('m1', '👍', 'bob', 3),
      ]);
      assert.equal(await r.remove(key, 'm1', '👍', 'ann'), true);
      assert.equal(await r.remove(key, 'm1', '👍', 'ann'), false);
      assert.equal(await r.remove(key, 'm1', '👎', 'bob'), false);
      assert.deepEqual(await r.of(key, ['m1', 'm2']), [
        record('m1', '👍', 'bob', 3),
        record('m2', '👍', 'ann', 4),
      ]);
      assert.deepEqual(await r.of(key, []), []);
      await storage.close();
    });

    it('refuses a new kind past maxKinds, never one already there', async () => {
      const { storage } = await engine.open();
      const r = storage.reactions;
      assert.equal(await r.add(key, record('m', 'a', 'ann', 1), 2), 'added');
      assert.equal(await r.add(key, record('m', 'b', 'ann', 2), 2), 'added');
      assert.equal(await r.add(key, record('m', 'c', 'bob', 3), 2), 'full');
      assert.equal(await r.add(key, record('m', 'a', 'bob', 4), 2), 'added');
      assert.equal(await r.add(key, record('other', 'c', 'bob', 5), 2), 'added');
      assert.deepEqual(
        (await r.of(key, ['m'])).map((x) => x.reaction),
        ['a', 'b', 'a'],
      );
      await storage.close();
    });

    it('lets one of two new kinds racing for the last place in, from two processes', async () => {
      const { storage, another } = await engine.open();
      const second = another();
      await storage.reactions.add(key, record('m', 'a', 'ann', 1), 2);
      const outcomes = await Promise.all([
        storage.reactions.add(key, record('m', 'b', 'bob', 2), 2),
        second.reactions.add(key, record('m', 'c', 'cy', 3), 2),
      ]);
      assert.deepEqual(outcomes.sort(), ['added', 'full']);
      assert.equal((await storage.reactions.of(key, ['m'])).length, 2);
      await Promise.all([storage.close(), second.close()]);
    });

    it('reads many messages at once', async () => {
      const { storage } = await engine.open();
      const mids = Array.from({ length: 1200 }, (_, i) => `m${i}`);
      for (const mid of ['m0', 'm700', 'm1199']) {
        await storage.reactions.add(key, record(mid, 'x', 'ann', Number(mid.slice(1))), 20);
      }
      assert.deepEqual(
        (await storage.reactions.of(key, mids)).map((x) => x.mid),
        ['m0', 'm700', 'm1199'],
      );
      await storage.close();
    });
  });
}

describe('migration to the reactions table', () => {
  it('migrates a schema-9 SQLite data dir to 10', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openwebim-v10-'));
    try {
      const path = join(dir, 'v9.sqlite');
      const made = new SqliteStorage(path);
      await made.reactions.add(key, record('m', 'a', 'ann', 1), 20);
      await made.close();
      const db = new Database(path);
      db.exec('DROP TABLE reactions');
      db.pragma('user_version = 9');
      db.close();
      const migrated = new SqliteStorage(path);
      assert.deepEqual(await migrated.reactions.of(key, ['m']), []);
      assert.equal(await migrated.reactions.add(key, record('m', 'a', 'ann', 2), 20), 'added');
      await migrated.close();
      const again = new SqliteStorage(path);
      assert.equal((await again.reactions.of(key, ['m'])).length, 1, 'migrated once');
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('migrates a schema-6 PostgreSQL database to 7', async () => {
    const url = await freshDatabase();
    const made = new PgStorage(url);
    await made.reactions.add(key, record('m', 'a', 'ann', 1), 20);
    await made.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('DROP TABLE reactions');
    await client.query('UPDATE openwebim_schema SET version = 6');
    await client.end();
    const migrated = new PgStorage(url);
    assert.deepEqual(await migrated.reactions.of(key, ['m']), []);
    assert.equal(await migrated.reactions.add(key, record('m', 'a', 'ann', 2), 20), 'added');
    await migrated.close();
  });
});
