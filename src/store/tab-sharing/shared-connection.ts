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
 *   queue: it opens the socket from the sync cursor stored in IndexedDB, so the server replays what
 *   was not stored yet, and says so on the channel. What was asked of the old holder and not
 *   answered runs again on the new one when running it twice does no harm (reads, receipts); else
 *   it fails as on a dropped socket (510): a send stays in the outbox, and the new socket's
 *   `onOpened` makes every tab flush the outbox (the server stores a message once per client id)
 *   and fetch its lists again.
 *
 * A holder whose tab was frozen (not closed) keeps the lock and answers nothing: a follower's call
 * fails after `ANSWER_WAIT_MS` (20 s) with the SDK's request timeout (`statusCode.REQUEST_TIMEOUT`),
 * and the follower shows itself disconnected until the holder answers its hello again.
 *
 * A follower checks its credentials over REST before it joins (a wrong password fails as it would
 * alone). Without Web Locks or `BroadcastChannel`, each tab keeps its own socket, as before.
 *
 * What only a follower does (the queue, the takeover, the REST check, calls through the holder) is
 * `follower.ts`, imported when a tab finds the lock taken: a visitor with one tab never loads it.
 * The rest is one closure rather than a class (its names minify; every signed-in page loads it),
 * over the one {@link TabState} it shares with the follower part.
 */
import { statusCode } from '../../protocol/index.js';
import { getUniqueId } from '../../sdk/index.js';
import type { OpenResult, StoreConnection, StoreEventHandlers } from '../connection-events.js';
import { type SdkConnectionOptions, createSdkConnection, restHelpers } from '../sdk-connection.js';
import type { Follower } from './follower.js';
import {
  type HolderState,
  type RemoteMethod,
  type TabMessage,
  asHolderMessage,
  closed,
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

/** The SDK connection's settings, and how long a follower waits for the holder's answer. */
export interface SharedConnectionOptions extends SdkConnectionOptions {
  /** Default `ANSWER_WAIT_MS` of `follower.ts` (20 s); tests make it short. */
  answerWaitMs?: number;
}

export type Credentials = { user: string; pwd: string } | { user: string; accessToken: string };
type Handler = (...args: unknown[]) => void;

/** One tab's part of a shared connection: what the holder's code and the follower's share. */
export interface TabState {
  /** This tab's id on the channel. */
  readonly tab: string;
  readonly lockName: string;
  readonly locks: LockManager;
  readonly share: ShareScope;
  readonly plain: Omit<SharedConnectionConfig, 'share'>;
  /** Counts `close`s: what an earlier open was waiting for no longer counts. */
  generation: number;
  role: 'idle' | 'follower' | 'holder';
  /** The SDK connection, while this tab holds the socket. */
  socket?: StoreConnection;
  credentials?: Credentials;
  token?: string;
  cursor?: number;
  /** The holder's state as a follower last heard it. */
  heard: HolderState;
  /** How long a follower's call waits for the holder (see `SharedConnectionOptions`). */
  readonly answerWait?: number | undefined;
  /** This tab's last request of the lock: settled once the lock is let go (or the queue left). */
  lockRequest?: Promise<unknown>;
  post(message: TabMessage): void;
  /** Calls `name` of every handler set of this tab's stores. */
  dispatch(name: string, args: unknown[]): void;
  /** This tab holds the lock: it runs the SDK connection and repeats its callbacks to the others. */
  hold(): StoreConnection;
  /** Keeps the token the session has now: the socket a follower takes over is opened with it. */
  remember(given: Credentials, result: OpenResult | undefined): void;
  /** Settles when the lock is to be let go (the lock's callback returns it). */
  held(): Promise<void>;
}

/** The id of the handler set through which the holder repeats its socket's callbacks. */
const BROADCAST = 'openwebim-tab-sharing';

/**
 * The store's connection, shared with the other tabs of the same user when the browser can
 * (`share` given, Web Locks and `BroadcastChannel` present); otherwise the SDK's own.
 */
export function createSharedConnection(
  config: SharedConnectionConfig,
  options: SharedConnectionOptions = {},
): StoreConnection {
  const { share, ...plain } = config;
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!share || !locks || typeof BroadcastChannel !== 'function')
    return createSdkConnection(plain, options);

  const handlers = new Map<string, StoreEventHandlers>();
  /** The holder's revoke of its token, while it runs (see `close`). */
  let revoking: Promise<unknown> | undefined;
  let channel: BroadcastChannel | undefined;
  /** Ends the lock's callback (lets the lock go). */
  let release: (() => void) | undefined;
  /**
   * The follower part, once this tab has found the lock taken. Everything asked of it goes through
   * `then` of this one promise, so it happens in the order it was asked while the chunk loads.
   */
  let follower: Promise<Follower> | undefined;
  const later = (use: (f: Follower) => unknown): void => void follower?.then(use, () => undefined);

  const stateOf = (holder: StoreConnection): HolderState => {
    const limits = holder.appLimits;
    return limits ? { opened: holder.isOpened(), limits } : { opened: holder.isOpened() };
  };

  /** The holder repeats every callback its stores listen to, with its state, to the followers. */
  const broadcastEvents = (holder: StoreConnection): void => {
    const repeat: Record<string, Handler> = {};
    for (const set of handlers.values())
      for (const name of Object.keys(set))
        repeat[name] = (...args) =>
          s.post({ t: 'event', from: s.tab, name, args, ...stateOf(holder) });
    holder.addEventHandler(BROADCAST, repeat as StoreEventHandlers);
  };

  const s: TabState = {
    tab: getUniqueId(),
    lockName: `openwebim-connection:${share.name}`,
    locks,
    share,
    plain,
    generation: 0,
    role: 'idle',
    heard: { opened: false },
    answerWait: options.answerWaitMs,
    post(message) {
      if (!channel) return;
      try {
        channel.postMessage(message);
      } catch {
        // Something that cannot be cloned (a function in an SDK object): its JSON form, which is
        // what the callbacks carry anyway.
        channel.postMessage(JSON.parse(JSON.stringify(message)) as TabMessage);
      }
    },
    dispatch(name, args) {
      for (const set of [...handlers.values()]) {
        const handler = (set as Record<string, unknown>)[name];
        if (typeof handler === 'function') (handler as Handler)(...args);
      }
    },
    hold() {
      s.role = 'holder';
      const holder = createSdkConnection(plain, options);
      holder.syncCursor = s.cursor;
      for (const [id, set] of handlers) holder.addEventHandler(id, set);
      broadcastEvents(holder);
      return (s.socket = holder);
    },
    remember(given, result) {
      const accepted =
        result?.accessToken ??
        result?.access_token ??
        ('accessToken' in given ? given.accessToken : undefined);
      if (accepted) {
        s.token = accepted;
        s.credentials = { user: given.user, accessToken: accepted };
      }
    },
    held: () => new Promise((resolve) => (release = resolve)),
  };

  const receive = (data: unknown): void => {
    const message = asHolderMessage(data);
    const holder = s.socket;
    if (message?.t === 'call') {
      if (!holder) return;
      const { id, from: to, method, args } = message;
      Promise.resolve()
        .then(() => (holder[method] as (...a: unknown[]) => Promise<unknown>)(...args))
        .then(
          (value) => s.post({ t: 'reply', id, to, ok: true, value }),
          (error: unknown) => s.post({ t: 'reply', id, to, ok: false, error: toWireError(error) }),
        );
    } else if (message) {
      if (holder) s.post({ t: 'state', from: s.tab, to: message.from, ...stateOf(holder) });
    } else if (s.role === 'follower') later((f) => f.receive(data));
  };

  const call = (method: RemoteMethod, args: unknown[]): Promise<unknown> => {
    if (s.socket) return (s.socket[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    if (s.role !== 'follower' || !follower) return Promise.reject(closed());
    return follower.then((f) => f.call(method, args));
  };

  const open = async (given: Credentials): Promise<unknown> => {
    const run = s.generation;
    s.credentials = given;
    if (!channel) {
      channel = new BroadcastChannel(s.lockName);
      channel.onmessage = (event: MessageEvent<unknown>) => receive(event.data);
    }
    if (s.role === 'idle') {
      // A lock this tab let go (opened again after a close) is free once the browser says so.
      await s.lockRequest;
      // The lock if nobody holds it; else this tab follows, in the queue for when the holder goes.
      const holder = await new Promise<boolean>((decided) => {
        s.lockRequest = locks
          .request(s.lockName, { ifAvailable: true }, (lock) => {
            decided(!!lock);
            return lock ? s.held() : undefined;
          })
          .catch(() => decided(false));
      });
      if (s.generation !== run || s.role !== 'idle') {
        if (holder) release?.();
        throw closed();
      }
      if (holder) s.hold();
      else {
        s.role = 'follower';
        follower ??= import('./follower.js').then(
          (module) => module.follow(s),
          (error: unknown) => {
            // Loaded again at the next open (a deploy may have replaced the chunk meanwhile).
            follower = undefined;
            throw error;
          },
        );
        later((f) => f.queue(run));
      }
    }
    if (s.socket) {
      const result = (await s.socket.open(given)) as OpenResult | undefined;
      s.remember(given, result);
      return result;
    }
    if (!follower) throw closed();
    return (await follower).join(given, run);
  };

  const adapter: StoreConnection = {
    ...(Object.fromEntries(
      remoteMethods.map((method) => [method, (...args: unknown[]) => call(method, args)]),
    ) as unknown as Pick<StoreConnection, RemoteMethod>),
    ...restHelpers(plain, () => s.token),
    addEventHandler(id, set) {
      handlers.set(id, set);
      if (s.socket) {
        s.socket.addEventHandler(id, set);
        broadcastEvents(s.socket);
      }
    },
    removeEventHandler(id) {
      handlers.delete(id);
      s.socket?.removeEventHandler(id);
    },
    // Registering needs no socket: a connection of its own, never opened.
    registerUser: (request) => createSdkConnection(plain, options).registerUser(request),
    open,
    // Ends this tab's part (the store may open it again: a password change does).
    close() {
      s.generation += 1;
      s.role = 'idle';
      later((f) => f.close());
      const holder = s.socket;
      s.socket = undefined;
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
      s.token = undefined;
      s.heard = { opened: false };
    },
    // The token this tab signed in with (a follower's may not be the holder's).
    revokeToken() {
      const holder = s.socket;
      if (!holder) {
        // Read now: the store closes the connection right after asking (see `close`).
        const { credentials, token } = s;
        return follower
          ? follower.then((f) => f.revoke(credentials, token))
          : Promise.reject(closed());
      }
      // The server kicks the socket that used it (33); the followers hear that from here.
      const told = channel;
      const done = holder.revokeToken().then((result) => {
        told?.postMessage({
          t: 'event',
          from: s.tab,
          name: 'onError',
          args: [{ type: statusCode.WEBIM_CONNCTION_CLIENT_LOGOUT, message: 'token revoked' }],
          opened: false,
        } satisfies TabMessage);
        return result;
      });
      revoking = done.catch(() => undefined);
      return done;
    },
    isOpened: () => (s.socket ? s.socket.isOpened() : s.heard.opened),
    getUniqueId,
  };
  return Object.defineProperties(adapter, {
    syncCursor: {
      get: () => (s.socket ? s.socket.syncCursor : s.cursor),
      set: (value: number | undefined) => {
        s.cursor = value;
        if (s.socket) s.socket.syncCursor = value;
      },
    },
    appLimits: { get: () => (s.socket ? s.socket.appLimits : s.heard.limits) },
  });
}
