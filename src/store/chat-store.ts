/**
 * The chat store: one per app key, shared by every element on the page. It holds at most one
 * signed-in user, whose IndexedDB database it opens after login (or on resume), and it turns the
 * SDK connection's callbacks into the observables of {@link ChatStoreApi}.
 *
 * How data flows:
 * - Writes: every change (a received message, a send, an ack, a read) is one IndexedDB transaction
 *   (`database.ts`), followed by a "changed" signal.
 * - Reads: `conversations$` and `messages$(id)` are live queries (`live-query.ts`): they re-read the
 *   database when a signal for them fires, so the UI shows exactly what is stored.
 * - Sending: the message is stored `pending` with an outbox entry first, then sent; the ack makes it
 *   `sent`, a refusal `failed`, a lost connection leaves it in the outbox, which is flushed, in order,
 *   every time the connection opens (`outbox.ts`). The server deduplicates by client id.
 * - Resume: the last session (user + token) is kept in a small per-app-key database; a new store
 *   renders the user's stored conversations at once and connects with the token in the background.
 */
import {
  BehaviorSubject,
  EMPTY,
  type Observable,
  Subject,
  Subscription,
  catchError,
  concatMap,
  defer,
  distinctUntilChanged,
  filter,
  firstValueFrom,
  map,
  merge,
  of,
  retry,
  shareReplay,
  share,
  switchMap,
  takeUntil,
  throwError,
  throwIfEmpty,
  timer,
} from 'rxjs';
import {
  type ConnectionEvent,
  type OpenResult,
  type StoreConnection,
  connectionEvents,
} from './connection-events.js';
import { countsAsUnread, sortConversations, totalUnread } from './conversations.js';
import {
  type SavedSession,
  type SessionDatabase,
  type UserDatabase,
  clearSession,
  deleteUserDb,
  ensureConversation,
  markConversationRead,
  markFailed,
  markSent,
  openSessionDb,
  openUserDb,
  readConversation,
  readConversations,
  readMessages,
  readMeta,
  readOutbox,
  readSession,
  renameConversation,
  requeue,
  saveProfile,
  saveSession,
  sessionDbName,
  storeIncoming,
  storeOutgoing,
  userDbName,
} from './database.js';
import {
  Codes,
  Messages,
  chatError,
  endsSession,
  isTransientSendFailure,
  toChatError,
} from './errors.js';
import { liveQuery } from './live-query.js';
import { createSdkConnection } from './sdk-connection.js';
import { checkDraft, fromReceived, normalizeUsername } from './messages.js';
import { type OutboxEntry, flushOnOpen } from './outbox.js';
import { type StatusEvent, deriveStatus } from './status.js';
import type {
  ChatError,
  ChatMessage,
  ChatStoreApi,
  ConnectionStatus,
  Conversation,
  CurrentUser,
  LoginInput,
  RegisterInput,
  TokenLoginInput,
} from './types.js';
import { type Visibility, documentVisibility } from './visibility.js';

/** How a store makes its connection (the default is the SDK's, see `sdk-connection.ts`). */
export type ConnectionFactory = (config: { appKey: string; apiUrl?: string }) => StoreConnection;

export interface ChatStoreOptions {
  appKey: string;
  /** The server's REST base; the SDK falls back to `defaults.apiUrl`, then `location.origin`. */
  apiUrl?: string;
  /** Makes the store's connections (default: the SDK's, {@link createSdkConnection}). */
  createConnection?: ConnectionFactory;
  /**
   * Prefix of the IndexedDB database names (default `openwebim`). Two stores with different prefixes
   * keep separate data, like two browsers: tests use it to run two users on one page.
   */
  databasePrefix?: string;
  /** Whether the person can see the page (default: `document.visibilityState`). */
  visibility?: Visibility;
  /** Resume the saved session on creation (default `true`). */
  resume?: boolean;
}

/** A signed-in (or signing-in) user: their database and their connection. */
interface Session {
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
  /** Set while {@link ChatStore.reopen} runs: every exhausted SDK round reports 16 again. */
  reopening?: boolean;
}

/** A "changed" signal: the conversation list, and the messages of one conversation when given. */
interface Change {
  conversationId?: string;
}

/** A session between `prepare` and `authenticate`. */
interface PreparedSession extends Session {
  /** The database did not exist before this sign-in. */
  created: boolean;
  /** What the database knew of the user. */
  profile: CurrentUser;
}

type Credentials = { user: string; pwd: string } | { user: string; accessToken: string };

const DAY_MS = 24 * 3600 * 1000;

/**
 * When the token of a successful open expires: the SDK's `expireTimestamp`, else the REST
 * `expires_in` (seconds), else the saved session's expiry, else a day (the server ends the session
 * earlier if the token dies earlier, and the store then signs out).
 */
function tokenExpiry(result: OpenResult, saved?: SavedSession): number {
  if (typeof result.expireTimestamp === 'number' && result.expireTimestamp > 0)
    return result.expireTimestamp;
  const seconds = result.expires_in;
  if (typeof seconds === 'number' && seconds > 0) return Date.now() + seconds * 1000;
  return saved?.expiresAt ?? Date.now() + DAY_MS;
}

/** Delay before the n-th (1-based) reconnect attempt of a resumed session: 1 s doubling to 15 s, ±25 %. */
export function resumeBackoff(attempt: number, random = Math.random): number {
  const base = Math.min(1000 * 2 ** (attempt - 1), 15_000);
  return Math.round(base * (0.75 + random() * 0.5));
}

/** Login failures worth retrying with the same credentials: the server could not be reached or failed. */
export function isTransientLoginFailure(error: ChatError): boolean {
  if (error.type === Codes.ajaxError)
    return !error.error || error.error === 'internal_server_error';
  return isTransientSendFailure(error.type) || error.type === Codes.serverBusy;
}

export class ChatStore implements ChatStoreApi {
  readonly appKey: string;
  readonly apiUrl: string | undefined;
  readonly status$: Observable<ConnectionStatus>;
  readonly user$: Observable<CurrentUser | null>;
  readonly conversations$: Observable<Conversation[]>;
  readonly totalUnread$: Observable<number>;
  readonly activeConversation$: Observable<string | null>;
  readonly error$: Observable<ChatError>;
  readonly ready: Promise<void>;

  private readonly createConnection: ConnectionFactory;
  private readonly prefix: string;
  private readonly visibility: Visibility;
  /** The session whose connection the store listens to (set before `open`, for the replay). */
  private readonly session = new BehaviorSubject<Session | null>(null);
  /** The session whose data is shown: set only once the user is known to be who they say. */
  private readonly shown = new BehaviorSubject<Session | null>(null);
  private readonly statusEvents = new Subject<StatusEvent>();
  private readonly status = new BehaviorSubject<ConnectionStatus>('signed-out');
  private readonly user = new BehaviorSubject<CurrentUser | null>(null);
  private readonly active = new BehaviorSubject<string | null>(null);
  private readonly errors = new Subject<ChatError>();
  private readonly changes = new Subject<Change>();
  private readonly messageQueries = new Map<string, Observable<ChatMessage[]>>();
  private readonly subscriptions = new Subscription();
  private sessionDb: Promise<SessionDatabase> | undefined;
  /** Serializes logins and logouts, so two of them never interleave. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(options: ChatStoreOptions) {
    this.appKey = options.appKey;
    this.apiUrl = options.apiUrl;
    this.createConnection = options.createConnection ?? createSdkConnection;
    this.prefix = options.databasePrefix ?? 'openwebim';
    this.visibility = options.visibility ?? documentVisibility;

    const events = this.session.pipe(
      switchMap((session) =>
        session
          ? connectionEvents(session.connection).pipe(map((event) => ({ session, event })))
          : EMPTY,
      ),
      share(),
    );

    this.subscriptions.add(
      merge(
        this.statusEvents,
        events.pipe(
          map(({ event }) => event),
          filter(isStatusEvent),
        ),
      )
        .pipe(deriveStatus())
        .subscribe(this.status),
    );
    this.subscriptions.add(
      events
        .pipe(
          concatMap(({ session, event }) =>
            defer(() => this.handle(session, event)).pipe(
              catchError((error: unknown) => {
                // A closed database means the session is over. Anything else (a full disk) is
                // worth saying; the stored cursor did not move, so the next load fetches it again.
                if (!(error instanceof DOMException && error.name === 'InvalidStateError'))
                  this.errors.next(chatError(Codes.localDbOperationFailed, Messages.storageFailed));
                return EMPTY;
              }),
            ),
          ),
        )
        .subscribe(),
    );
    this.subscriptions.add(
      this.session
        .pipe(
          switchMap((session) =>
            session
              ? flushOnOpen(
                  events.pipe(
                    filter(({ session: s, event }) => s === session && event.type === 'opened'),
                  ),
                  () => readOutbox(session.db),
                ).pipe(map((entry) => ({ session, entry })))
              : EMPTY,
          ),
        )
        .subscribe(({ session, entry }) => void this.transmit(session, entry)),
    );
    this.subscriptions.add(
      this.visibility.changes$.pipe(filter(Boolean)).subscribe(() => {
        const active = this.active.value;
        if (active && this.shown.value) void this.markRead(active).catch(() => undefined);
      }),
    );

    this.status$ = this.status.pipe(distinctUntilChanged());
    this.user$ = this.user.pipe(distinctUntilChanged());
    this.activeConversation$ = this.active.pipe(distinctUntilChanged());
    this.error$ = this.errors.asObservable();
    this.conversations$ = this.shown.pipe(
      switchMap((session) =>
        session
          ? liveQuery(this.changes, () => quietly(() => readConversations(session.db))).pipe(
              map(sortConversations),
            )
          : of([]),
      ),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    this.totalUnread$ = this.conversations$.pipe(
      totalUnread(),
      shareReplay({ bufferSize: 1, refCount: true }),
    );

    if (options.resume === false) {
      this.ready = Promise.resolve();
    } else {
      // `connecting` until the saved session is read, so elements do not flash the login form.
      this.statusEvents.next({ type: 'login' });
      this.ready = this.serialize(() => this.resume()).catch(() => {
        this.statusEvents.next({ type: 'signed-out' });
      });
    }
  }

  /** Messages of one conversation, oldest first, the most recent {@link RECENT_MESSAGES}. */
  messages$(conversationId: string): Observable<ChatMessage[]> {
    let query = this.messageQueries.get(conversationId);
    if (!query) {
      query = this.shown.pipe(
        switchMap((session) =>
          session
            ? liveQuery(
                this.changes.pipe(filter((change) => change.conversationId === conversationId)),
                () => quietly(() => readMessages(session.db, conversationId)),
              )
            : of([]),
        ),
        shareReplay({ bufferSize: 1, refCount: true }),
      );
      this.messageQueries.set(conversationId, query);
    }
    return query;
  }

  // -------------------------------------------------------------------------------------------
  // Actions
  // -------------------------------------------------------------------------------------------

  async register(input: RegisterInput): Promise<void> {
    const username = normalizeUsername(input.username);
    if (!input.password) throw chatError(Codes.messageParameterError, Messages.emptyPassword);
    const connection = this.createConnection(this.connectionConfig());
    try {
      const request: { username: string; password: string; nickname?: string } = {
        username,
        password: input.password,
      };
      const nickname = input.nickname?.trim();
      if (nickname) request.nickname = nickname;
      await connection.registerUser(request);
    } catch (error) {
      throw toChatError(error);
    }
  }

  login(input: LoginInput): Promise<void> {
    return this.serialize(async () => {
      const username = normalizeUsername(input.username);
      if (!input.password) throw chatError(Codes.messageParameterError, Messages.emptyPassword);
      const session = await this.prepare(username, { show: false });
      await this.authenticate(session, { user: username, pwd: input.password }, { retry: false });
    });
  }

  loginWithToken(input: TokenLoginInput): Promise<void> {
    return this.serialize(async () => {
      const username = normalizeUsername(input.username);
      if (!input.accessToken) throw chatError(Codes.tokenNotAssigned, Messages.badToken);
      // A token from the site's own backend is retried while the server is unreachable, like a resume.
      const session = await this.prepare(username, { show: false });
      await this.authenticate(
        session,
        { user: username, accessToken: input.accessToken },
        { retry: true },
      );
    });
  }

  logout(options: { wipe?: boolean } = {}): Promise<void> {
    // End the current session now rather than after a pending sign-in: a token login that keeps
    // retrying while the server is unreachable would otherwise hold the sign-out forever.
    const current = this.session.value;
    const ending = this.endSession(current);
    return this.serialize(async () => {
      await ending;
      await clearSession(await this.openSessionDb());
      // A sign-in queued before this sign-out has made a newer session: that one is signed out.
      const last = this.session.value ?? current;
      await this.endSession(this.session.value);
      if (options.wipe && last) await deleteUserDb(last.dbName);
    });
  }

  async send(conversationId: string, text: string): Promise<ChatMessage> {
    const session = this.requireSession();
    checkDraft(text);
    const to = normalizeUsername(conversationId);
    const id = session.connection.getUniqueId();
    const now = Date.now();
    const message: ChatMessage = {
      id,
      conversationId: to,
      chatType: 'singleChat',
      type: 'txt',
      from: session.username,
      to,
      text,
      time: now,
      status: 'pending',
    };
    const { entry, conversationCreated } = await storeOutgoing(session.db, message, {
      id,
      to,
      chatType: message.chatType,
      type: 'txt',
      text,
      queuedAt: now,
    });
    this.changed(to);
    if (conversationCreated) void this.resolveName(session, to);
    // Offline or still connecting: the entry waits in the outbox for the next `opened`.
    if (this.status.value === 'online') void this.transmit(session, entry);
    return message;
  }

  async retry(messageId: string): Promise<void> {
    const session = this.requireSession();
    const stored = await this.whileOpen(() => requeue(session.db, messageId));
    if (!stored) return;
    this.changed(stored.message.conversationId);
    if (stored.entry && this.status.value === 'online') void this.transmit(session, stored.entry);
  }

  async openConversation(conversationId: string | null): Promise<void> {
    if (conversationId === null) {
      this.active.next(null);
      return;
    }
    const session = this.requireSession();
    const peer = normalizeUsername(conversationId);
    if (!(await readConversation(session.db, peer))) {
      const name = await this.lookupName(session, peer);
      if (await ensureConversation(session.db, peer, name, Date.now())) this.changed();
    }
    this.active.next(peer);
    await this.markRead(peer);
  }

  async markRead(conversationId: string): Promise<void> {
    const session = this.requireSession();
    if (await markConversationRead(session.db, conversationId)) this.changed();
  }

  /**
   * Stops everything this store does (as a page unload would) without signing out: the saved
   * session stays, so a new store for the app key resumes it. Also removes it from the registry.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (registry.get(this.appKey) === this) registry.delete(this.appKey);
    // Ending the session first also aborts an open that is still retrying, so the queue drains.
    const session = this.session.value;
    this.session.next(null);
    this.shown.next(null);
    if (session) closeSession(session);
    this.subscriptions.unsubscribe();
    await this.lifecycle.catch(() => undefined);
    (await this.sessionDb?.catch(() => undefined))?.close();
  }

  // -------------------------------------------------------------------------------------------
  // Sessions
  // -------------------------------------------------------------------------------------------

  /** Restores the saved session: shows the stored data at once, connects in the background. */
  private async resume(): Promise<void> {
    const sessions = await this.openSessionDb();
    const saved = await readSession(sessions);
    if (saved && saved.expiresAt <= Date.now()) await clearSession(sessions);
    if (!saved || saved.expiresAt <= Date.now()) {
      this.statusEvents.next({ type: 'signed-out' });
      return;
    }
    const session = await this.prepare(saved.username, { show: true });
    // Not awaited: `ready` means "the stored data is showing", not "connected".
    void this.authenticate(
      session,
      { user: saved.username, accessToken: saved.accessToken },
      { retry: true, saved },
    ).catch(() => undefined);
  }

  /**
   * First half of a sign-in: ends any current session, opens `username`'s database and makes a
   * connection that starts from the stored sync cursor, with the store's handlers attached (so the
   * replay that follows `auth` is stored). `show: true` shows the stored data at once (a resume of a
   * session this device had); otherwise it shows only after the server accepted the credentials, so
   * a wrong password never reveals what another account left on this device.
   */
  private async prepare(username: string, options: { show: boolean }): Promise<PreparedSession> {
    await this.endSession(this.session.value);
    this.statusEvents.next({ type: 'login' });
    const dbName = userDbName(this.prefix, this.appKey, username);
    let db: UserDatabase;
    let created: boolean;
    let meta;
    try {
      ({ db, created } = await openUserDb(dbName));
      meta = await readMeta(db);
      if (this.disposed) {
        db.close();
        throw new Error('the store was disposed');
      }
    } catch (error) {
      this.statusEvents.next({ type: 'signed-out' });
      throw chatError(Codes.openError, Messages.storageUnavailable, {
        error_description: error instanceof Error ? error.message : String(error),
      });
    }
    const connection = this.createConnection(this.connectionConfig());
    // A database that has stored nothing lets the server pick (its cursor for this device, or what
    // no device has had yet) instead of asking for the user's whole history with `since: 0`.
    connection.syncCursor = meta.cursor > 0 ? meta.cursor : undefined;
    const session: PreparedSession = {
      username,
      dbName,
      db,
      connection,
      ended: new Subject<void>(),
      created,
      profile: meta.profile ?? { username },
    };
    if (typeof BroadcastChannel === 'function') {
      session.tabs = new BroadcastChannel(dbName);
      session.tabs.onmessage = (event: MessageEvent<unknown>) => {
        const change = asChange(event.data);
        if (change && this.session.value === session) this.changes.next(change);
      };
    }
    this.session.next(session);
    if (options.show) this.show(session, session.profile);
    return session;
  }

  /**
   * Second half: opens the connection (retrying transient failures when asked to), then saves the
   * session for the next reload and shows the user. On failure the session ends (and a database the
   * attempt created is deleted again) and the promise rejects with a ChatError.
   */
  private async authenticate(
    session: PreparedSession,
    credentials: Credentials,
    options: { retry: boolean; saved?: SavedSession },
  ): Promise<void> {
    let result: OpenResult;
    try {
      result = await this.open(session, credentials, options.retry);
    } catch (error) {
      const failure = toChatError(error);
      if (this.session.value === session) {
        if (options.saved) await clearSession(await this.openSessionDb());
        if (options.saved) this.errors.next(failure);
        await this.endSession(session, { deleteDatabase: session.created });
      }
      throw failure;
    }
    if (this.session.value !== session)
      throw chatError(Codes.connectionClosed, Messages.signInCancelled);

    const accessToken =
      result.accessToken ??
      result.access_token ??
      ('accessToken' in credentials ? credentials.accessToken : '');
    session.token = accessToken;
    await saveSession(await this.openSessionDb(), {
      username: session.username,
      accessToken,
      expiresAt: tokenExpiry(result, options.saved),
    });
    const profile: CurrentUser = { ...session.profile };
    const nickname = result.user?.nickname;
    if (nickname) profile.nickname = nickname;
    await saveProfile(session.db, profile);
    this.show(session, profile);
    if (!profile.nickname) void this.resolveOwnNickname(session);
  }

  /**
   * The SDK gave up reconnecting (after its `autoReconnectNumMax` attempts), but the session is still
   * good: open it again with its token, which starts a new round of attempts. A chat left open in a
   * tab through a long outage thus comes back by itself; only an auth failure signs it out.
   */
  private async reopen(session: Session): Promise<void> {
    if (!session.token || session.reopening || this.session.value !== session) return;
    session.reopening = true;
    try {
      // Not from inside the SDK's own onError: it is still ending the old login, and would take
      // the new `open` for part of it (and reject it).
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.session.value !== session) return;
      await this.open(session, { user: session.username, accessToken: session.token }, true);
    } catch (error) {
      const failure = toChatError(error);
      if (!isTransientLoginFailure(failure)) await this.sessionLost(session, failure);
    } finally {
      session.reopening = false;
    }
  }

  /** `connection.open`, retried after transient failures when asked to, until the session ends. */
  private open(session: Session, credentials: Credentials, retrying: boolean): Promise<OpenResult> {
    return firstValueFrom(
      defer(() => session.connection.open(credentials) as Promise<OpenResult>).pipe(
        map((result) => result ?? {}),
        retry({
          delay: (error: unknown, attempt: number) => {
            const failure = toChatError(error);
            if (!retrying || !isTransientLoginFailure(failure)) return throwError(() => failure);
            this.statusEvents.next({ type: 'reconnecting' });
            return timer(resumeBackoff(attempt));
          },
        }),
        // "Already logged in" while the socket is open: an earlier attempt won; that is success.
        catchError((error: unknown) =>
          toChatError(error).type === Codes.alreadyLoggedIn && session.connection.isOpened()
            ? of({} as OpenResult)
            : throwError(() => error),
        ),
        takeUntil(session.ended),
        throwIfEmpty(() => chatError(Codes.connectionClosed, Messages.signInCancelled)),
      ),
    );
  }

  private show(session: Session, profile: CurrentUser): void {
    if (this.session.value !== session) return;
    this.user.next(profile);
    if (this.shown.value !== session) this.shown.next(session);
  }

  /** Ends a session: stops listening, closes the connection and the database, maybe deletes it. */
  private async endSession(
    session: Session | null,
    options: { deleteDatabase?: boolean } = {},
  ): Promise<void> {
    if (session && this.session.value === session) {
      this.session.next(null);
      if (this.shown.value === session) this.shown.next(null);
      this.active.next(null);
      this.user.next(null);
      this.statusEvents.next({ type: 'signed-out' });
    }
    if (!session) return;
    closeSession(session);
    if (options.deleteDatabase) await deleteUserDb(session.dbName);
  }

  /** The session ended on the server's side (token expired, kicked): back to the login form. */
  private async sessionLost(session: Session, error: ChatError): Promise<void> {
    if (this.session.value !== session) return;
    await this.serialize(async () => {
      if (this.session.value !== session) return;
      // The reason first, so the login form that the status change brings can show it.
      this.errors.next(error);
      await clearSession(await this.openSessionDb());
      await this.endSession(session);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Connection events
  // -------------------------------------------------------------------------------------------

  private async handle(session: Session, event: ConnectionEvent): Promise<void> {
    switch (event.type) {
      case 'text':
        return this.receive(session, event.message);
      case 'ack':
        return this.acked(
          session,
          event.id,
          event.time ? { mid: event.mid, time: event.time } : { mid: event.mid },
        );
      case 'token-expired':
        return this.sessionLost(session, chatError(Codes.tokenExpired, Messages.sessionExpired));
      case 'error': {
        const error = toChatError(event.error);
        if (endsSession(error.type)) return this.sessionLost(session, error);
        if (error.type === Codes.disconnected) {
          this.errors.next(error);
          void this.reopen(session);
        }
        return;
      }
      default:
        return;
    }
  }

  /** Stores a received message (mine from another device too) and updates its conversation. */
  private async receive(session: Session, raw: Parameters<typeof fromReceived>[0]): Promise<void> {
    const message = fromReceived(raw, session.username);
    if (!message) return;
    const unread = countsAsUnread(
      message,
      session.username,
      this.active.value,
      this.visibility.isVisible(),
    );
    const result = await storeIncoming(session.db, message, unread);
    this.changed(message.conversationId);
    if (result.conversationCreated) void this.resolveName(session, message.conversationId);
  }

  /** Sends one outbox entry and records the outcome. */
  private async transmit(session: Session, entry: OutboxEntry): Promise<void> {
    let ack;
    try {
      const text: Parameters<StoreConnection['sendText']>[0] = {
        id: entry.id,
        to: entry.to,
        chatType: entry.chatType,
        text: entry.text,
      };
      if (entry.ext) text.ext = entry.ext;
      ack = await session.connection.sendText(text);
    } catch (reason) {
      const error = toChatError(reason);
      // Not now rather than never: it stays in the outbox for the next `opened`.
      if (isTransientSendFailure(error.type) || this.session.value !== session) return;
      const failed = await this.whileOpen(() => markFailed(session.db, entry.id, error.message));
      if (failed) this.changed(failed.message.conversationId);
      return;
    }
    const update: { mid?: string; time?: number; seq?: number } = {};
    if (ack?.serverMsgId) update.mid = ack.serverMsgId;
    if (typeof ack?.time === 'number') update.time = ack.time;
    if (typeof ack?.seq === 'number') update.seq = ack.seq;
    await this.acked(session, entry.id, update);
  }

  private async acked(
    session: Session,
    id: string,
    ack: { mid?: string; time?: number; seq?: number },
  ): Promise<void> {
    const sent = await this.whileOpen(() => markSent(session.db, id, ack));
    if (sent) this.changed(sent.message.conversationId);
  }

  // -------------------------------------------------------------------------------------------
  // Names
  // -------------------------------------------------------------------------------------------

  /** The name to show for a new conversation; rejects when the server says there is no such user. */
  private async lookupName(session: Session, username: string): Promise<string> {
    let profile;
    try {
      profile = await session.connection.lookupUser(username);
    } catch {
      // Offline or not yet connected: start the chat anyway; a send to a wrong name fails visibly.
      return username;
    }
    if (!profile) throw chatError(Codes.userNotFound, Messages.userNotFound);
    return profile.nickname || username;
  }

  /** Names a conversation after the peer's nickname, when the server knows one. */
  private async resolveName(session: Session, conversationId: string): Promise<void> {
    let nickname: string | undefined;
    try {
      nickname = (await session.connection.lookupUser(conversationId))?.nickname;
    } catch {
      return; // The id stays the name; a later conversation start may resolve it.
    }
    if (!nickname) return;
    if (await this.whileOpen(() => renameConversation(session.db, conversationId, nickname)))
      this.changed();
  }

  private async resolveOwnNickname(session: Session): Promise<void> {
    try {
      const profile = await session.connection.lookupUser(session.username);
      if (!profile?.nickname || this.session.value !== session) return;
      const user: CurrentUser = { username: session.username, nickname: profile.nickname };
      await saveProfile(session.db, user);
      this.user.next(user);
    } catch {
      // Shown by username until the next login.
    }
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing
  // -------------------------------------------------------------------------------------------

  private connectionConfig(): { appKey: string; apiUrl?: string } {
    return this.apiUrl ? { appKey: this.appKey, apiUrl: this.apiUrl } : { appKey: this.appKey };
  }

  private openSessionDb(): Promise<SessionDatabase> {
    this.sessionDb ??= openSessionDb(sessionDbName(this.prefix, this.appKey));
    return this.sessionDb;
  }

  private requireSession(): Session {
    const session = this.shown.value;
    if (!session || this.disposed) throw chatError(Codes.connectionClosed, Messages.notSignedIn);
    return session;
  }

  private changed(conversationId?: string): void {
    const change: Change = conversationId === undefined ? {} : { conversationId };
    this.changes.next(change);
    this.session.value?.tabs?.postMessage(change);
  }

  /**
   * Runs a database operation that may meet a database closed under it (sign-out, wipe, another
   * tab's delete); such a failure means "that session is gone", not an error: `undefined`.
   */
  private async whileOpen<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof DOMException) return undefined;
      throw error;
    }
  }

  private serialize<T>(step: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.catch(() => undefined).then(step);
    this.lifecycle = run;
    return run;
  }
}

function isStatusEvent(
  event: ConnectionEvent,
): event is Exclude<ConnectionEvent, { type: 'text' | 'ack' | 'error' | 'token-expired' }> {
  return !['text', 'ack', 'error', 'token-expired'].includes(event.type);
}

/**
 * A read for a live query that emits nothing, rather than failing the query, when the database was
 * closed under it (sign-out, wipe, another tab's delete): the next session brings a new query.
 */
function quietly<T>(read: () => Promise<T>): Observable<T> {
  return defer(read).pipe(
    catchError((error: unknown) =>
      error instanceof DOMException ? EMPTY : throwError(() => error),
    ),
  );
}

/** A change signal from another tab, checked: any script of the origin can post on the channel. */
function asChange(data: unknown): Change | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { conversationId } = data as { conversationId?: unknown };
  if (conversationId === undefined) return {};
  return typeof conversationId === 'string' ? { conversationId } : undefined;
}

function closeSession(session: Session): void {
  session.ended.next();
  session.ended.complete();
  session.tabs?.close();
  try {
    session.connection.close();
  } catch {
    // Closing a connection that never opened is fine.
  }
  session.db.close();
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const registry = new Map<string, ChatStore>();

/**
 * The page's store for an app key, created on first use. Every element configured with the same
 * app key gets the same store (and so the same signed-in user). `apiUrl` counts only on creation.
 */
export function getChatStore(appKey: string, apiUrl?: string): ChatStore {
  let store = registry.get(appKey);
  if (!store) {
    store = new ChatStore(apiUrl ? { appKey, apiUrl } : { appKey });
    registry.set(appKey, store);
  }
  return store;
}
