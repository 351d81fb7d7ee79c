/**
 * What issue 9 (visitors of a site) keeps, beside the Storage of storage.ts: per app whether guests
 * may be minted, their retention and the app's client credentials; which users are guests and when
 * they were last active; user attributes; app tokens. Its own tables (SQLite schema 7, PostgreSQL
 * schema 4), so the apps, users and tokens tables stay as they were:
 *
 * - `app_visitors`: one row per app that set any of it (none = guests off, default retention).
 * - `guests`: a user is a guest when it has a row here; `last_active` is its last sign-in.
 * - `user_metadata`: attributes other than `nickname` (which stays in `users.nickname`).
 * - `app_tokens`: tokens of the app itself (client_credentials), apart from users' tokens, so an
 *   app token is unknown to every user route and the socket, and a user token unknown to `inherit`.
 */
import type { CreateUserResult, UserRecord } from './storage.js';

export interface AppVisitorSettings {
  /** `POST /guests` mints guests (`--guests`). */
  guests: boolean;
  /** Days a guest may stay idle before it is removed; `null` = the default. */
  guestRetentionDays: number | null;
}

export interface AppCredentials {
  clientId: string;
  /** SHA-256 (hex) of the client secret; the secret itself is never stored. */
  secretHash: string;
}

export interface AppTokenRecord {
  appKey: string;
  /** ms since the epoch */
  expiresAt: number;
}

/** A guest the retention sweep removed, with the chat files it uploaded (their bytes go too). */
export interface RemovedGuest {
  username: string;
  files: string[];
}

export interface VisitorStorage {
  /** The app's settings; the defaults (guests off) when it never set them. */
  appSettings(appKey: string): Promise<AppVisitorSettings>;
  setAppSettings(appKey: string, settings: AppVisitorSettings): Promise<void>;
  credentials(appKey: string): Promise<AppCredentials | undefined>;
  /** Replaces the app's credentials (the old secret stops at once). */
  setCredentials(appKey: string, credentials: AppCredentials): Promise<void>;

  /** Atomically: creates the user (as `Storage.createUser`) and marks it a guest active `at`. */
  createGuest(user: UserRecord, maxUsers: number | null): Promise<CreateUserResult>;
  isGuest(appKey: string, username: string): Promise<boolean>;
  /** A guest signed in again: its idle time starts over (no-op for other users). */
  touchGuest(appKey: string, username: string, at: number): Promise<void>;
  /**
   * Atomically removes up to `limit` guests of the app idle since before `idleBefore` (no sign-in,
   * no message in any of their conversations, no token valid at `now`) with their messages (and
   * those messages' inbox entries, receipts and conversations on the other side), tokens, contacts,
   * memberships and attributes. Their chat files' rows are kept, without an uploader or grants
   * (nobody can download them), until {@link forgetRemovedFiles}: the caller deletes the bytes in
   * between, and a process that dies there leaves rows {@link removedFiles} finds at the next
   * sweep. Under PostgreSQL one process sweeps at a time; the others answer `[]` at once.
   */
  removeIdleGuests(
    appKey: string,
    idleBefore: number,
    now: number,
    limit: number,
  ): Promise<RemovedGuest[]>;

  /** The chat files of removed guests whose bytes may still be stored (see removeIdleGuests). */
  removedFiles(appKey: string): Promise<string[]>;
  /** Deletes the rows of removed guests' chat files, once their bytes are gone. */
  forgetRemovedFiles(appKey: string, uuids: string[]): Promise<void>;

  /** Whether `username` has a conversation with `peer` (a message went either way). */
  hasConversation(appKey: string, username: string, peer: string): Promise<boolean>;

  /** Attributes of each user that exists, `nickname` included (from the user's row). */
  metadata(appKey: string, usernames: string[]): Promise<Record<string, Record<string, string>>>;
  /**
   * Atomically sets these attributes of the user (`nickname` is the user's nickname; an empty
   * value removes an attribute). `false` when there is no such user.
   */
  setMetadata(
    appKey: string,
    username: string,
    values: Record<string, string>,
    at: number,
  ): Promise<boolean>;

  /** `hash` is the SHA-256 of the token; the token itself is never stored. */
  saveAppToken(hash: string, token: AppTokenRecord): Promise<void>;
  appToken(hash: string): Promise<AppTokenRecord | undefined>;
  deleteAppTokensExpiredBefore(time: number): Promise<void>;
}

/**
 * The statements that remove one guest (`@app`, `@guest`), in order, for both engines (PostgreSQL
 * takes them with `$1`/`$2`): rows that name the guest's messages go before the messages; the
 * 1:1 messages are found through the guest's conversations (the `messages_conv` index), before
 * those go. The chat files' uuids are read first (the caller removes their bytes).
 */
export const guestRemovalSteps = [
  // A group whose last message was the guest's shows the one before it.
  `UPDATE conversations SET last_id = (SELECT max(m.id) FROM messages m
     WHERE m.app_key = conversations.app_key AND m.conv = conversations.conv
       AND m.from_user <> @guest)
   WHERE app_key = @app AND chat_type = 'groupChat' AND last_id IN
     (SELECT id FROM messages WHERE app_key = @app AND from_user = @guest AND chat_type = 'groupChat')`,
  `DELETE FROM inbox_events WHERE app_key = @app AND mid IN
     (SELECT mid FROM messages WHERE app_key = @app AND (from_user = @guest OR conv IN
       (SELECT conv FROM conversations WHERE app_key = @app AND username = @guest
          AND chat_type = 'singleChat')))`,
  `DELETE FROM group_reads WHERE app_key = @app AND (reader = @guest OR mid IN
     (SELECT mid FROM messages WHERE app_key = @app AND from_user = @guest))`,
  `DELETE FROM deleted_messages WHERE app_key = @app AND (username = @guest OR message_id IN
     (SELECT id FROM messages WHERE app_key = @app AND (from_user = @guest OR conv IN
       (SELECT conv FROM conversations WHERE app_key = @app AND username = @guest
          AND chat_type = 'singleChat'))))`,
  `DELETE FROM conversation_clears WHERE app_key = @app AND (username = @guest OR peer = @guest)`,
  `DELETE FROM inbox WHERE message_id IN
     (SELECT id FROM messages WHERE app_key = @app AND (from_user = @guest OR conv IN
       (SELECT conv FROM conversations WHERE app_key = @app AND username = @guest
          AND chat_type = 'singleChat')))`,
  `DELETE FROM messages WHERE app_key = @app AND (from_user = @guest OR conv IN
     (SELECT conv FROM conversations WHERE app_key = @app AND username = @guest
        AND chat_type = 'singleChat'))`,
  `DELETE FROM conversations WHERE app_key = @app AND (username = @guest OR peer = @guest)`,
  `DELETE FROM inbox WHERE app_key = @app AND username = @guest`,
  `DELETE FROM inbox_events WHERE app_key = @app AND username = @guest`,
  `DELETE FROM device_cursors WHERE app_key = @app AND username = @guest`,
  `DELETE FROM push_tokens WHERE app_key = @app AND username = @guest`,
  `DELETE FROM tokens WHERE app_key = @app AND username = @guest`,
  `DELETE FROM contacts WHERE app_key = @app AND (username = @guest OR contact = @guest)`,
  `DELETE FROM contact_requests WHERE app_key = @app AND (from_user = @guest OR to_user = @guest)`,
  `DELETE FROM blocks WHERE app_key = @app AND (blocker = @guest OR blocked = @guest)`,
  `DELETE FROM group_members WHERE app_key = @app AND username = @guest`,
  `DELETE FROM group_invitations WHERE app_key = @app AND (invitee = @guest OR inviter = @guest)`,
  `DELETE FROM group_applications WHERE app_key = @app AND applicant = @guest`,
  `DELETE FROM room_members WHERE app_key = @app AND username = @guest`,
  `DELETE FROM room_messages WHERE app_key = @app AND from_user = @guest`,
  `DELETE FROM chatfile_grants WHERE app_key = @app AND (username = @guest OR uuid IN
     (SELECT uuid FROM chatfiles WHERE app_key = @app AND uploader = @guest))`,
  // Kept without an uploader until their bytes are deleted (removedFilesQuery).
  `UPDATE chatfiles SET uploader = '' WHERE app_key = @app AND uploader = @guest`,
  `DELETE FROM user_metadata WHERE app_key = @app AND username = @guest`,
  `DELETE FROM guests WHERE app_key = @app AND username = @guest`,
  `DELETE FROM users WHERE app_key = @app AND username = @guest`,
];

/**
 * The chat files of removed guests (`@app`): {@link guestRemovalSteps} leave their rows with no
 * uploader (`''`, never a username) for the bytes to be deleted, then the rows.
 */
export const removedFilesQuery = `SELECT uuid FROM chatfiles WHERE app_key = @app AND uploader = ''`;

/** The chat files a guest uploaded (`@app`, `@guest`), read before {@link guestRemovalSteps}. */
export const guestFilesQuery = `SELECT uuid FROM chatfiles WHERE app_key = @app AND uploader = @guest`;

/**
 * Guests of `@app` idle since before `@idle` at `@now`: signed in before it, no message in any of
 * their conversations since, no token still valid. At most `@limit`, the longest idle first.
 */
export const idleGuestsQuery = `SELECT g.username FROM guests g
  WHERE g.app_key = @app AND g.last_active < @idle
    AND NOT EXISTS (SELECT 1 FROM conversations c JOIN messages m ON m.id = c.last_id
      WHERE c.app_key = g.app_key AND c.username = g.username AND m.time >= @idle)
    AND NOT EXISTS (SELECT 1 FROM tokens t
      WHERE t.app_key = g.app_key AND t.username = g.username AND t.expires_at > @now)
  ORDER BY g.last_active, g.username LIMIT @limit`;

/** A statement of this file with PostgreSQL's numbered parameters, in `names`' order. */
export function numbered(sql: string, names: readonly string[]): string {
  return names.reduce((text, name, i) => text.replaceAll(`@${name}`, `$${i + 1}`), sql);
}
