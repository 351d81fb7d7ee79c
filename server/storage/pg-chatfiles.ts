/**
 * Chat files' records and download grants in PostgreSQL ({@link PgStorage} hands their methods
 * here, as SQLite's sqlite-chatfiles.ts); the bytes are the FileStore's (file-store.ts).
 */
import { one, type PgDatabase } from './pg-database.js';
import { toChatfile, type ChatfileRow } from './rows.js';
import type { ChatfileRecord } from './storage.js';

export class PgChatfiles {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async addChatfile(file: ChatfileRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO chatfiles (app_key, uuid, uploader, secret_hash, size, content_type, filename,
         created)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        file.appKey,
        file.uuid,
        file.uploader,
        file.secretHash,
        file.size,
        file.contentType,
        file.filename,
        file.created,
      ],
    );
  }

  async getChatfile(appKey: string, uuid: string): Promise<ChatfileRecord | undefined> {
    const row = await one<ChatfileRow>(
      this.#db,
      'SELECT * FROM chatfiles WHERE app_key = $1 AND uuid = $2',
      [appKey, uuid],
    );
    return row && toChatfile(row);
  }

  async chatfileBytes(appKey: string, uploader: string | null, since: number): Promise<number> {
    const row = await one<{ n: string }>(
      this.#db,
      `SELECT coalesce(sum(size), 0) AS n FROM chatfiles
       WHERE app_key = $1 AND ($2::text IS NULL OR uploader = $2) AND created >= $3`,
      [appKey, uploader, since],
    );
    return Number(row?.n ?? 0);
  }

  async chatfilesCreatedBetween(appKey: string, after: number, before: number) {
    const result = await this.#db.query<{ uuid: string }>(
      'SELECT uuid FROM chatfiles WHERE app_key = $1 AND created >= $2 AND created < $3',
      [appKey, after, before],
    );
    return result.rows.map((row) => row.uuid);
  }

  async hasChatfileGrant(appKey: string, uuid: string, username: string): Promise<boolean> {
    const row = await one(
      this.#db,
      'SELECT 1 FROM chatfile_grants WHERE app_key = $1 AND uuid = $2 AND username = $3',
      [appKey, uuid, username],
    );
    return row !== undefined;
  }
}
