/**
 * Delete for me (issue 14, the 4.x SDK's `removeHistoryMessages` and `deleteConversation`; the
 * wire is src/protocol/deletions.ts): what a user deletes leaves that user's view only. Two tables,
 * the same on both engines (SQLite schema 11 in sqlite-deletions.ts, PostgreSQL migration 8 in
 * pg-deletions.ts): the messages a user deleted one by one, and per conversation of a user the
 * time before which everything is deleted and the last message the conversation was unlisted at.
 * History, the conversation list and its unread counts leave them out (`hiddenFor` below).
 */
import type { AppendedEvent, NewUserEvent } from './storage.js';

/** What one deletion changes, in the conversation of `username` with `peer`. */
export interface DeleteForMe {
  /** The other user, or the group's id. */
  peer: string;
  chatType: 'singleChat' | 'groupChat';
  /** Mids of messages of that conversation (the domain checked each one). */
  mids?: string[];
  /** Every message sent before this time (ms since the epoch). */
  before?: number;
  /** Off the list until a newer message comes; its unread count cleared. */
  unlist?: boolean;
}

export interface DeletionStorage {
  /**
   * Atomically: applies the deletion to `username`'s view and appends `event` to their inbox.
   * `undefined` (nothing changed) for `unlist` when the user has no such conversation.
   */
  deleteForMe(
    appKey: string,
    username: string,
    change: DeleteForMe,
    event: NewUserEvent,
  ): Promise<AppendedEvent[] | undefined>;
}

/** The tables, the same on both engines but for the integer types. */
export const deletionTables = (int: 'INTEGER' | 'BIGINT', withoutRowid: boolean) => `
CREATE TABLE IF NOT EXISTS deleted_messages (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  message_id ${int} NOT NULL,
  PRIMARY KEY (app_key, username, message_id)
)${withoutRowid ? ' WITHOUT ROWID' : ''};
CREATE TABLE IF NOT EXISTS conversation_clears (
  app_key TEXT NOT NULL,
  username TEXT NOT NULL,
  peer TEXT NOT NULL,
  -- Messages sent before this time (ms) are deleted for the user.
  cleared_before ${int} NOT NULL DEFAULT 0,
  -- Listed again only once the conversation's last message (messages.id) is newer than this.
  unlisted_id ${int} NOT NULL DEFAULT 0,
  PRIMARY KEY (app_key, username, peer)
)${withoutRowid ? ' WITHOUT ROWID' : ''};
`;

/**
 * SQL that is true when the message aliased `m` is deleted for the user of the conversation row
 * aliased `c` (with its `conversation_clears` row aliased `x`, LEFT JOINed: NULL when none). The
 * same text on both engines.
 */
export const hiddenFor = (m: string, c: string, x: string) => `(${x}.username IS NOT NULL AND
  (${m}.time < ${x}.cleared_before OR EXISTS (SELECT 1 FROM deleted_messages d
    WHERE d.app_key = ${c}.app_key AND d.username = ${c}.username AND d.message_id = ${m}.id)))`;

/** `LEFT JOIN` of a conversation row `c`'s clears as `x`. */
export const joinClears = (c: string, x: string) =>
  `LEFT JOIN conversation_clears ${x} ON ${x}.app_key = ${c}.app_key
    AND ${x}.username = ${c}.username AND ${x}.peer = ${c}.peer`;
