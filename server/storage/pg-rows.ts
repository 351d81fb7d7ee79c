/**
 * What the PostgreSQL stores ({@link PgStorage} and the group store beside it) write alike: the
 * message rows with their inbox entries and chatfile grants, inbox events, and values in the order
 * of the positional statements. One definition each, so a 1:1 and a group message are stored the
 * same way. The rows they read back and the records those become are shared with SQLite (rows.ts).
 */
import { nextSeq, one, run, type Queryable } from './pg-database.js';
import type { MessageRow } from './rows.js';
import {
  MID_ATTEMPTS,
  anotherMid,
  type AppRecord,
  type CreateUserResult,
  type NewMessage,
  type UserRecord,
} from './storage.js';

/**
 * Adds `user` unless the name is taken or the app has `maxUsers` already. Run it in a transaction:
 * with a limit, the app's row is locked so that two registrations racing for the last place go
 * through one at a time. Registration and guest minting both add their users here.
 */
export async function insertUser(
  db: Queryable,
  user: UserRecord,
  maxUsers: number | null,
): Promise<CreateUserResult> {
  if (maxUsers !== null) {
    await db.query('SELECT 1 FROM apps WHERE key = $1 FOR UPDATE', [user.appKey]);
  }
  const existing = await one(db, 'SELECT 1 FROM users WHERE app_key = $1 AND username = $2', [
    user.appKey,
    user.username,
  ]);
  if (existing) return 'duplicate';
  if (maxUsers !== null) {
    const row = await one<{ n: string }>(db, 'SELECT count(*) AS n FROM users WHERE app_key = $1', [
      user.appKey,
    ]);
    if (Number(row?.n ?? 0) >= maxUsers) return 'limit-reached';
  }
  const inserted = await run(
    db,
    `INSERT INTO users (app_key, username, uuid, password_hash, nickname, created, modified)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (app_key, username) DO NOTHING`,
    [
      user.appKey,
      user.username,
      user.uuid,
      user.passwordHash,
      user.nickname,
      user.created,
      user.modified,
    ],
  );
  return inserted === 1 ? 'created' : 'duplicate';
}

/** The message `from` sent with `clientId`, if it is stored already (a resend). */
export const findSent = (db: Queryable, appKey: string, from: string, clientId: string) =>
  one<MessageRow>(
    db,
    'SELECT * FROM messages WHERE app_key = $1 AND from_user = $2 AND client_id = $3',
    [appKey, from, clientId],
  );

/**
 * Inserts the message in conversation `conv` (the caller found no message of its client id);
 * its row id and its mid (another one when {@link MID_ATTEMPTS} says so).
 */
export async function insertMessage(
  db: Queryable,
  appKey: string,
  message: Omit<NewMessage, 'files'>,
  conv: string,
): Promise<{ id: number; mid: string }> {
  let { mid } = message;
  for (let attempt = 1; ; attempt++) {
    const inserted = await insertRow(db, appKey, { ...message, mid }, conv);
    if (inserted) return { id: inserted.id, mid };
    if (attempt === MID_ATTEMPTS) throw new Error(`no free message id for ${message.clientId}`);
    mid = anotherMid();
  }
}

const insertRow = (
  db: Queryable,
  appKey: string,
  message: Omit<NewMessage, 'files'>,
  conv: string,
) =>
  one<{ id: number }>(
    db,
    `INSERT INTO messages (app_key, mid, client_id, from_user, to_user, chat_type, type, body,
       ext, time, conv, allow_group_ack)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (mid) DO NOTHING RETURNING id`,
    [
      appKey,
      message.mid,
      message.clientId,
      message.from,
      message.to,
      message.chatType,
      message.type,
      message.body,
      message.ext,
      message.time,
      conv,
      message.allowGroupAck ?? false,
    ],
  );

/** Puts message `id` in the user's inbox under their next seq (the caller holds their lock). */
export async function appendToInbox(
  db: Queryable,
  appKey: string,
  username: string,
  id: number,
): Promise<number> {
  const seq = await nextSeq(db, appKey, username);
  await db.query('INSERT INTO inbox (app_key, username, seq, message_id) VALUES ($1, $2, $3, $4)', [
    appKey,
    username,
    seq,
    id,
  ]);
  return seq;
}

/** Lets `username` download the chat file `uuid` (a message named it to them). */
export async function grantChatfile(db: Queryable, appKey: string, uuid: string, username: string) {
  await db.query(
    `INSERT INTO chatfile_grants (app_key, uuid, username) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [appKey, uuid, username],
  );
}

/** An app's columns in the order of the INSERT and UPDATE statements of pg-storage.ts. */
export const appValues = (app: AppRecord) => [
  app.key,
  app.org,
  app.name,
  app.uuid,
  app.maxUsers,
  app.closedRegistration,
  app.origins === null ? null : JSON.stringify(app.origins),
  app.tokenTtlSeconds,
  app.maxMessageBytes,
  app.maxFileBytes,
  app.recallSeconds,
  app.maxGroupMembers,
  app.roomAdmins.length === 0 ? null : JSON.stringify(app.roomAdmins),
  app.created,
  app.maxSessionsPerUser ?? null,
  app.userUploadQuotaBytes ?? null,
  app.appUploadQuotaBytes ?? null,
  app.chatfileTtlDays ?? null,
];

/** One row of `inbox_events`; `data` is the whole event as JSON when its columns cannot hold it. */
export interface InboxEventValues {
  kind: string;
  from: string;
  to: string;
  chatType: string;
  mid: string | null;
  time: number;
  data: string | null;
}

export const insertEventSql = `INSERT INTO inbox_events (app_key, username, seq, kind, from_user,
  to_user, chat_type, mid, time, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

export const eventValues = (
  appKey: string,
  username: string,
  seq: number,
  event: InboxEventValues,
) => [
  appKey,
  username,
  seq,
  event.kind,
  event.from,
  event.to,
  event.chatType,
  event.mid,
  event.time,
  event.data,
];
