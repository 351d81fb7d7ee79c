/**
 * Apps in PostgreSQL ({@link PgStorage} hands their methods here, as SQLite's sqlite-apps.ts): an
 * app's settings are one row, written by the CLI (`app add`, `app set`) and read by the server for
 * every request that names the app key.
 */
import { all, one, run, type PgDatabase } from './pg-database.js';
import { appValues } from './pg-rows.js';
import { toApp, type AppRow } from './rows.js';
import type { AppRecord } from './storage.js';

const appColumns = `key, org, name, uuid, max_users, closed_registration, origins, token_ttl,
  max_message_bytes, max_file_bytes, recall_seconds, max_group_members, room_admins, created,
  max_sessions_per_user, user_upload_quota_bytes, app_upload_quota_bytes, chatfile_ttl_days`;

export class PgApps {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async getApp(key: string): Promise<AppRecord | undefined> {
    const row = await one<AppRow>(this.#db, 'SELECT * FROM apps WHERE key = $1', [key]);
    return row && toApp(row);
  }

  async listApps(): Promise<AppRecord[]> {
    return (await all<AppRow>(this.#db, 'SELECT * FROM apps ORDER BY created, key', [])).map(toApp);
  }

  async addApp(app: AppRecord): Promise<boolean> {
    const changed = await run(
      this.#db,
      `INSERT INTO apps (${appColumns})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (key) DO NOTHING`,
      appValues(app),
    );
    return changed === 1;
  }

  async updateApp(app: AppRecord): Promise<boolean> {
    const values = appValues(app);
    const changed = await run(
      this.#db,
      `UPDATE apps SET max_users = $2, closed_registration = $3, origins = $4, token_ttl = $5,
         max_message_bytes = $6, max_file_bytes = $7, recall_seconds = $8,
         max_group_members = $9, room_admins = $10, max_sessions_per_user = $11,
         user_upload_quota_bytes = $12, app_upload_quota_bytes = $13, chatfile_ttl_days = $14
       WHERE key = $1`,
      [values[0], ...values.slice(4, 13), ...values.slice(14, 18)],
    );
    return changed === 1;
  }
}
