/**
 * What every part of the store shares (the way `social.ts` gives the social modules their host):
 * the session being listened to and the one being shown, the connection status, the user, the
 * open conversation, the app's limits, errors, and the "changed" signal that live queries re-read
 * on. The parts (`session-lifecycle.ts`, `sending.ts`, `receiving.ts`, `message-windows.ts`,
 * `reading.ts`, `files.ts`, `names.ts`) each hold this core and nothing of one another's state.
 */
import {
  BehaviorSubject,
  EMPTY,
  type Observable,
  Subject,
  Subscription,
  catchError,
  defer,
  throwError,
} from 'rxjs';
import { type AppLimits, DefaultAppLimits } from '../protocol/index.js';
import type { StoreConnection } from './connection-events.js';
import { type SessionDatabase, openSessionDb, sessionDbName } from './database.js';
import { Codes, Messages, chatError } from './errors.js';
import type { Session } from './session.js';
import type { StatusEvent } from './status.js';
import type { ChatError, ConnectionStatus, CurrentUser } from './types.js';
import type { ShareScope } from './tab-sharing/shared-connection.js';
import type { Visibility } from './visibility.js';

/**
 * How a store makes its connection (the default is the SDK's, shared by the tabs of a user: see
 * `tab-sharing/shared-connection.ts`). `share` comes with a signed-in user's connection; a factory
 * may ignore it (each connection then has its own socket).
 */
export type ConnectionFactory = (config: {
  appKey: string;
  apiUrl?: string;
  share?: ShareScope;
}) => StoreConnection;

/**
 * A "changed" signal: the conversation list, and the messages of one conversation when given; or
 * (`list`) one stored list of contacts, groups or rooms, and nothing else.
 */
export interface Change {
  conversationId?: string;
  list?: string;
}

export class StoreCore {
  /** The session whose connection the store listens to (set before `open`, for the replay). */
  readonly session = new BehaviorSubject<Session | null>(null);
  /** The session whose data is shown: set only once the user is known to be who they say. */
  readonly shown = new BehaviorSubject<Session | null>(null);
  readonly statusEvents = new Subject<StatusEvent>();
  readonly status = new BehaviorSubject<ConnectionStatus>('signed-out');
  readonly user = new BehaviorSubject<CurrentUser | null>(null);
  readonly active = new BehaviorSubject<string | null>(null);
  readonly limits = new BehaviorSubject<AppLimits>(DefaultAppLimits);
  readonly errors = new Subject<ChatError>();
  readonly changes = new Subject<Change>();
  /** Every subscription of the store's parts; ended by `dispose`. */
  readonly subscriptions = new Subscription();
  disposed = false;
  private sessionDb: Promise<SessionDatabase> | undefined;

  constructor(
    readonly appKey: string,
    readonly apiUrl: string | undefined,
    readonly createConnection: ConnectionFactory,
    readonly prefix: string,
    readonly visibility: Visibility,
  ) {}

  connectionConfig(): { appKey: string; apiUrl?: string } {
    return this.apiUrl ? { appKey: this.appKey, apiUrl: this.apiUrl } : { appKey: this.appKey };
  }

  openSessionDb(): Promise<SessionDatabase> {
    this.sessionDb ??= openSessionDb(sessionDbName(this.prefix, this.appKey));
    return this.sessionDb;
  }

  /** Closes the session database, if it was opened. */
  async closeSessionDb(): Promise<void> {
    (await this.sessionDb?.catch(() => undefined))?.close();
  }

  requireSession(): Session {
    const session = this.shown.value;
    if (!session || this.disposed) throw chatError(Codes.connectionClosed, Messages.notSignedIn);
    return session;
  }

  changed(conversationId?: string): void {
    this.signal(conversationId === undefined ? {} : { conversationId });
  }

  signal(change: Change): void {
    this.changes.next(change);
    this.session.value?.tabs?.postMessage(change);
  }

  /**
   * Runs a database operation that may meet a database closed under it (sign-out, wipe, another
   * tab's delete); such a failure means "that session is gone", not an error: `undefined`.
   */
  async whileOpen<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof DOMException) return undefined;
      throw error;
    }
  }
}

/** Delete for me (`deletions.ts`), a chunk loaded when first used, from one place. */
export const deletions = () => import('./deletions.js');

/**
 * A read for a live query that emits nothing, rather than failing the query, when the database was
 * closed under it (sign-out, wipe, another tab's delete): the next session brings a new query.
 */
export function quietly<T>(read: () => Promise<T>): Observable<T> {
  return defer(read).pipe(
    catchError((error: unknown) =>
      error instanceof DOMException ? EMPTY : throwError(() => error),
    ),
  );
}

/** A change signal from another tab, checked: any script of the origin can post on the channel. */
export function asChange(data: unknown): Change | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { conversationId, list } = data as { conversationId?: unknown; list?: unknown };
  if (typeof list === 'string') return { list };
  if (conversationId === undefined) return {};
  return typeof conversationId === 'string' ? { conversationId } : undefined;
}
