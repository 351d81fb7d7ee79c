/**
 * The storage engines every storage test runs on: the SQLite file and PostgreSQL. A suite loops
 * over {@link storageEngines} and opens a fresh store per test, so one test body covers both
 * (`describe(engine.name, ...)`), never a copy per engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { PgStorage } from '../../../server/storage/pg-storage.js';
import { SqliteStorage } from '../../../server/storage/sqlite-storage.js';
import type { Storage } from '../../../server/storage/storage.js';
import { freshDatabase } from './postgres.js';

/** One fresh store; `another()` opens a second handle on the same data (a second process). */
export interface OpenedStorage {
  storage: Storage;
  another(): Storage;
}

export interface StorageEngine {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenedStorage>;
}

let dir: Promise<string> | undefined;
const tempDir = () => (dir ??= mkdtemp(join(tmpdir(), 'openwebim-storage-')));
// Registered at load, so it runs after the whole file (a hook made inside a test would run after it).
after(async () => {
  if (dir) await rm(await dir, { recursive: true, force: true });
});

let files = 0;

export const storageEngines: StorageEngine[] = [
  {
    name: 'sqlite',
    async open() {
      files += 1;
      const path = join(await tempDir(), `s${files}.sqlite`);
      return { storage: new SqliteStorage(path), another: () => new SqliteStorage(path) };
    },
  },
  {
    name: 'postgres',
    async open() {
      const url = await freshDatabase();
      return { storage: new PgStorage(url), another: () => new PgStorage(url) };
    },
  },
];
