/**
 * Reactions to messages (issue 14, the 4.x SDK's `addReaction`…): one row per message, reaction and
 * user, on both engines (SQLite schema 10 in sqlite-reactions.ts, PostgreSQL migration 7 in
 * pg-reactions.ts). Who may react is the domain's to decide (server/domain/reactions.ts); the
 * storage keeps the one rule that needs a transaction: at most `maxKinds` kinds per message.
 */

/** One user's reaction to one message. */
export interface ReactionRecord {
  mid: string;
  reaction: string;
  username: string;
  /** When it was added, ms since the epoch. */
  time: number;
}

/**
 * `added`; `present`: the user had it already (nothing changed); `full`: it would be a new kind on
 * a message that has `maxKinds` kinds already (nothing changed).
 */
export type AddReactionOutcome = 'added' | 'present' | 'full';

export interface ReactionStorage {
  /** Adds the reaction unless the user has it, or it would be a kind too many; atomically. */
  add(appKey: string, record: ReactionRecord, maxKinds: number): Promise<AddReactionOutcome>;
  /** Removes the user's reaction; false when they had none. */
  remove(appKey: string, mid: string, reaction: string, username: string): Promise<boolean>;
  /** Every reaction of the messages `mids`, earliest first (ties: by reaction, then user). */
  of(appKey: string, mids: readonly string[]): Promise<ReactionRecord[]>;
}

/** The table, the same on both engines but for the integer type of `time`. */
export const reactionsTable = (timeType: 'INTEGER' | 'BIGINT', withoutRowid: boolean) => `
CREATE TABLE IF NOT EXISTS reactions (
  app_key TEXT NOT NULL,
  mid TEXT NOT NULL,
  reaction TEXT NOT NULL,
  username TEXT NOT NULL,
  time ${timeType} NOT NULL,
  PRIMARY KEY (app_key, mid, reaction, username)
)${withoutRowid ? ' WITHOUT ROWID' : ''};
`;
