/**
 * The session lifecycle: registering, signing in (password or token), resuming the saved session on
 * load, opening the connection again after the SDK gave up, and signing out. A session is made in
 * two halves (`prepare`, then `authenticate`) so that the replay after `auth` is stored, and logins
 * and logouts are serialized so two of them never interleave.
 */
import {
  Subject,
  catchError,
  defer,
  firstValueFrom,
  map,
  of,
  retry,
  takeUntil,
  throwError,
  throwIfEmpty,
  timer,
} from 'rxjs';
import { DefaultAppLimits } from '../protocol/index.js';
import type { OpenResult } from './connection-events.js';
import {
  type SavedSession,
  type UserDatabase,
  clearSession,
  deleteUserDb,
  forgetGuest,
  openUserDb,
  readMeta,
  readSession,
  saveProfile,
  saveSession,
  userDbName,
} from './database.js';
import { Codes, Messages, chatError, isTransientSendFailure, toChatError } from './errors.js';
import type { Files } from './files.js';
import type { MessageWindows } from './message-windows.js';
import { normalizeUsername } from './messages.js';
import type { Names } from './names.js';
import { type PreparedSession, type Session, closeSession } from './session.js';
import { type StoreCore, asChange } from './store-core.js';
import type { GuestSignIn } from './visitors.js';
import type {
  ChatError,
  CurrentUser,
  LoginInput,
  RegisterInput,
  TokenLoginInput,
} from './types.js';

type Credentials = { user: string; pwd: string } | { user: string; accessToken: string };

const DAY_MS = 24 * 3600 * 1000;
/** How long a sign-out waits for the server to revoke its token before it goes on without that. */
const REVOKE_WAIT_MS = 3000;

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

/** Revokes a session's token on the server; never rejects, and gives up after REVOKE_WAIT_MS. */
function revokeToken(session: Session): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    session.connection.revokeToken().then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, REVOKE_WAIT_MS))),
  ]).finally(() => clearTimeout(timer));
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

export class SessionLifecycle {
  /** Serializes logins and logouts, so two of them never interleave. */
  private lifecycle: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly core: StoreCore,
    private readonly windows: MessageWindows,
    private readonly files: Files,
    private readonly names: Names,
  ) {}

  /** Waits for the login or logout in progress, if any. */
  async settled(): Promise<void> {
    await this.lifecycle.catch(() => undefined);
  }

  async register(input: RegisterInput): Promise<void> {
    const username = normalizeUsername(input.username);
    if (!input.password) throw chatError(Codes.messageParameterError, Messages.emptyPassword);
    const connection = this.core.createConnection(this.core.connectionConfig());
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

  /**
   * Signs in as a guest: `run` (visitors.ts's `Visitors.signIn`, loaded with the visitors' chunk)
   * calls the sign-in it is given, with the kept guest's password or a new one's, one sign-in at a
   * time like every other.
   */
  loginAsGuest(run: (signIn: GuestSignIn) => Promise<void>): Promise<void> {
    return this.serialize(() =>
      run(async (user, pwd) => {
        const session = await this.prepare(user, { show: false });
        await this.authenticate(session, { user, pwd }, { retry: true });
      }),
    );
  }

  logout(options: { wipe?: boolean } = {}): Promise<void> {
    // End the current session now rather than after a pending sign-in: a token login that keeps
    // retrying while the server is unreachable would otherwise hold the sign-out forever.
    const current = this.core.session.value;
    // The token dies on the server too, so a copy of it (another tab, a stolen one) is useless.
    // Asked before the connection closes (the request carries the token it holds). Also when the
    // server never accepted it here (a socket that never opened): the connection holds the token
    // it was offered, and that token may be alive (issue 11); one it does not hold is not asked.
    const revoked = current ? revokeToken(current) : Promise.resolve();
    const ending = this.endSession(current);
    return this.serialize(async () => {
      await ending;
      await revoked;
      await clearSession(await this.core.openSessionDb());
      // A sign-in queued before this sign-out has made a newer session: that one is signed out.
      const last = this.core.session.value ?? current;
      await this.endSession(this.core.session.value);
      if (options.wipe && last) await deleteUserDb(last.dbName);
      // A wiped guest is gone from this browser: the next guest sign-in mints another.
      if (options.wipe && last) await forgetGuest(await this.core.openSessionDb(), last.username);
    });
  }

  /**
   * Changes the signed-in user's password. The server revokes every token of the user, so every
   * other session (other devices, other tabs) is signed out, and this one signs in again with the
   * new password: it stays signed in, on a new token. Rejects with a ChatError (a wrong old
   * password is `invalidPassword`) and changes nothing then.
   */
  changePassword(input: { oldPassword: string; newPassword: string }): Promise<void> {
    return this.serialize(async () => {
      const session = this.core.session.value;
      if (!session?.token) throw chatError(Codes.connectionClosed, Messages.notSignedIn);
      if (!input.oldPassword || !input.newPassword)
        throw chatError(Codes.messageParameterError, Messages.emptyPassword);
      session.changingPassword = true;
      try {
        try {
          await session.connection.changePassword(input);
        } catch (error) {
          throw toChatError(error);
        }
        // The old token is dead: close its socket (a kick still on its way is dropped with it)
        // and open again with the new password. The outbox waits meanwhile and flushes on open.
        session.connection.close();
        if (this.core.session.value !== session)
          throw chatError(Codes.connectionClosed, Messages.signInCancelled);
        const result = await this.open(
          session,
          { user: session.username, pwd: input.newPassword },
          true,
        );
        session.token = result.accessToken ?? result.access_token ?? session.token;
        await saveSession(await this.core.openSessionDb(), {
          username: session.username,
          accessToken: session.token,
          expiresAt: tokenExpiry(result),
        });
      } finally {
        session.changingPassword = false;
      }
    });
  }

  /** Restores the saved session: shows the stored data at once, connects in the background. */
  async resume(): Promise<void> {
    const sessions = await this.core.openSessionDb();
    const saved = await readSession(sessions);
    if (saved && saved.expiresAt <= Date.now()) await clearSession(sessions);
    if (!saved || saved.expiresAt <= Date.now()) {
      this.core.statusEvents.next({ type: 'signed-out' });
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
    await this.endSession(this.core.session.value);
    this.core.statusEvents.next({ type: 'login' });
    const dbName = userDbName(this.core.prefix, this.core.appKey, username);
    let db: UserDatabase;
    let created: boolean;
    let meta;
    try {
      ({ db, created } = await openUserDb(dbName));
      meta = await readMeta(db);
      if (this.core.disposed) {
        db.close();
        throw new Error('the store was disposed');
      }
    } catch (error) {
      this.core.statusEvents.next({ type: 'signed-out' });
      throw chatError(Codes.openError, Messages.storageUnavailable, {
        error_description: error instanceof Error ? error.message : String(error),
      });
    }
    // The tabs of this user share one socket; the one that takes it over resumes from what is stored.
    const connection = this.core.createConnection({
      ...this.core.connectionConfig(),
      share: {
        name: dbName,
        storedCursor: async () => {
          const { cursor } = await readMeta(db);
          return cursor > 0 ? cursor : undefined;
        },
      },
    });
    // A database that has stored nothing lets the server pick (its cursor for this device, or what
    // no device has had yet) instead of asking for the user's whole history with `since: 0`.
    connection.syncCursor = meta.cursor > 0 ? meta.cursor : undefined;
    const session: PreparedSession = {
      username,
      dbName,
      db,
      connection,
      ended: new Subject<void>(),
      uploads: new Map(),
      sending: new Set(),
      rateLimited: new Map(),
      objectUrls: new Map(),
      unreadTouched: new Map(),
      created,
      profile: meta.profile ?? { username },
    };
    this.core.limits.next(meta.limits ?? DefaultAppLimits);
    if (typeof BroadcastChannel === 'function') {
      session.tabs = new BroadcastChannel(dbName);
      session.tabs.onmessage = (event: MessageEvent<unknown>) => {
        const change = asChange(event.data);
        if (change && this.core.session.value === session) this.core.changes.next(change);
      };
    }
    this.core.session.next(session);
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
      if (this.core.session.value === session) {
        if (options.saved) await clearSession(await this.core.openSessionDb());
        if (options.saved) this.core.errors.next(failure);
        await this.endSession(session, { deleteDatabase: session.created });
      }
      throw failure;
    }
    if (this.core.session.value !== session)
      throw chatError(Codes.connectionClosed, Messages.signInCancelled);

    const accessToken =
      result.accessToken ??
      result.access_token ??
      ('accessToken' in credentials ? credentials.accessToken : '');
    session.token = accessToken;
    await saveSession(await this.core.openSessionDb(), {
      username: session.username,
      accessToken,
      expiresAt: tokenExpiry(result, options.saved),
    });
    const profile: CurrentUser = { ...session.profile };
    const nickname = result.user?.nickname;
    if (nickname) profile.nickname = nickname;
    await saveProfile(session.db, profile);
    this.show(session, profile);
    if (!profile.nickname) void this.names.resolveOwnNickname(session);
  }

  /**
   * The SDK gave up reconnecting (after its `autoReconnectNumMax` attempts), but the session is still
   * good: open it again with its token, which starts a new round of attempts. A chat left open in a
   * tab through a long outage thus comes back by itself; only an auth failure signs it out.
   */
  async reopen(session: Session): Promise<void> {
    if (!session.token || session.reopening || this.core.session.value !== session) return;
    session.reopening = true;
    try {
      // Not from inside the SDK's own onError: it is still ending the old login, and would take
      // the new `open` for part of it (and reject it).
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.core.session.value !== session) return;
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
            this.core.statusEvents.next({ type: 'reconnecting' });
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
    if (this.core.session.value !== session) return;
    this.core.user.next(profile);
    if (this.core.shown.value !== session) this.core.shown.next(session);
  }

  /** Ends a session: stops listening, closes the connection and the database, maybe deletes it. */
  async endSession(
    session: Session | null,
    options: { deleteDatabase?: boolean } = {},
  ): Promise<void> {
    if (session && this.core.session.value === session) {
      this.core.session.next(null);
      if (this.core.shown.value === session) this.core.shown.next(null);
      this.core.active.next(null);
      this.core.user.next(null);
      this.core.limits.next(DefaultAppLimits);
      this.core.statusEvents.next({ type: 'signed-out' });
    }
    if (!session) return;
    // The next user starts from the most recent page of every conversation.
    this.windows.reset();
    this.files.reset();
    closeSession(session);
    if (options.deleteDatabase) await deleteUserDb(session.dbName);
  }

  /** The session ended on the server's side (token expired, kicked): back to the login form. */
  async sessionLost(session: Session, error: ChatError): Promise<void> {
    if (this.core.session.value !== session) return;
    await this.serialize(async () => {
      if (this.core.session.value !== session) return;
      // The reason first, so the login form that the status change brings can show it.
      this.core.errors.next(error);
      await clearSession(await this.core.openSessionDb());
      await this.endSession(session);
    });
  }

  serialize<T>(step: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.catch(() => undefined).then(step);
    this.lifecycle = run;
    return run;
  }
}
