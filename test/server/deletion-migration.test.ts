// The migration that adds delete for me's tables (deleted_messages, conversation_clears: SQLite
// schema 11, PostgreSQL migration 8) to data written before them. Each engine's data is made by a
// real server, rolled back to the schema before (the tables dropped, the version set back), and
// opened by a server again: the tables are there, the messages, conversations and unread counts
// written before are as they were, and deleting for me works on them. Opened once more, nothing
// migrates twice.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { ConversationsResponse, HistoryResponse } from '../../src/protocol/rest.js';
import type { ServerConfig } from '../../server/config.js';
import { PG_SCHEMA_VERSION } from '../../server/storage/pg-schema.js';
import { SCHEMA_VERSION } from '../../server/storage/sqlite-schema.js';
import { freshDatabase } from './support/postgres.js';
import {
  DEMO,
  connectSynced,
  newUser,
  ok,
  rest,
  sendText,
  startTestServer,
  token,
  type TestUser,
} from './support/test-server.js';

const TABLES = ['conversation_clears', 'deleted_messages'];
/** What later versions added (schema 12, migration 9): undone too when rolling back. */
const LATER = 'ALTER TABLE group_members DROP COLUMN attributes';

/** Runs SQL on the engine's data while no server has it open. */
interface Engine {
  name: string;
  /** The schema version that has the tables, and the one before. */
  versions: [before: number, after: number];
  config(): Promise<Partial<ServerConfig>>;
  /** Drops the deletion tables and sets the schema back to before them. */
  rollBack(config: Partial<ServerConfig>): Promise<void>;
  /** The deletion tables that exist, sorted, and the schema's version. */
  schema(config: Partial<ServerConfig>): Promise<{ tables: string[]; version: number }>;
  cleanUp(config: Partial<ServerConfig>): Promise<void>;
}

const sqliteFile = (config: Partial<ServerConfig>) => join(config.dataDir!, 'openwebim.sqlite');

const sqlite: Engine = {
  name: 'SQLite, schema 10',
  versions: [10, SCHEMA_VERSION],
  config: async () => ({ dataDir: await mkdtemp(join(tmpdir(), 'openwebim-v11-')) }),
  async rollBack(config) {
    const db = new Database(sqliteFile(config));
    for (const table of TABLES) db.exec(`DROP TABLE ${table}`);
    db.exec(LATER);
    db.pragma('user_version = 10');
    db.close();
  },
  async schema(config) {
    const db = new Database(sqliteFile(config), { readonly: true });
    const rows = db
      .prepare<string[], { name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?) ORDER BY name`,
      )
      .all(...TABLES);
    const version = db.pragma('user_version', { simple: true }) as number;
    db.close();
    return { tables: rows.map((row) => row.name), version };
  },
  cleanUp: (config) => rm(config.dataDir!, { recursive: true, force: true }),
};

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const postgres: Engine = {
  name: 'PostgreSQL, migration 7',
  versions: [7, PG_SCHEMA_VERSION],
  config: async () => ({ databaseUrl: await freshDatabase() }),
  rollBack: (config) =>
    withClient(config.databaseUrl!, async (client) => {
      for (const table of TABLES) await client.query(`DROP TABLE ${table}`);
      await client.query(LATER);
      await client.query('UPDATE openwebim_schema SET version = 7');
    }),
  schema: (config) =>
    withClient(config.databaseUrl!, async (client) => {
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM openwebim_schema',
      );
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY table_name`,
        [TABLES],
      );
      return { tables: tables.rows.map((row) => row.table_name), version: rows[0]!.version };
    }),
  cleanUp: async () => undefined,
};

for (const engine of [sqlite, postgres]) {
  describe(`migration to delete for me's tables from ${engine.name}`, () => {
    it('adds the tables, keeps what was written before, and deletes for me on it', async () => {
      const config = await engine.config();
      try {
        // Written by a server of today, then rolled back to the schema before delete for me.
        let server = await startTestServer(config);
        const alice = await newUser(server.url);
        const bob = await newUser(server.url);
        const { socket } = await connectSynced(server.url, alice);
        const mids: string[] = [];
        for (const text of ['one', 'two', 'three']) {
          const id = sendText(socket, bob.username, text);
          mids.push((await socket.next('ack', (a) => a.id === id)).mid);
        }
        socket.close();
        await server.close();
        await engine.rollBack(config);
        const [before, after] = engine.versions;
        assert.deepEqual(await engine.schema(config), { tables: [], version: before });

        server = await startTestServer(config);
        assert.deepEqual(await engine.schema(config), { tables: TABLES, version: after });
        let url = server.url;
        // The same users, signed in again on the migrated data.
        const signIn = async (user: TestUser): Promise<TestUser> => ({
          username: user.username,
          token: (await token(url, DEMO, user.username)).access_token,
        });
        const [a, b] = [await signIn(alice), await signIn(bob)];
        const history = async (user: TestUser, peer: string) =>
          (
            await ok(
              rest<HistoryResponse>(
                url,
                user,
                'GET',
                `/users/${user.username}/messages?peer=${peer}&chatType=singleChat&limit=50`,
              ),
            )
          ).messages.map((m) => (m.type === 'txt' ? m.msg : m.type));
        const listed = async (user: TestUser) =>
          (
            await ok(
              rest<ConversationsResponse>(
                url,
                user,
                'GET',
                `/users/${user.username}/user_channels`,
              ),
            )
          ).entities.map((c) => ({ peer: c.peer, unread: c.unread }));

        assert.deepEqual(await history(b, a.username), ['three', 'two', 'one']);
        assert.deepEqual(await listed(b), [{ peer: a.username, unread: 3 }]);

        // Delete for me works on data from before: bob deletes one, then the whole conversation.
        await ok(
          rest(
            url,
            b,
            'DELETE',
            `/users/${b.username}/messages?targetId=${a.username}&chatType=singleChat&messageIds=${mids[1]}`,
          ),
        );
        assert.deepEqual(await history(b, a.username), ['three', 'one']);
        assert.deepEqual(await listed(b), [{ peer: a.username, unread: 2 }]);
        await ok(
          rest(
            url,
            b,
            'DELETE',
            `/users/${b.username}/user_channels?channel=${a.username}&chatType=singleChat&deleteRoam=true`,
          ),
        );
        assert.deepEqual(await history(b, a.username), []);
        assert.deepEqual(await listed(b), []);
        // Alice keeps hers.
        assert.deepEqual(await history(a, b.username), ['three', 'two', 'one']);
        await server.close();

        // Opened once more: no migration runs again, and the deletions stay.
        server = await startTestServer(config);
        url = server.url;
        assert.deepEqual(await engine.schema(config), { tables: TABLES, version: after });
        assert.deepEqual(await history(await signIn(b), a.username), []);
        assert.deepEqual(await history(await signIn(a), b.username), ['three', 'two', 'one']);
        await server.close();
      } finally {
        await engine.cleanUp(config);
      }
    });
  });
}
