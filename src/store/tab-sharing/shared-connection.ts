/**
 * One connection per browser: the tabs of one origin signed in as the same user of the same app
 * share one WebSocket. Each tab's store gets a {@link StoreConnection} from here and works as if it
 * had a socket of its own; underneath,
 * - one tab, the **holder**, holds a Web Lock named after the user's database and runs the SDK's
 *   connection (`sdk-connection.ts`, the SDK's public entry);
 * - the others, **followers**, wait in the lock's queue. They call the connection's methods through
 *   the holder over a `BroadcastChannel` (`tab-messages.ts`), and get every callback of its socket
 *   from it, so each tab's store stores and shows what arrives as it did with a socket of its own
 *   (the stores already share one IndexedDB and store by message id, so a message stored by two
 *   tabs is stored once). Chatfiles and user lookups go over REST from each tab with its token.
 * - When the holder's tab closes or crashes, the browser gives the lock to the next tab in the
 *   queue: it says so on the channel (what was asked of the old holder fails as on a dropped
 *   socket, and stays in the outbox), opens the socket from the sync cursor stored in IndexedDB, so
 *   the server replays what was not stored yet, and its `onOpened` makes every tab flush the
 *   outbox (the server stores a message once per client id, so an entry sent twice is one message).
 *
 * A follower checks its credentials over REST before it joins (a wrong password fails as it would
 * alone). Without Web Locks or `BroadcastChannel`, each tab keeps its own socket, as before.
 *
 * Written as one closure rather than a class: its names minify, and every signed-in page loads it.
 */
import {
  RestRoutes,
  type TokenExpiresResponse,
  type TokenResponse,
  statusCode,
} from '../../protocol/index.js';
import { getUniqueId, utils } from '../../sdk/index.js';
import type { OpenResult, StoreConnection, StoreEventHandlers } from '../connection-events.js';
import { toChatError } from '../errors.js';
import { isTransientLoginFailure, resumeBackoff } from '../session-lifecycle.js';
import {
  type SdkConnectionOptions,
  createSdkConnection,
  restBase,
  restHelpers,
} from '../sdk-connection.js';
import {
  type HolderState,
  type RemoteMethod,
  type TabMessage,
  asTabMessage,
  fromWireError,
  remoteMethods,
  toWireError,
} from './tab-messages.js';

/** Which tabs share a connection, and where the one that takes it over resumes. */
export interface ShareScope {
  /** Tabs with one name share one socket: the user's database name (prefix, app key, user). */
  name: string;
  /** The highest seq stored in IndexedDB: the sync cursor of a socket taken over. */
  storedCursor(): Promise<number | undefined>;
}

export interface SharedConnectionConfig {
  appKey: string;
  apiUrl?: string;
  /** Without it the connection is not shared (the SDK's own, as `createSdkConnection`). */
  share?: ShareScope;
}

type Credentials = { user: string; pwd: string } | { user: string; accessToken: string };
type Handler = (...args: unknown[]) => void;

/** The id of the handler set through which the holder repeats its socket's callbacks. */
const BROADCAST = 'openwebim-tab-sharing';

/** What a call to a holder that went away fails with: a dropped socket, so the outbox keeps it. */
const holderGone = () => ({
  type: statusCode.MESSAGE_WEBSOCKET_DISCONNECTED,
  message: 'the tab that held the connection went away',
});
const closed = () => ({ type: statusCode.WEBIM_CONNECTION_CLOSED, message: 'connection closed' });

/**
 * The store's connection, shared with the other tabs of the same user when the browser can
 * (`share` given, Web Locks and `BroadcastChannel` present); otherwise the SDK's own.
 */
export function createSharedConnection(
  config: SharedConnectionConfig,
  options: SdkConnectionOptions = {},
): StoreConnection {
  const { share, ...plain } = config;
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!share || !locks || typeof BroadcastChannel !== 'function')
    return createSdkConnection(plain, options);

  const tab = getUniqueId();
  const lockName = `openwebim-connection:${share.name}`;
  const handlers = new Map<string, StoreEventHandlers>();
  const calls = new Map<string, [resolve: (value: unknown) => void, reject: Handler]>();
  /** Leaves the lock's queue. */
  let queue: AbortController | undefined;
  /** This tab's last request of the lock: settled once the lock is let go (or the queue left). */
  let lockRequest: Promise<unknown> | undefined;
  /** The holder's revoke of its token, while it runs (see `close`). */
  let revoking: Promise<unknown> | undefined;
  /** Counts `close`s: what an earlier open was waiting for no longer counts. */
  let generation = 0;
  let role: 'idle' | 'follower' | 'holder' = 'idle';
  let channel: BroadcastChannel | undefined;
  /** The SDK connection, while this tab holds the socket. */
  let socket: StoreConnection | undefined;
  let credentials: Credentials | undefined;
  let token: string | undefined;
  let cursor: number | undefined;
  /** The holder's state as a follower last heard it. */
  let heard: HolderState = { opened: false };
  /** Ends the lock's callback (lets the lock go). */
  let release: (() => void) | undefined;
  const held = (): Promise<void> => new Promise((resolve) => (release = resolve));

  const post = (message: TabMessage): void => {
    if (!channel) return;
    try {
      channel.postMessage(message);
    } catch {
      // Something that cannot be cloned (a function in an SDK object): its JSON form, which is
      // what the callbacks carry anyway.
      channel.postMessage(JSON.parse(JSON.stringify(message)) as TabMessage);
    }
  };

  const dispatch = (name: string, args: unknown[]): void => {
    for (const set of [...handlers.values()]) {
      const handler = (set as Record<string, unknown>)[name];
      if (typeof handler === 'function') (handler as Handler)(...args);
    }
  };

  const rejectCalls = (error: () => unknown): void => {
    const pending = [...calls.values()];
    calls.clear();
    for (const [, reject] of pending) reject(error());
  };

  const stateOf = (holder: StoreConnection): HolderState => {
    const limits = holder.appLimits;
    return limits ? { opened: holder.isOpened(), limits } : { opened: holder.isOpened() };
  };

  /** The holder repeats every callback its stores listen to, with its state, to the followers. */
  const broadcastEvents = (holder: StoreConnection): void => {
    const repeat: Record<string, Handler> = {};
    for (const set of handlers.values())
      for (const name of Object.keys(set))
        repeat[name] = (...args) => post({ t: 'event', from: tab, name, args, ...stateOf(holder) });
    holder.addEventHandler(BROADCAST, repeat as StoreEventHandlers);
  };

  /** Keeps the token the session has now: the socket a follower takes over is opened with it. */
  const remember = (given: Credentials, result: OpenResult | undefined): void => {
    const accepted =
      result?.accessToken ??
      result?.access_token ??
      ('accessToken' in given ? given.accessToken : undefined);
    if (accepted) {
      token = accepted;
      credentials = { user: given.user, accessToken: accepted };
    }
  };

  /** This tab holds the lock: it runs the SDK connection and repeats its callbacks to the others. */
  const hold = (): StoreConnection => {
    role = 'holder';
    const holder = createSdkConnection(plain, options);
    holder.syncCursor = cursor;
    for (const [id, set] of handlers) holder.addEventHandler(id, set);
    broadcastEvents(holder);
    return (socket = holder);
  };

  /** The holder went away: this tab opens the socket, from the cursor stored in IndexedDB. */
  const takeOver = async (): Promise<void> => {
    const given = credentials;
    const run = generation;
    if (!given) return;
    // Unanswered calls went to the old holder: they fail as on a dropped socket.
    rejectCalls(holderGone);
    post({ t: 'holder', from: tab });
    dispatch('onReconnecting', []);
    const stored = await share.storedCursor().catch(() => undefined);
    if (role !== 'follower' || generation !== run) return;
    if (stored !== undefined && stored > (cursor ?? 0)) cursor = stored;
    const holder = hold();
    for (let attempt = 1; socket === holder; attempt += 1) {
      try {
        remember(given, (await holder.open(given)) as OpenResult | undefined);
        return;
      } catch (error) {
        // Anything else (a revoked token) reached the stores through `onError` already.
        if (!isTransientLoginFailure(toChatError(error))) return;
        await new Promise((resolve) => setTimeout(resolve, resumeBackoff(attempt)));
      }
    }
  };

  /**
   * A follower's credentials, checked over REST as the SDK's `open` would check them (a password
   * for a token; a token for its expiry), without a socket.
   */
  const route = (name: keyof typeof RestRoutes, user: string): [string, string] => {
    const [org = '', app = ''] = plain.appKey.split('#').map(encodeURIComponent);
    const [method = 'GET', path = ''] = RestRoutes[name].split(' ');
    const me = path.replace('{me}', encodeURIComponent(user));
    return [method, `${restBase(plain.apiUrl)}/${org}/${app}${me}`];
  };

  const verify = async (given: Credentials): Promise<OpenResult> => {
    const password = 'pwd' in given;
    const [method, url] = route(password ? 'token' : 'tokenExpires', given.user);
    if (!password) {
      const { expire_timestamp } = (await utils.ajax({
        url,
        method,
        headers: { Authorization: `Bearer ${given.accessToken}` },
      })) as TokenExpiresResponse;
      return { accessToken: given.accessToken, expireTimestamp: expire_timestamp };
    }
    try {
      const response = (await utils.ajax({
        url,
        method,
        data: {
          grant_type: 'password',
          username: given.user,
          password: given.pwd,
          timestamp: Date.now(),
        },
      })) as TokenResponse;
      const { access_token: accessToken, expires_in, user } = response;
      return { accessToken, expires_in, user };
    } catch (error) {
      // The SDK's shape for a refused password login.
      throw error instanceof TypeError ? error : { type: 1, data: error };
    }
  };

  const receive = (message: TabMessage): void => {
    const holder = socket;
    switch (message.t) {
      case 'call':
        if (holder) {
          const { id, from: to, method, args } = message;
          Promise.resolve()
            .then(() => (holder[method] as (...a: unknown[]) => Promise<unknown>)(...args))
            .then(
              (value) => post({ t: 'reply', id, to, ok: true, value }),
              (error: unknown) =>
                post({ t: 'reply', id, to, ok: false, error: toWireError(error) }),
            );
        }
        return;
      case 'reply': {
        const call = message.to === tab ? calls.get(message.id) : undefined;
        if (!call) return;
        calls.delete(message.id);
        if (message.ok) call[0](message.value);
        else call[1](fromWireError(message.error));
        return;
      }
      case 'hello':
        if (holder) post({ t: 'state', from: tab, to: message.from, ...stateOf(holder) });
        return;
      case 'holder':
        if (role !== 'follower') return;
        rejectCalls(holderGone);
        heard = { ...heard, opened: false };
        dispatch('onReconnecting', []);
        return;
      default:
        // `state` answers this tab's hello; `event` is a callback of the holder's socket.
        if (role !== 'follower' || (message.t === 'state' && message.to !== tab)) return;
        heard = message.limits
          ? { opened: message.opened, limits: message.limits }
          : { opened: message.opened };
        if (message.t === 'event') dispatch(message.name, message.args);
        else if (message.opened) dispatch('onOpened', []);
    }
  };

  const call = (method: RemoteMethod, args: unknown[]): Promise<unknown> => {
    if (socket) return (socket[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    if (role !== 'follower') return Promise.reject(closed());
    const id = getUniqueId();
    return new Promise((resolve, reject) => {
      calls.set(id, [resolve, reject]);
      post({ t: 'call', id, from: tab, method, args });
    });
  };

  const open = async (given: Credentials): Promise<unknown> => {
    const run = generation;
    credentials = given;
    if (!channel) {
      channel = new BroadcastChannel(lockName);
      channel.onmessage = (event: MessageEvent<unknown>) => {
        const message = asTabMessage(event.data);
        if (message) receive(message);
      };
    }
    if (role === 'idle') {
      // A lock this tab let go (opened again after a close) is free once the browser says so.
      await lockRequest;
      // The lock if nobody holds it; else this tab follows, in the queue for when the holder goes.
      const holder = await new Promise<boolean>((decided) => {
        lockRequest = locks
          .request(lockName, { ifAvailable: true }, (lock) => {
            decided(!!lock);
            return lock ? held() : undefined;
          })
          .catch(() => decided(false));
      });
      if (generation !== run || role !== 'idle') {
        if (holder) release?.();
        throw closed();
      }
      if (holder) hold();
      else {
        role = 'follower';
        queue = new AbortController();
        lockRequest = locks
          .request(lockName, { signal: queue.signal }, () => {
            if (role !== 'follower' || generation !== run) return undefined;
            void takeOver();
            return held();
          })
          .catch(() => undefined);
      }
    }
    if (socket) {
      const result = (await socket.open(given)) as OpenResult | undefined;
      remember(given, result);
      return result;
    }
    const result = await verify(given);
    if (generation !== run) throw closed();
    remember(given, result);
    if (role === 'follower') post({ t: 'hello', from: tab });
    return result;
  };

  const adapter: StoreConnection = {
    ...(Object.fromEntries(
      remoteMethods.map((method) => [method, (...args: unknown[]) => call(method, args)]),
    ) as unknown as Pick<StoreConnection, RemoteMethod>),
    ...restHelpers(plain, () => token),
    addEventHandler(id, set) {
      handlers.set(id, set);
      if (socket) {
        socket.addEventHandler(id, set);
        broadcastEvents(socket);
      }
    },
    removeEventHandler(id) {
      handlers.delete(id);
      socket?.removeEventHandler(id);
    },
    // Registering needs no socket: a connection of its own, never opened.
    registerUser: (request) => createSdkConnection(plain, options).registerUser(request),
    open,
    // Ends this tab's part (the store may open it again: a password change does).
    close() {
      generation += 1;
      role = 'idle';
      queue?.abort();
      queue = undefined;
      rejectCalls(closed);
      const holder = socket;
      socket = undefined;
      if (holder) {
        // Nobody hears this socket close: the store ends or opens anew, the next holder opens another.
        for (const id of [BROADCAST, ...handlers.keys()]) holder.removeEventHandler(id);
        holder.close();
      }
      const free = release;
      const ended = channel;
      release = undefined;
      channel = undefined;
      const end = () => {
        free?.();
        ended?.close();
      };
      // A revoke in flight: the followers hear of it before the lock goes (else one of them would
      // take the socket over with the dead token).
      if (revoking) void revoking.then(end);
      else end();
      revoking = undefined;
      token = undefined;
      heard = { opened: false };
    },
    // The token this tab signed in with (a follower's may not be the holder's).
    revokeToken() {
      if (socket) {
        // The server kicks the socket that used it (33); the followers hear that from here.
        const told = channel;
        const done = socket.revokeToken().then((result) => {
          told?.postMessage({
            t: 'event',
            from: tab,
            name: 'onError',
            args: [{ type: statusCode.WEBIM_CONNCTION_CLIENT_LOGOUT, message: 'token revoked' }],
            opened: false,
          } satisfies TabMessage);
          return result;
        });
        revoking = done.catch(() => undefined);
        return done;
      }
      const [method, url] = route('revokeToken', credentials?.user ?? '');
      return utils.ajax({ url, method, headers: { Authorization: `Bearer ${token}` } });
    },
    isOpened: () => (socket ? socket.isOpened() : heard.opened),
    getUniqueId,
  };
  return Object.defineProperties(adapter, {
    syncCursor: {
      get: () => (socket ? socket.syncCursor : cursor),
      set: (value: number | undefined) => {
        cursor = value;
        if (socket) socket.syncCursor = value;
      },
    },
    appLimits: { get: () => (socket ? socket.appLimits : heard.limits) },
  });
}
