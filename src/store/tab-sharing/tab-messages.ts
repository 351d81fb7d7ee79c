/**
 * What the tabs of one user say to one another on their `BroadcastChannel` (see
 * `shared-connection.ts`). Any script of the origin can post on it, so every message is checked
 * before it is acted on, and a follower may ask the holder only for the methods listed here.
 */
import { type AppLimits, statusCode } from '../../protocol/index.js';
import { socialMethods } from '../connection-events.js';

/** The connection's methods a follower calls through the tab that holds the socket. */
export const remoteMethods = [
  ...socialMethods,
  'moderate',
  'sendMessage',
  'sendRead',
  'sendChannel',
  'recall',
  'modify',
  'reaction',
  'changePassword',
  'history',
  'conversations',
] as const;

export type RemoteMethod = (typeof remoteMethods)[number];

/** What a call fails with once its connection is closed. */
export const closed = () => ({
  type: statusCode.WEBIM_CONNECTION_CLOSED,
  message: 'connection closed',
});

/** An error as it crosses the channel: the SDK's `{type, message, data}`. */
export interface WireError {
  type: number;
  message?: string;
  data?: unknown;
  /** It was a `TypeError` (what `fetch` throws without a network); it is one again on arrival. */
  network?: true;
}

/** The holder's view of its socket, sent with each event and in answer to `hello`. */
export interface HolderState {
  opened: boolean;
  limits?: AppLimits;
}

export type TabMessage =
  /** A follower asks the holder to call `method`. */
  | { t: 'call'; id: string; from: string; method: RemoteMethod; args: unknown[] }
  /** The holder's answer to the follower `to`. */
  | { t: 'reply'; id: string; to: string; ok: true; value: unknown }
  | { t: 'reply'; id: string; to: string; ok: false; error: WireError }
  /** A callback of the holder's socket (`onTextMessage`, `onOpened`, …), for every follower. */
  | ({ t: 'event'; from: string; name: string; args: unknown[] } & HolderState)
  /** A follower has joined and wants the holder's state. */
  | { t: 'hello'; from: string }
  /** The holder's state, for the follower `to`. */
  | ({ t: 'state'; from: string; to: string } & HolderState)
  /** A tab has taken the socket over: what was asked of the previous holder will not be answered. */
  | { t: 'holder'; from: string };

export const isString = (value: unknown): value is string =>
  typeof value === 'string' && value !== '';
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * `data` as a message for the holder (`call`, `hello`), or `undefined`. What the followers hear is
 * checked by the follower part (`follower.ts`), which only they load.
 */
export function asHolderMessage(
  data: unknown,
): Extract<TabMessage, { t: 'call' | 'hello' }> | undefined {
  if (!isRecord(data) || !isString(data.from)) return undefined;
  if (data.t === 'hello') return data as { t: 'hello'; from: string };
  return data.t === 'call' &&
    isString(data.id) &&
    (remoteMethods as readonly unknown[]).includes(data.method) &&
    Array.isArray(data.args)
    ? (data as Extract<TabMessage, { t: 'call' }>)
    : undefined;
}

/** Any thrown value as a {@link WireError} (errors of the SDK are plain objects already). */
export function toWireError(error: unknown): WireError {
  if (isRecord(error) && typeof error.type === 'number') {
    const wire: WireError = { type: error.type };
    if (typeof error.message === 'string') wire.message = error.message;
    if ('data' in error) wire.data = error.data;
    return wire;
  }
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof TypeError ? { type: -2, message, network: true } : { type: -2, message };
}
