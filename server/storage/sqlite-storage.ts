/**
 * The embedded default storage: one SQLite file, opened with better-sqlite3 (synchronous, so each
 * transaction below runs without interleaving). WAL mode lets the CLI (`app add`) write while a
 * server process reads. Every statement is prepared once; no SQL is ever built from input.
 */
import Database from 'better-sqlite3';
import type {
  AppRecord,
  CreateUserResult,
  InboxEntry,
  NewMessage,
  PushTokenRecord,
  Storage,
  StoreMessageResult,
  StoredMessage,
  TokenRecord,
  UserRecord,
} from './storage.js';

const SCHEMA_VERSION = 1;

const schema = `
CREATE TABLE IF NOT EXISTS apps (
  key TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  name TEXT NOT NULL,
  uuid TEXT NOT NULL,
  max_users INTEGER,
  closed_registration INTEGER NOT NULL DEFAULT 0,
  origins TEXT,
  token_ttl INTEGER,
  max_message_bytes INTEGER,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  uuid TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  nickname TEXT,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  cursor INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, username)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS push_tokens (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  device_id TEXT NOT NULL,
  device_token TEXT NOT NULL,
  notifier_name TEXT NOT NULL,
  modified INTEGER NOT NULL,
  PRIMARY KEY (app_key, username, device_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_expiry ON tokens (expires_at);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  ext TEXT NOT NULL,
  time INTEGER NOT NULL,
  UNIQUE (app_key, from_user, client_id)
);
CREATE TABLE IF NOT EXISTS inbox (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages (id),
  PRIMARY KEY (app_key, username, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inbox_message ON inbox (message_id);
CREATE TABLE IF NOT EXISTS device_cursors (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (app_key, username, device_id)
) WITHOUT ROWID;
`;

interface AppRow {
  key: string;
  org: string;
  name: string;
  uuid: string;
  max_users: number | null;
  closed_registration: number;
  origins: string | null;
  token_ttl: number | null;
  max_message_bytes: number | null;
  created: number;
}

interface UserRow {
  app_key: string;
  username: string;
  uuid: string;
  password_hash: string;
  nickname: string | null;
  created: number;
  modified: number;
}

interface MessageRow {
  id: number;
  mid: string;
  client_id: string;
  from_user: string;
  to_user: string;
  chat_type: string;
  type: string;
  body: string;
  ext: string;
  time: number;
}

const toApp = (row: AppRow): AppRecord => ({
  key: row.key,
  org: row.org,
  name: row.name,
  uuid: row.uuid,
  maxUsers: row.max_users,
  closedRegistration: row.closed_registration === 1,
  origins: row.origins === null ? null : (JSON.parse(row.origins) as string[]),
  tokenTtlSeconds: row.token_ttl,
  maxMessageBytes: row.max_message_bytes,
  created: row.created,
});

const toUser = (row: UserRow): UserRecord => ({
  uuid: row.uuid,
  appKey: row.app_key,
  username: row.username,
  passwordHash: row.password_hash,
  nickname: row.nickname,
  created: row.created,
  modified: row.modified,
});

const toMessage = (row: MessageRow): StoredMessage => ({
  mid: row.mid,
  clientId: row.client_id,
  from: row.from_user,
  to: row.to_user,
  chatType: row.chat_type,
  type: row.type,
  body: row.body,
  ext: row.ext,
  time: row.time,
});

export class SqliteStorage implements Storage {
  readonly #db: Database.Database;
  readonly #q;
  readonly #storeMessage: (appKey: string, message: NewMessage) => StoreMessageResult;
  readonly #createUser: (user: UserRecord, maxUsers: number | null) => CreateUserResult;
  readonly #raiseCursor: (appKey: string, username: string, deviceId: string, seq: number) => void;

  /** Opens (and creates or migrates) the database file at `path`. */
  constructor(path: string) {
    const db = new Database(path);
    this.#db = db;
    db.pragma('journal_mode = WAL');
    // The CLI and the server may write at the same moment; wait instead of failing.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `the data dir was written by a newer openwebim (schema ${version} > ${SCHEMA_VERSION})`,
      );
    }
    db.exec(schema);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);

    const q = {
      getApp: db.prepare<[string], AppRow>('SELECT * FROM apps WHERE key = ?'),
      listApps: db.prepare<[], AppRow>('SELECT * FROM apps ORDER BY created, key'),
      addApp: db.prepare(
        `INSERT INTO apps (key, org, name, uuid, max_users, closed_registration, origins, token_ttl,
           max_message_bytes, created)
         VALUES (@key, @org, @name, @uuid, @maxUsers, @closedRegistration, @origins, @tokenTtl,
           @maxMessageBytes, @created)
         ON CONFLICT (key) DO NOTHING`,
      ),
      countUsers: db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM users WHERE app_key = ?',
      ),
      insertUser: db.prepare(
        `INSERT INTO users (app_key, username, uuid, password_hash, nickname, created, modified)
         VALUES (@appKey, @username, @uuid, @passwordHash, @nickname, @created, @modified)
         ON CONFLICT (app_key, username) DO NOTHING`,
      ),
      getUser: db.prepare<[string, string], UserRow>(
        'SELECT * FROM users WHERE app_key = ? AND username = ?',
      ),
      updateNickname: db.prepare<[string, number, string, string]>(
        'UPDATE users SET nickname = ?, modified = ? WHERE app_key = ? AND username = ?',
      ),
      touchUser: db.prepare<[number, string, string]>(
        'UPDATE users SET modified = ? WHERE app_key = ? AND username = ?',
      ),
      savePushToken: db.prepare(
        `INSERT INTO push_tokens (app_key, username, device_id, device_token, notifier_name, modified)
         VALUES (@appKey, @username, @deviceId, @deviceToken, @notifierName, @modified)
         ON CONFLICT (app_key, username, device_id) DO UPDATE SET
           device_token = excluded.device_token,
           notifier_name = excluded.notifier_name,
           modified = excluded.modified`,
      ),
      listPushTokens: db.prepare<
        [string, string],
        { device_id: string; device_token: string; notifier_name: string }
      >(
        `SELECT device_id, device_token, notifier_name FROM push_tokens
         WHERE app_key = ? AND username = ? ORDER BY device_id`,
      ),
      saveToken: db.prepare<[string, string, string, number]>(
        'INSERT INTO tokens (hash, app_key, username, expires_at) VALUES (?, ?, ?, ?)',
      ),
      getToken: db.prepare<[string], { app_key: string; username: string; expires_at: number }>(
        'SELECT app_key, username, expires_at FROM tokens WHERE hash = ?',
      ),
      deleteExpiredTokens: db.prepare<[number]>('DELETE FROM tokens WHERE expires_at < ?'),
      findMessage: db.prepare<[string, string, string], MessageRow>(
        'SELECT * FROM messages WHERE app_key = ? AND from_user = ? AND client_id = ?',
      ),
      insertMessage: db.prepare(
        `INSERT INTO messages (app_key, mid, client_id, from_user, to_user, chat_type, type, body,
           ext, time)
         VALUES (@appKey, @mid, @clientId, @from, @to, @chatType, @type, @body, @ext, @time)`,
      ),
      nextSeq: db.prepare<[string, string], { last_seq: number }>(
        `UPDATE users SET last_seq = last_seq + 1 WHERE app_key = ? AND username = ?
         RETURNING last_seq`,
      ),
      appendInbox: db.prepare<[string, string, number, number | bigint]>(
        'INSERT INTO inbox (app_key, username, seq, message_id) VALUES (?, ?, ?, ?)',
      ),
      inboxSeqOf: db.prepare<[string, string, number], { seq: number }>(
        'SELECT seq FROM inbox WHERE app_key = ? AND username = ? AND message_id = ?',
      ),
      readInbox: db.prepare<[string, string, number, number], MessageRow & { seq: number }>(
        `SELECT i.seq, m.* FROM inbox i JOIN messages m ON m.id = i.message_id
         WHERE i.app_key = ? AND i.username = ? AND i.seq > ?
         ORDER BY i.seq LIMIT ?`,
      ),
      lastSeq: db.prepare<[string, string], { last_seq: number }>(
        'SELECT last_seq FROM users WHERE app_key = ? AND username = ?',
      ),
      getDeviceCursor: db.prepare<[string, string, string], { seq: number }>(
        'SELECT seq FROM device_cursors WHERE app_key = ? AND username = ? AND device_id = ?',
      ),
      getUserCursor: db.prepare<[string, string], { cursor: number }>(
        'SELECT cursor FROM users WHERE app_key = ? AND username = ?',
      ),
      raiseDeviceCursor: db.prepare<[string, string, string, number]>(
        `INSERT INTO device_cursors (app_key, username, device_id, seq) VALUES (?, ?, ?, ?)
         ON CONFLICT (app_key, username, device_id) DO UPDATE SET seq = max(seq, excluded.seq)`,
      ),
      raiseUserCursor: db.prepare<[number, string, string]>(
        'UPDATE users SET cursor = max(cursor, ?) WHERE app_key = ? AND username = ?',
      ),
    };
    this.#q = q;

    this.#createUser = db.transaction((user: UserRecord, maxUsers: number | null) => {
      if (q.getUser.get(user.appKey, user.username)) return 'duplicate';
      if (maxUsers !== null && (q.countUsers.get(user.appKey)?.n ?? 0) >= maxUsers) {
        return 'limit-reached';
      }
      q.insertUser.run(user);
      return 'created';
    });

    this.#storeMessage = db.transaction((appKey: string, message: NewMessage) => {
      const existing = q.findMessage.get(appKey, message.from, message.clientId);
      if (existing) {
        const senderSeq = q.inboxSeqOf.get(appKey, existing.from_user, existing.id)?.seq ?? 0;
        const recipientSeq =
          existing.to_user === existing.from_user
            ? null
            : (q.inboxSeqOf.get(appKey, existing.to_user, existing.id)?.seq ?? null);
        return { duplicate: true, message: toMessage(existing), senderSeq, recipientSeq };
      }
      const { lastInsertRowid } = q.insertMessage.run({ appKey, ...message });
      const append = (username: string): number => {
        const row = q.nextSeq.get(appKey, username);
        if (!row) throw new Error(`no user ${username} in ${appKey}`);
        q.appendInbox.run(appKey, username, row.last_seq, lastInsertRowid);
        return row.last_seq;
      };
      const senderSeq = append(message.from);
      const recipientSeq = message.to === message.from ? null : append(message.to);
      return { duplicate: false, message, senderSeq, recipientSeq };
    });

    this.#raiseCursor = db.transaction(
      (appKey: string, username: string, deviceId: string, seq: number) => {
        q.raiseDeviceCursor.run(appKey, username, deviceId, seq);
        q.raiseUserCursor.run(seq, appKey, username);
      },
    );
  }

  async getApp(key: string): Promise<AppRecord | undefined> {
    const row = this.#q.getApp.get(key);
    return row && toApp(row);
  }

  async listApps(): Promise<AppRecord[]> {
    return this.#q.listApps.all().map(toApp);
  }

  async addApp(app: AppRecord): Promise<boolean> {
    const { changes } = this.#q.addApp.run({
      key: app.key,
      org: app.org,
      name: app.name,
      uuid: app.uuid,
      maxUsers: app.maxUsers,
      closedRegistration: app.closedRegistration ? 1 : 0,
      origins: app.origins === null ? null : JSON.stringify(app.origins),
      tokenTtl: app.tokenTtlSeconds,
      maxMessageBytes: app.maxMessageBytes,
      created: app.created,
    });
    return changes === 1;
  }

  async createUser(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult> {
    return this.#createUser(user, maxUsers);
  }

  async getUser(appKey: string, username: string): Promise<UserRecord | undefined> {
    const row = this.#q.getUser.get(appKey, username);
    return row && toUser(row);
  }

  async updateNickname(appKey: string, username: string, nickname: string, at: number) {
    this.#q.updateNickname.run(nickname, at, appKey, username);
  }

  async savePushToken(appKey: string, username: string, token: PushTokenRecord, at: number) {
    this.#db.transaction(() => {
      this.#q.savePushToken.run({ appKey, username, ...token, modified: at });
      this.#q.touchUser.run(at, appKey, username);
    })();
  }

  async listPushTokens(appKey: string, username: string): Promise<PushTokenRecord[]> {
    return this.#q.listPushTokens.all(appKey, username).map((row) => ({
      deviceId: row.device_id,
      deviceToken: row.device_token,
      notifierName: row.notifier_name,
    }));
  }

  async saveToken(hash: string, token: TokenRecord): Promise<void> {
    this.#q.saveToken.run(hash, token.appKey, token.username, token.expiresAt);
  }

  async getToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.#q.getToken.get(hash);
    return row && { appKey: row.app_key, username: row.username, expiresAt: row.expires_at };
  }

  async deleteTokensExpiredBefore(time: number): Promise<void> {
    this.#q.deleteExpiredTokens.run(time);
  }

  async storeMessage(appKey: string, message: NewMessage): Promise<StoreMessageResult> {
    return this.#storeMessage(appKey, message);
  }

  async readInbox(
    appKey: string,
    username: string,
    afterSeq: number,
    limit: number,
  ): Promise<InboxEntry[]> {
    return this.#q.readInbox
      .all(appKey, username, afterSeq, limit)
      .map((row) => ({ ...toMessage(row), seq: row.seq }));
  }

  async lastSeq(appKey: string, username: string): Promise<number> {
    return this.#q.lastSeq.get(appKey, username)?.last_seq ?? 0;
  }

  async getDeviceCursor(appKey: string, username: string, deviceId: string) {
    return this.#q.getDeviceCursor.get(appKey, username, deviceId)?.seq;
  }

  async getUserCursor(appKey: string, username: string): Promise<number> {
    return this.#q.getUserCursor.get(appKey, username)?.cursor ?? 0;
  }

  async raiseCursor(appKey: string, username: string, deviceId: string, seq: number) {
    this.#raiseCursor(appKey, username, deviceId, seq);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
