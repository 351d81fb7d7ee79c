/**
 * The PostgreSQL schema, created and migrated at start. Several processes may start at once: the
 * migration runs in one transaction under an advisory lock, so exactly one of them creates or
 * migrates and the others find it done. The tables mirror the SQLite ones (schema 4 there) with
 * PostgreSQL types: BOOLEAN flags, BIGINT times, identity ids.
 */
import type { PgDatabase } from './pg-database.js';
import { pgMigrationTo7 } from './pg-reactions.js';
import { pgMigrationTo8 } from './pg-deletions.js';
import { pgMigrationTo9 } from './pg-member-attributes.js';
import { pgMigrationTo4 } from './pg-visitors.js';

/** Migrations in order; `migrations[n - 1]` takes the schema from version n - 1 to n. */
const migrations = [
  `
CREATE TABLE apps (
  key TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  name TEXT NOT NULL,
  uuid TEXT NOT NULL,
  max_users BIGINT,
  closed_registration BOOLEAN NOT NULL DEFAULT false,
  origins TEXT,
  token_ttl BIGINT,
  max_message_bytes BIGINT,
  max_file_bytes BIGINT,
  recall_seconds BIGINT,
  max_group_members BIGINT,
  room_admins TEXT,
  created BIGINT NOT NULL
);
CREATE TABLE users (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  uuid TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  nickname TEXT,
  created BIGINT NOT NULL,
  modified BIGINT NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0,
  cursor BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, username)
);
CREATE TABLE push_tokens (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  device_id TEXT NOT NULL,
  device_token TEXT NOT NULL,
  notifier_name TEXT NOT NULL,
  modified BIGINT NOT NULL,
  PRIMARY KEY (app_key, username, device_id)
);
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_expiry ON tokens (expires_at);
CREATE TABLE messages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  ext TEXT NOT NULL,
  time BIGINT NOT NULL,
  -- 1:1: both usernames sorted, space-separated; group: the group id.
  conv TEXT NOT NULL,
  recalled BOOLEAN NOT NULL DEFAULT false,
  allow_group_ack BOOLEAN NOT NULL DEFAULT false,
  UNIQUE (app_key, from_user, client_id)
);
CREATE INDEX messages_conv ON messages (app_key, conv, id);
CREATE TABLE inbox (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  seq BIGINT NOT NULL,
  message_id BIGINT NOT NULL REFERENCES messages (id),
  PRIMARY KEY (app_key, username, seq)
);
CREATE INDEX inbox_message ON inbox (message_id);
CREATE TABLE inbox_events (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  mid TEXT,
  time BIGINT NOT NULL,
  -- The whole event as JSON when the columns cannot hold it (contact, group, group read).
  data TEXT,
  PRIMARY KEY (app_key, username, seq)
);
CREATE INDEX inbox_events_mid ON inbox_events (app_key, mid);
CREATE TABLE device_cursors (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  device_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (app_key, username, device_id)
);
CREATE TABLE conversations (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  peer TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  conv TEXT NOT NULL,
  last_id BIGINT,
  read_id BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, username, peer)
);
CREATE INDEX conversations_peer ON conversations (app_key, peer);
CREATE TABLE chatfiles (
  app_key TEXT NOT NULL,
  uuid TEXT NOT NULL,
  uploader TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  size BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  filename TEXT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (app_key, uuid)
);
CREATE TABLE chatfile_grants (
  app_key TEXT NOT NULL,
  uuid TEXT NOT NULL,
  username TEXT NOT NULL,
  PRIMARY KEY (app_key, uuid, username)
);
CREATE TABLE contacts (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  contact TEXT NOT NULL,
  since BIGINT NOT NULL,
  PRIMARY KEY (app_key, username, contact)
);
CREATE TABLE contact_requests (
  app_key TEXT NOT NULL,
  from_user TEXT NOT NULL,
  to_user TEXT NOT NULL,
  message TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (app_key, from_user, to_user)
);
CREATE INDEX contact_requests_to ON contact_requests (app_key, to_user);
CREATE TABLE blocks (
  app_key TEXT NOT NULL,
  blocker TEXT NOT NULL,
  blocked TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (app_key, blocker, blocked)
);
CREATE INDEX blocks_blocked ON blocks (app_key, blocked);
CREATE TABLE chat_groups (
  app_key TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  public BOOLEAN NOT NULL,
  approval BOOLEAN NOT NULL,
  allow_invites BOOLEAN NOT NULL,
  invite_need_confirm BOOLEAN NOT NULL,
  max_users BIGINT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (app_key, id)
);
CREATE INDEX chat_groups_public ON chat_groups (app_key, public, id);
CREATE TABLE group_members (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  mute_until BIGINT,
  joined BIGINT NOT NULL,
  PRIMARY KEY (app_key, gid, username)
);
CREATE INDEX group_members_user ON group_members (app_key, username);
CREATE TABLE group_invitations (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  invitee TEXT NOT NULL,
  inviter TEXT NOT NULL,
  reason TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (app_key, gid, invitee)
);
CREATE TABLE group_applications (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  applicant TEXT NOT NULL,
  reason TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (app_key, gid, applicant)
);
CREATE TABLE group_reads (
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL,
  reader TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (app_key, mid, reader)
);
CREATE TABLE rooms (
  app_key TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  max_users BIGINT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (app_key, id)
);
CREATE TABLE room_members (
  app_key TEXT NOT NULL,
  room_id TEXT NOT NULL,
  username TEXT NOT NULL,
  joined BIGINT NOT NULL,
  PRIMARY KEY (app_key, room_id, username)
);
CREATE INDEX room_members_user ON room_members (app_key, username);
CREATE TABLE room_messages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_key TEXT NOT NULL,
  room_id TEXT NOT NULL,
  mid TEXT NOT NULL,
  client_id TEXT NOT NULL,
  from_user TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  ext TEXT NOT NULL,
  time BIGINT NOT NULL
);
CREATE INDEX room_messages_room ON room_messages (app_key, room_id, id);
`,
  // 2: the app settings of SQLite's schema 5 (sessions per user, upload quotas, file lifetime).
  `
ALTER TABLE apps ADD COLUMN max_sessions_per_user BIGINT;
ALTER TABLE apps ADD COLUMN user_upload_quota_bytes BIGINT;
ALTER TABLE apps ADD COLUMN app_upload_quota_bytes BIGINT;
ALTER TABLE apps ADD COLUMN chatfile_ttl_days BIGINT;
`,
  // 3 (issue 14): a text message's edits (who last, when, how many).
  `
ALTER TABLE messages ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_by TEXT;
ALTER TABLE messages ADD COLUMN edited_at BIGINT;
`,
  // 4 (issue 9): guests, app credentials and tokens, user attributes (pg-visitors.ts).
  pgMigrationTo4,
  // 5 (issue 14): moderation of groups and rooms, as SQLite's schema 8.
  `
ALTER TABLE chat_groups ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_groups ADD COLUMN all_muted BOOLEAN NOT NULL DEFAULT false;
CREATE TABLE group_bans (
  app_key TEXT NOT NULL,
  gid TEXT NOT NULL,
  username TEXT NOT NULL,
  by_user TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (app_key, gid, username)
);
ALTER TABLE rooms ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN all_muted BOOLEAN NOT NULL DEFAULT false;
CREATE TABLE room_roles (
  app_key TEXT NOT NULL,
  room_id TEXT NOT NULL,
  username TEXT NOT NULL,
  admin BOOLEAN NOT NULL DEFAULT false,
  mute_until BIGINT,
  banned BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (app_key, room_id, username)
);
`,
  // 6 (issue 14): messages reported to the app's moderators.
  `
CREATE TABLE IF NOT EXISTS reports (
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL,
  reporter TEXT NOT NULL,
  sender TEXT NOT NULL,
  to_id TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  report_type TEXT NOT NULL,
  reason TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (app_key, mid, reporter)
);
CREATE INDEX IF NOT EXISTS reports_time ON reports (app_key, time);
`,
  // 7 (issue 14): reactions.
  pgMigrationTo7,
  // 8 (issue 14): delete for me.
  pgMigrationTo8,
  // 9 (issue 14): group member attributes.
  pgMigrationTo9,
];

export const PG_SCHEMA_VERSION = migrations.length;

/** A number of our own ("openw" in hex): the advisory lock every starting process takes to migrate. */
const MIGRATION_LOCK = 0x6f70656e77;

/** Creates or migrates the schema (idempotent; safe when several processes start at once). */
export async function migrate(db: PgDatabase): Promise<void> {
  await db.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS openwebim_schema (version INTEGER NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM openwebim_schema'))
      .rows[0];
    const version = row?.version ?? 0;
    if (version > PG_SCHEMA_VERSION) {
      throw new Error(
        `the database was written by a newer openwebim (schema ${version} > ${PG_SCHEMA_VERSION})`,
      );
    }
    for (const migration of migrations.slice(version)) await client.query(migration);
    if (row) await client.query('UPDATE openwebim_schema SET version = $1', [PG_SCHEMA_VERSION]);
    else await client.query('INSERT INTO openwebim_schema VALUES ($1)', [PG_SCHEMA_VERSION]);
  });
}
