// Group commit (server/storage/sqlite-commit.ts) on a real SQLite file: writes of one event-loop
// turn share one transaction, a bad write refuses only itself, a failed commit refuses them all.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommit } from '../../server/storage/sqlite-commit.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openwebim-commit-'));
});
after(() => rm(dir, { recursive: true, force: true }));

let files = 0;
function open() {
  files += 1;
  const db = new Database(join(dir, `c${files}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (id INTEGER PRIMARY KEY,
      parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TABLE t (v INTEGER NOT NULL UNIQUE)`);
  return db;
}

describe('GroupCommit', () => {
  it('commits the writes of one turn in one transaction, each settled after it', async () => {
    const db = open();
    const commits = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => commits.run(() => insert.run(i).changes)),
    );
    assert.deepEqual(results, Array(50).fill(1));
    assert.deepEqual(commits.stats, { commits: 1, writes: 50 });
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 50);
    db.close();
  });

  it('refuses only the write that failed, and keeps every other', async () => {
    const db = open();
    const commits = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const outcomes = await Promise.allSettled([
      commits.run(() => insert.run(1)),
      commits.run(() => insert.run(1)), // UNIQUE fails
      commits.run(() => insert.run(2)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const values = db.prepare('SELECT v FROM t ORDER BY v').pluck().all();
    assert.deepEqual(values, [1, 2]);
    db.close();
  });

  it('refuses the whole batch when the commit itself fails', async () => {
    const db = open();
    const commits = new GroupCommit(db);
    // A deferred foreign key is checked at COMMIT: a real commit failure, not a mock.
    const outcomes = await Promise.allSettled([
      commits.run(() => db.prepare('INSERT INTO t (v) VALUES (7)').run()),
      commits.run(() => db.prepare('INSERT INTO child (id, parent) VALUES (1, 99)').run()),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 0);
    assert.equal(db.inTransaction, false);
    db.close();
  });
});
