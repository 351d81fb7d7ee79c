/**
 * Chat files in the embedded SQLite file: the upload's row (its bytes are in file-store.ts), the
 * quotas' sums, the expiry sweep's list, and the grants (who may download it: the participants of
 * a message that named it, written with the message in sqlite-messages.ts and sqlite-groups.ts).
 */
import type Database from 'better-sqlite3';
import { toChatfile, type ChatfileRow } from './rows.js';
import type { ChatfileRecord } from './storage.js';

export class SqliteChatfiles {
  readonly #q;

  constructor(db: Database.Database) {
    this.#q = {
      addChatfile: db.prepare(
        `INSERT INTO chatfiles (app_key, uuid, uploader, secret_hash, size, content_type, filename,
           created)
         VALUES (@appKey, @uuid, @uploader, @secretHash, @size, @contentType, @filename, @created)`,
      ),
      getChatfile: db.prepare<[string, string], ChatfileRow>(
        'SELECT * FROM chatfiles WHERE app_key = ? AND uuid = ?',
      ),
      hasGrant: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM chatfile_grants WHERE app_key = ? AND uuid = ? AND username = ?',
      ),
      // `expired = 0` (always so: expiry is decided by the app's lifetime) picks the indexes.
      userChatfileBytes: db.prepare<[string, string, number], { n: number }>(
        `SELECT coalesce(sum(size), 0) AS n FROM chatfiles
         WHERE app_key = ? AND uploader = ? AND created >= ? AND expired = 0`,
      ),
      appChatfileBytes: db.prepare<[string, number], { n: number }>(
        `SELECT coalesce(sum(size), 0) AS n FROM chatfiles
         WHERE app_key = ? AND created >= ? AND expired = 0`,
      ),
      chatfilesBetween: db.prepare<[string, number, number], { uuid: string }>(
        `SELECT uuid FROM chatfiles
         WHERE app_key = ? AND created >= ? AND created < ? AND expired = 0`,
      ),
    };
  }

  async addChatfile(file: ChatfileRecord): Promise<void> {
    this.#q.addChatfile.run(file);
  }

  async getChatfile(appKey: string, uuid: string): Promise<ChatfileRecord | undefined> {
    const row = this.#q.getChatfile.get(appKey, uuid);
    return row && toChatfile(row);
  }

  async chatfileBytes(appKey: string, uploader: string | null, since: number): Promise<number> {
    const row =
      uploader === null
        ? this.#q.appChatfileBytes.get(appKey, since)
        : this.#q.userChatfileBytes.get(appKey, uploader, since);
    return row?.n ?? 0;
  }

  async chatfilesCreatedBetween(appKey: string, after: number, before: number) {
    return this.#q.chatfilesBetween.all(appKey, after, before).map((row) => row.uuid);
  }

  async hasChatfileGrant(appKey: string, uuid: string, username: string): Promise<boolean> {
    return this.#q.hasGrant.get(appKey, uuid, username) !== undefined;
  }
}
