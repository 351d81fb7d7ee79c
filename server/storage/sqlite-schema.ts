/**
 * The embedded SQLite file's schema: the tables as schema 1 made them, each later version's
 * migration (those of groups, rooms, guests, reactions and deletions live beside their stores), and
 * {@link migrate}, which brings a file of any older version up to {@link SCHEMA_VERSION} in one
 * transaction when the storage opens it.
 */
import type Database from 'better-sqlite3';
import { migrationTo11 } from './sqlite-deletions.js';
import { migrateTo12 } from './sqlite-member-attributes.js';
import { migrationTo4 } from './sqlite-groups.js';
import { migrationTo10 } from './sqlite-reactions.js';
import { migrationTo7 } from './sqlite-visitors.js';

export const SCHEMA_VERSION = 12;

/** The tables as schema 1 made them; later versions migrate from here (also for fresh files). */
export const schemaVersion1 = `
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

/**
 * Schema 2 (issue 3): every message kind (the body becomes the whole MessageBody as JSON),
 * recall, receipts as inbox events, chatfiles, and per-user conversations with a read cursor.
 * `conv` is the two participants, sorted and space-separated, so one index serves history.
 */
export const migrationTo2 = `
ALTER TABLE apps ADD COLUMN max_file_bytes INTEGER;
ALTER TABLE apps ADD COLUMN recall_seconds INTEGER;
ALTER TABLE messages ADD COLUMN conv TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN recalled INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET
  body = json_object('type', 'txt', 'msg', body),
  conv = CASE WHEN from_user <= to_user THEN from_user || ' ' || to_user
              ELSE to_user || ' ' || from_user END;
CREATE INDEX messages_conv ON messages (app_key, conv, id);
CREATE TABLE inbox_events (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  mid TEXT,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, username, seq)
) WITHOUT ROWID;
CREATE INDEX inbox_events_mid ON inbox_events (app_key, mid);
CREATE TABLE conversations (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  peer TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  conv TEXT NOT NULL,
  -- The newest non-recalled message (messages.id); NULL when every message was recalled.
  last_id INTEGER,
  -- Messages from the peer up to this messages.id count as read.
  read_id INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, username, peer)
) WITHOUT ROWID;
INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id)
  SELECT app_key, from_user, to_user, chat_type, conv, max(id) FROM messages
  GROUP BY app_key, from_user, to_user
  ON CONFLICT DO NOTHING;
INSERT INTO conversations (app_key, username, peer, chat_type, conv, last_id)
  SELECT app_key, to_user, from_user, chat_type, conv, max(id) FROM messages
  GROUP BY app_key, to_user, from_user
  ON CONFLICT (app_key, username, peer) DO UPDATE SET last_id = max(last_id, excluded.last_id);
CREATE TABLE chatfiles (
  app_key TEXT NOT NULL,
  uuid TEXT NOT NULL,
  uploader TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  filename TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (app_key, uuid)
) WITHOUT ROWID;
CREATE TABLE chatfile_grants (
  app_key TEXT NOT NULL,
  uuid TEXT NOT NULL,
  username TEXT NOT NULL,
  PRIMARY KEY (app_key, uuid, username)
) WITHOUT ROWID;
`;

/**
 * Schema 3 (issue 4): contacts, contact requests and blocklists; inbox events gain `data`, the
 * whole contact or group event as JSON (its `kind` column is 'contact' or 'group', `to_user` the
 * other user or the group id, `chat_type` ''), so they replay with messages in one seq order.
 * A contact is two rows, one per side, so either side's list is one index range.
 */
export const migrationTo3 = `
ALTER TABLE inbox_events ADD COLUMN data TEXT;
CREATE TABLE contacts (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  contact TEXT NOT NULL,
  since INTEGER NOT NULL,
  PRIMARY KEY (app_key, username, contact)
) WITHOUT ROWID;
CREATE TABLE contact_requests (
  app_key TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  message TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, from_user, to_user)
) WITHOUT ROWID;
CREATE INDEX contact_requests_to ON contact_requests (app_key, to_user);
CREATE TABLE blocks (
  app_key TEXT NOT NULL,
  blocker TEXT NOT NULL,
  blocked TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, blocker, blocked)
) WITHOUT ROWID;
CREATE INDEX blocks_blocked ON blocks (app_key, blocked);
`;

/**
 * Schema 5 (issue 11): per-app sessions cap, upload quotas and chatfile lifetime; chatfiles whose
 * time is up keep their row (so a download can say "expired") with `expired` set and no bytes on
 * disk; tokens can be revoked per user.
 */
export const migrationTo5 = `
ALTER TABLE apps ADD COLUMN max_sessions_per_user INTEGER;
ALTER TABLE apps ADD COLUMN user_upload_quota_bytes INTEGER;
ALTER TABLE apps ADD COLUMN app_upload_quota_bytes INTEGER;
ALTER TABLE apps ADD COLUMN chatfile_ttl_days INTEGER;
ALTER TABLE chatfiles ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;
CREATE INDEX chatfiles_uploader ON chatfiles (app_key, uploader) WHERE expired = 0;
CREATE INDEX chatfiles_live ON chatfiles (created) WHERE expired = 0;
CREATE INDEX tokens_user ON tokens (app_key, username);
`;

/** Schema 6 (issue 14): a text message's edits (who last, when, how many). */
export const migrationTo6 = `
ALTER TABLE messages ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_by TEXT;
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
`;

/**
 * Schema 8 (issue 14): moderation of groups and rooms. A group's and a room's announcement and
 * "everyone muted" flag; users banned from a group; a user's standing in a room (admin, muted,
 * banned), kept apart from its members so that leaving and joining again undoes none of it.
 */
export const migrationTo8 = `
ALTER TABLE chat_groups ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_groups ADD COLUMN all_muted INTEGER NOT NULL DEFAULT 0;
CREATE TABLE group_bans (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  username TEXT NOT NULL,
  by_user TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, gid, username)
) WITHOUT ROWID;
ALTER TABLE rooms ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN all_muted INTEGER NOT NULL DEFAULT 0;
CREATE TABLE room_roles (
  app_key TEXT NOT NULL,
  room_id TEXT NOT NULL,
  username TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  mute_until INTEGER,
  banned INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, room_id, username)
) WITHOUT ROWID;
`;

/** Schema 9 (issue 14): messages reported to the app's moderators. */
export const migrationTo9 = `
CREATE TABLE IF NOT EXISTS reports (
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL,
  reporter TEXT NOT NULL,
  sender TEXT NOT NULL,
  to_id TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  report_type TEXT NOT NULL,
  reason TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (app_key, mid, reporter)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reports_time ON reports (app_key, time);
`;

/** Creates or migrates the tables of `db`, refusing a file written by a newer openwebim. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `the data dir was written by a newer openwebim (schema ${version} > ${SCHEMA_VERSION})`,
    );
  }
  db.transaction(() => {
    db.exec(schemaVersion1);
    if (version < 2) db.exec(migrationTo2);
    if (version < 3) db.exec(migrationTo3);
    if (version < 4) db.exec(migrationTo4);
    if (version < 5) db.exec(migrationTo5);
    if (version < 6) db.exec(migrationTo6);
    if (version < 7) db.exec(migrationTo7);
    if (version < 8) db.exec(migrationTo8);
    if (version < 9) db.exec(migrationTo9);
    if (version < 10) db.exec(migrationTo10);
    if (version < 11) db.exec(migrationTo11);
    if (version < 12) migrateTo12(db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
