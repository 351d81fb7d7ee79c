/**
 * The rows both engines read back and the records they become: one definition for SQLite and
 * PostgreSQL. The tables have the same columns on both; the one difference in what comes back is a
 * flag, which SQLite stores as 0 or 1 and PostgreSQL as a boolean ({@link Flag}).
 */
import type { ContactEvent, GroupEvent, InboxEvent, UserEvent } from '../../src/protocol/frames.js';
import type {
  GroupMemberRecord,
  GroupRecord,
  GroupRole,
  RoomMessageRecord,
  RoomRecord,
  RoomRoleRecord,
} from './group-storage.js';
import type {
  AppRecord,
  ChatfileRecord,
  EventKind,
  InboxEntry,
  NewUserEvent,
  ReportRecord,
  StoredEvent,
  StoredMessage,
  UserRecord,
} from './storage.js';

/** A boolean column: 0 or 1 from SQLite, a boolean from PostgreSQL. */
export type Flag = number | boolean;

const isSet = (flag: Flag | null | undefined) => flag === true || flag === 1;

export interface AppRow {
  key: string;
  org: string;
  name: string;
  uuid: string;
  max_users: number | null;
  closed_registration: Flag;
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
  recalled: Flag;
  allow_group_ack?: Flag;
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

export interface GroupRow {
  id: string;
  name: string;
  description: string;
  owner: string;
  public: Flag;
  approval: Flag;
  allow_invites: Flag;
  invite_need_confirm: Flag;
  max_users: number;
  created: number;
  announcement: string;
  all_muted: Flag;
}

export interface MemberRow {
  username: string;
  role: GroupRole;
  mute_until: number | null;
  joined: number;
}

export interface RoomRow {
  id: string;
  name: string;
  description: string;
  owner: string;
  max_users: number;
  created: number;
  announcement: string;
  all_muted: Flag;
}

export interface RoomRoleRow {
  username: string;
  admin: Flag;
  mute_until: number | null;
  banned: Flag;
}

export interface RoomMessageRow {
  mid: string;
  client_id: string;
  room_id: string;
  from_user: string;
  type: string;
  body: string;
  ext: string;
  time: number;
}

/** A later setting, on the record only when the app sets it (absent = the default). */
const optional = <K extends keyof AppRecord>(name: K, value: number | null) =>
  (value === null ? {} : { [name]: value }) as Partial<Record<K, number>>;

export const toApp = (row: AppRow): AppRecord => ({
  key: row.key,
  org: row.org,
  name: row.name,
  uuid: row.uuid,
  maxUsers: row.max_users,
  closedRegistration: isSet(row.closed_registration),
  origins: row.origins === null ? null : (JSON.parse(row.origins) as string[]),
  tokenTtlSeconds: row.token_ttl,
  maxMessageBytes: row.max_message_bytes,
  maxFileBytes: row.max_file_bytes,
  recallSeconds: row.recall_seconds,
  maxGroupMembers: row.max_group_members,
  roomAdmins: row.room_admins === null ? [] : (JSON.parse(row.room_admins) as string[]),
  // Schema 5's settings are optional on AppRecord: only the ones an app sets are there.
  ...optional('maxSessionsPerUser', row.max_sessions_per_user),
  ...optional('userUploadQuotaBytes', row.user_upload_quota_bytes),
  ...optional('appUploadQuotaBytes', row.app_upload_quota_bytes),
  ...optional('chatfileTtlDays', row.chatfile_ttl_days),
  created: row.created,
});

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
  recalled: isSet(row.recalled),
  ...(isSet(row.allow_group_ack) ? { allowGroupAck: true } : {}),
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

export const toGroup = (row: GroupRow): GroupRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  owner: row.owner,
  public: isSet(row.public),
  approval: isSet(row.approval),
  allowInvites: isSet(row.allow_invites),
  inviteNeedConfirm: isSet(row.invite_need_confirm),
  maxUsers: row.max_users,
  created: row.created,
  announcement: row.announcement,
  allMuted: isSet(row.all_muted),
});

export const toMember = (row: MemberRow): GroupMemberRecord => ({
  username: row.username,
  role: row.role,
  muteUntil: row.mute_until,
  joined: row.joined,
});

export const toRoom = (row: RoomRow): RoomRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  owner: row.owner,
  maxUsers: row.max_users,
  created: row.created,
  announcement: row.announcement,
  allMuted: isSet(row.all_muted),
});

export const toRoomRole = (row: RoomRoleRow): RoomRoleRecord => ({
  username: row.username,
  admin: isSet(row.admin),
  muteUntil: row.mute_until,
  banned: isSet(row.banned),
});

export const toRoomMessage = (row: RoomMessageRow): RoomMessageRecord => ({
  mid: row.mid,
  clientId: row.client_id,
  roomId: row.room_id,
  from: row.from_user,
  to: row.room_id,
  chatType: 'chatRoom',
  type: row.type,
  body: row.body,
  ext: row.ext,
  time: row.time,
});

/** The event with its seq; the cast is sound: `seq` is the one field `NewUserEvent` leaves out. */
export const withSeq = (event: NewUserEvent, seq: number) =>
  ({ ...event, seq }) as ContactEvent | GroupEvent;

/** A row of the reports table (reportMessage), and the record it becomes. */
export interface ReportRow {
  mid: string;
  reporter: string;
  sender: string;
  to_id: string;
  chat_type: string;
  report_type: string;
  reason: string;
  /** BIGINT comes back from PostgreSQL as a string. */
  time: number | string;
}

export const toReport = (row: ReportRow): ReportRecord => ({
  mid: row.mid,
  reporter: row.reporter,
  sender: row.sender,
  to: row.to_id,
  chatType: row.chat_type,
  reportType: row.report_type,
  reason: row.reason,
  time: Number(row.time),
});

/**
 * A receipt or recall event's `inbox_events` columns, on both engines. Receipt columns cannot hold
 * a read count: with `whole`, the event is kept whole too, as JSON.
 */
export const receiptColumns = (event: Omit<InboxEvent, 'seq'>, whole: boolean) => ({
  kind: event.kind,
  from: event.from,
  to: event.to,
  chatType: event.chatType,
  mid: event.mid ?? null,
  time: event.time,
  data: whole ? JSON.stringify(event) : null,
});
