/** PostgreSQL rows and the records they become, shared by the PostgreSQL stores. */
import type { ContactEvent, GroupEvent, UserEvent } from '../../src/protocol/frames.js';
import type {
  AppRecord,
  ChatfileRecord,
  EventKind,
  InboxEntry,
  NewUserEvent,
  StoredEvent,
  StoredMessage,
  UserRecord,
} from './storage.js';

export interface AppRow {
  key: string;
  org: string;
  name: string;
  uuid: string;
  max_users: number | null;
  closed_registration: boolean;
  origins: string | null;
  token_ttl: number | null;
  max_message_bytes: number | null;
  max_file_bytes: number | null;
  recall_seconds: number | null;
  max_group_members: number | null;
  room_admins: string | null;
  max_sessions_per_user: number | null;
  user_upload_quota_bytes: number | null;
  app_upload_quota_bytes: number | null;
  chatfile_ttl_days: number | null;
  created: number;
}

/** A later setting, on the record only when the app sets it (absent = the default). */
const optional = <K extends keyof AppRecord>(name: K, value: number | null) =>
  value === null ? {} : { [name]: value };

export interface UserRow {
  app_key: string;
  username: string;
  uuid: string;
  password_hash: string;
  nickname: string | null;
  created: number;
  modified: number;
}

export interface MessageRow {
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
  recalled: boolean;
  allow_group_ack: boolean;
  edit_count?: number;
  edited_by?: string | null;
  edited_at?: number | null;
}

export interface EventRow {
  seq: number;
  kind: EventKind;
  from_user: string;
  to_user: string;
  chat_type: string;
  mid: string | null;
  time: number;
  data: string | null;
}

export interface ChatfileRow {
  app_key: string;
  uuid: string;
  uploader: string;
  secret_hash: string;
  size: number;
  content_type: string;
  filename: string;
  created: number;
}

export const toApp = (row: AppRow): AppRecord => ({
  key: row.key,
  org: row.org,
  name: row.name,
  uuid: row.uuid,
  maxUsers: row.max_users,
  closedRegistration: row.closed_registration,
  origins: row.origins === null ? null : (JSON.parse(row.origins) as string[]),
  tokenTtlSeconds: row.token_ttl,
  maxMessageBytes: row.max_message_bytes,
  maxFileBytes: row.max_file_bytes,
  recallSeconds: row.recall_seconds,
  maxGroupMembers: row.max_group_members,
  roomAdmins: row.room_admins === null ? [] : (JSON.parse(row.room_admins) as string[]),
  ...optional('maxSessionsPerUser', row.max_sessions_per_user),
  ...optional('userUploadQuotaBytes', row.user_upload_quota_bytes),
  ...optional('appUploadQuotaBytes', row.app_upload_quota_bytes),
  ...optional('chatfileTtlDays', row.chatfile_ttl_days),
  created: row.created,
});

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

export const toUser = (row: UserRow): UserRecord => ({
  uuid: row.uuid,
  appKey: row.app_key,
  username: row.username,
  passwordHash: row.password_hash,
  nickname: row.nickname,
  created: row.created,
  modified: row.modified,
});

export const toMessage = (row: MessageRow): StoredMessage => ({
  mid: row.mid,
  clientId: row.client_id,
  from: row.from_user,
  to: row.to_user,
  chatType: row.chat_type,
  type: row.type,
  body: row.body,
  ext: row.ext,
  time: row.time,
  recalled: row.recalled,
  ...(row.allow_group_ack ? { allowGroupAck: true } : {}),
  ...(row.edit_count
    ? {
        edit: {
          by: row.edited_by ?? row.from_user,
          at: row.edited_at ?? row.time,
          count: row.edit_count,
        },
      }
    : {}),
});

const toEvent = (row: EventRow): StoredEvent => ({
  kind: row.kind,
  from: row.from_user,
  to: row.to_user,
  chatType: row.chat_type,
  mid: row.mid,
  time: row.time,
});

export const toInboxEntry = (row: EventRow): InboxEntry =>
  row.data === null
    ? { seq: row.seq, event: toEvent(row) }
    : {
        seq: row.seq,
        // Besides contact and group events, a group read ack with its count is kept whole.
        userEvent: {
          ...(JSON.parse(row.data) as Omit<UserEvent, 'seq'>),
          seq: row.seq,
        } as UserEvent,
      };

export const toChatfile = (row: ChatfileRow): ChatfileRecord => ({
  appKey: row.app_key,
  uuid: row.uuid,
  uploader: row.uploader,
  secretHash: row.secret_hash,
  size: row.size,
  contentType: row.content_type,
  filename: row.filename,
  created: row.created,
});

/** The event with its seq; the cast is sound: `seq` is the one field `NewUserEvent` leaves out. */
export const withSeq = (event: NewUserEvent, seq: number) =>
  ({ ...event, seq }) as ContactEvent | GroupEvent;

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
