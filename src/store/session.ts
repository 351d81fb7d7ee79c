/**
 * A signed-in (or signing-in) user as the parts of the store see it: their database, their
 * connection, and what is in flight for them. Made by `session-lifecycle.ts`, ended by
 * {@link closeSession}.
 */
import type { Subject } from 'rxjs';
import type { ConnectionEvent, StoreConnection, UploadTask } from './connection-events.js';
import type { UserDatabase } from './database.js';
import type { CurrentUser } from './types.js';

export interface Session {
  username: string;
  dbName: string;
  db: UserDatabase;
  connection: StoreConnection;
  /** The token the connection was opened with, once it was accepted. */
  token?: string;
  /**
   * Tabs of the same user share the database; this channel (named after it) tells the others'
   * live queries to re-read after a write here.
   */
  tabs?: BroadcastChannel;
  /** Completes when the session ends (sign-out, expiry, dispose). */
  ended: Subject<void>;
  /** Set while this session changes the password: the kick (216) that follows is its own doing. */
  changingPassword?: boolean;
  /** Set while the lifecycle's `reopen` runs: every exhausted SDK round reports 16 again. */
  reopening?: boolean;
  /** Uploads in flight, by message id (for cancel). */
  uploads: Map<string, UploadTask>;
  /** Outbox entries being sent right now (a second flush must not upload them again). */
  sending: Set<string>;
  /** Outbox entries the server refused for its rate limit (509), by id: how often so far. */
  rateLimited: Map<string, number>;
  /** Object URLs of fetched files, by message id (`#thumb` for previews); revoked when it ends. */
  objectUrls: Map<string, Promise<string>>;
  /**
   * When each conversation's unread count last changed here other than by a new message (a read,
   * a recall), as a tick of `reading.ts`: a server count asked for before that is stale.
   */
  unreadTouched: Map<string, number>;
  /**
   * When each conversation was deleted here (`deletions.ts`), in the same ticks: a server count
   * asked for before that must not bring it back.
   */
  gone?: Map<string, number>;
}

/** A session between `prepare` and `authenticate`. */
export interface PreparedSession extends Session {
  /** The database did not exist before this sign-in. */
  created: boolean;
  /** What the database knew of the user. */
  profile: CurrentUser;
}

export function closeSession(session: Session): void {
  session.ended.next();
  session.ended.complete();
  session.tabs?.close();
  // Uploads stop (their entries stay in the outbox for the next sign-in); fetched files are let go.
  for (const upload of session.uploads.values()) upload.abort();
  session.uploads.clear();
  for (const url of session.objectUrls.values())
    void url.then((href) => URL.revokeObjectURL(href)).catch(() => undefined);
  session.objectUrls.clear();
  try {
    session.connection.close();
  } catch {
    // Closing a connection that never opened is fine.
  }
  session.db.close();
}

/** An event of a session's connection, with the session it came from. */
export interface SessionEvent {
  session: Session;
  event: ConnectionEvent;
}
