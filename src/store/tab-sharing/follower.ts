/**
 * What only a **follower** does (see `shared-connection.ts`): a tab that found the connection's
 * Web Lock taken. It checks its credentials over REST, calls the connection's methods through the
 * holder, hears the holder's callbacks, waits in the lock's queue and takes the socket over when
 * the holder goes. A chunk of its own in the widget (`import()`ed when a tab finds the lock taken):
 * a visitor with one tab open never loads it.
 */
import {
  RestRoutes,
  type TokenExpiresResponse,
  type TokenResponse,
  statusCode,
} from '../../protocol/index.js';
import { getUniqueId, utils } from '../../sdk/index.js';
import type { OpenResult } from '../connection-events.js';
import { toChatError } from '../errors.js';
import { isTransientLoginFailure, resumeBackoff } from '../session-lifecycle.js';
import { restBase } from '../sdk-connection.js';
import type { Credentials, TabState } from './shared-connection.js';
import {
  type RemoteMethod,
  type TabMessage,
  type WireError,
  closed,
  isRecord,
  isString,
} from './tab-messages.js';

/** What the connection asks of its follower part; each call comes after the ones before it. */
export interface Follower {
  /** This tab follows: it waits in the lock's queue, to take the socket over (open `run`). */
  queue(run: number): void;
  /** What came on the channel and is not for the holder: `reply`, `holder`, `state`, `event`. */
  receive(data: unknown): void;
  /** `method` called through the holder. */
  call(method: RemoteMethod, args: unknown[]): Promise<unknown>;
  /**
   * The credentials checked over REST, as the SDK's `open` would check them; then says hello.
   * Fails as closed when the connection was closed since the open `run` began.
   */
  join(given: Credentials, run: number): Promise<OpenResult>;
  /**
   * Revokes `token` over REST; before the server accepted any (the REST check in flight), the
   * token `given` offered. Fails as closed when there is none.
   */
  revoke(given: Credentials | undefined, token: string | undefined): Promise<unknown>;
  /** Leaves the queue; calls not answered fail. */
  close(): void;
}

type Handler = (...args: unknown[]) => void;

function isState(data: Record<string, unknown>): boolean {
  return typeof data.opened === 'boolean' && (data.limits === undefined || isRecord(data.limits));
}

/** `data` as a message of the holder's for the followers, or `undefined` when it is not one. */
function asFollowerMessage(data: unknown): TabMessage | undefined {
  if (!isRecord(data)) return undefined;
  switch (data.t) {
    case 'reply':
      if (!isString(data.id) || !isString(data.to)) return undefined;
      if (data.ok === true && 'value' in data) return data as TabMessage;
      return data.ok === false && isRecord(data.error) && typeof data.error.type === 'number'
        ? (data as TabMessage)
        : undefined;
    case 'event':
      return isString(data.from) &&
        isString(data.name) &&
        /^on[A-Z]\w*$/.test(data.name) &&
        Array.isArray(data.args) &&
        isState(data)
        ? (data as TabMessage)
        : undefined;
    case 'holder':
      return isString(data.from) ? (data as TabMessage) : undefined;
    case 'state':
      return isString(data.from) && isString(data.to) && isState(data)
        ? (data as TabMessage)
        : undefined;
    default:
      return undefined;
  }
}

/** A {@link WireError} as the error the caller would have had from its own connection. */
function fromWireError(error: WireError): unknown {
  if (error.network) return new TypeError(error.message);
  const { network: _, ...plain } = error;
  return plain;
}

/**
 * What a call asked of a holder that went away fails with, when running it again could do it twice:
 * a dropped socket (a send stays in the outbox; any other call may or may not have run, and the
 * lists are fetched again when the next holder's socket opens).
 */
const holderGone = () => ({
  type: statusCode.MESSAGE_WEBSOCKET_DISCONNECTED,
  message: 'the tab that held the connection closed before answering',
});

/** Calls that may run twice: they read, or are receipts (a second one changes nothing). */
const repeatable = new Set<RemoteMethod>([
  'getRoster',
  'getContactRequests',
  'getBlocklist',
  'getGroupInfo',
  'getJoinedGroups',
  'getPublicGroups',
  'getGroupMembers',
  'getChatRooms',
  'getJoinedChatRooms',
  'history',
  'conversations',
  'sendRead',
  'sendChannel',
]);

/**
 * How long a call waits for the holder's answer (longer than the SDK's REST timeout, 15 s): a
 * holder's tab the browser froze (not closed) keeps the Web Lock and answers nothing.
 */
export const ANSWER_WAIT_MS = 20_000;

/**
 * What a call fails with when the holder did not answer in time: the SDK's request timeout, which
 * the store counts as "not now" (a send stays in the outbox).
 */
const unanswered = () => ({
  type: statusCode.REQUEST_TIMEOUT,
  message: 'the tab that holds the connection did not answer',
});

type Run = (method: RemoteMethod, args: unknown[]) => Promise<unknown>;
interface Call {
  method: RemoteMethod;
  args: unknown[];
  resolve(value: unknown): void;
  reject: Handler;
}

export function follow(s: TabState): Follower {
  const calls = new Map<string, Call>();
  /** Leaves the lock's queue. */
  let queue: AbortController | undefined;

  /**
   * Asks the holder; the answer settles the call (see `receive`), or the wait ends it. A holder that
   * stops answering is taken for frozen: this tab shows itself disconnected and says hello again,
   * and the holder's answer to that (once its tab runs again) opens it, which flushes the outbox.
   * The lock is not taken from it (`steal`): a frozen tab that runs again would keep its socket.
   */
  const ask = (id: string, call: Call): void => {
    calls.set(id, call);
    s.post({ t: 'call', id, from: s.tab, method: call.method, args: call.args });
    setTimeout(() => {
      if (calls.get(id) !== call) return;
      calls.delete(id);
      call.reject(unanswered());
      if (s.role !== 'follower') return;
      s.heard = { ...s.heard, opened: false };
      s.dispatch('onDisconnected', []);
      s.post({ t: 'hello', from: s.tab });
    }, s.answerWait ?? ANSWER_WAIT_MS);
  };

  /**
   * A new holder took over: what was asked of the old one and not answered runs again, on `run`
   * (this tab's own socket) or through the new holder, when it may run twice; else it fails.
   */
  const handOver = (run?: Run): void => {
    const pending = [...calls];
    calls.clear();
    for (const [id, call] of pending) {
      // `moderate` names the SDK's method first: its reads are the blocklists.
      const again =
        repeatable.has(call.method) ||
        (call.method === 'moderate' && /^get/.test(`${call.args[0]}`));
      if (!again) call.reject(holderGone());
      else if (run) run(call.method, call.args).then(call.resolve, call.reject);
      else ask(id, call);
    }
  };

  /** The holder went away: this tab opens the socket, from the cursor stored in IndexedDB. */
  const takeOver = async (): Promise<void> => {
    const given = s.credentials;
    const run = s.generation;
    if (!given) return;
    s.dispatch('onReconnecting', []);
    const stored = await s.share.storedCursor().catch(() => undefined);
    if (s.role !== 'follower' || s.generation !== run) return;
    if (stored !== undefined && stored > (s.cursor ?? 0)) s.cursor = stored;
    const holder = s.hold();
    // Signed in from here (REST calls work; receipts wait for the socket in the SDK), so the calls
    // asked meanwhile, of this tab or of the old holder, can run; then the others may ask here.
    let opening = holder.open(given);
    handOver((method, args) => (holder[method] as (...a: unknown[]) => Promise<unknown>)(...args));
    s.post({ t: 'holder', from: s.tab });
    for (let attempt = 1; ; attempt += 1) {
      try {
        s.remember(given, (await opening) as OpenResult | undefined);
        return;
      } catch (error) {
        // Anything else (a revoked token) reached the stores through `onError` already.
        if (!isTransientLoginFailure(toChatError(error))) return;
        await new Promise((resolve) => setTimeout(resolve, resumeBackoff(attempt)));
        if (s.socket !== holder) return;
        opening = holder.open(given);
      }
    }
  };

  /** A REST route of this app, for `user`: method and URL. */
  const route = (name: keyof typeof RestRoutes, user: string): [string, string] => {
    const [org = '', app = ''] = s.plain.appKey.split('#').map(encodeURIComponent);
    const [method = 'GET', path = ''] = RestRoutes[name].split(' ');
    const me = path.replace('{me}', encodeURIComponent(user));
    return [method, `${restBase(s.plain.apiUrl)}/${org}/${app}${me}`];
  };

  /** A password for a token, or a token for its expiry, without a socket. */
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

  return {
    queue(run) {
      if (s.generation !== run || s.role !== 'follower') return;
      queue = new AbortController();
      s.lockRequest = s.locks
        .request(s.lockName, { signal: queue.signal }, () => {
          if (s.role !== 'follower' || s.generation !== run) return undefined;
          void takeOver();
          return s.held();
        })
        .catch(() => undefined);
    },
    receive(data) {
      const message = asFollowerMessage(data);
      if (s.role !== 'follower' || !message) return;
      switch (message.t) {
        case 'reply': {
          const call = message.to === s.tab ? calls.get(message.id) : undefined;
          if (!call) return;
          calls.delete(message.id);
          if (message.ok) call.resolve(message.value);
          else call.reject(fromWireError(message.error));
          return;
        }
        case 'holder':
          handOver();
          s.heard = { ...s.heard, opened: false };
          s.dispatch('onReconnecting', []);
          return;
        case 'state':
        case 'event':
          // `state` answers this tab's hello; `event` is a callback of the holder's socket.
          if (message.t === 'state' && message.to !== s.tab) return;
          s.heard = message.limits
            ? { opened: message.opened, limits: message.limits }
            : { opened: message.opened };
          if (message.t === 'event') s.dispatch(message.name, message.args);
          else if (message.opened) s.dispatch('onOpened', []);
      }
    },
    call(method, args) {
      if (s.socket) return (s.socket[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      if (s.role !== 'follower') return Promise.reject(closed());
      return new Promise((resolve, reject) =>
        ask(getUniqueId(), { method, args, resolve, reject }),
      );
    },
    async join(given, run) {
      if (s.generation !== run) throw closed();
      const result = await verify(given);
      if (s.generation !== run) throw closed();
      s.remember(given, result);
      if (s.role === 'follower') s.post({ t: 'hello', from: s.tab });
      return result;
    },
    revoke(given, token) {
      const bearer = token ?? (given && 'accessToken' in given ? given.accessToken : undefined);
      if (!given || !bearer) return Promise.reject(closed());
      const [method, url] = route('revokeToken', given.user);
      return utils.ajax({ url, method, headers: { Authorization: `Bearer ${bearer}` } });
    },
    close() {
      queue?.abort();
      queue = undefined;
      const pending = [...calls.values()];
      calls.clear();
      for (const call of pending) call.reject(closed());
    },
  };
}
