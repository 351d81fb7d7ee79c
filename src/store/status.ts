/**
 * Connection status: a pure reduction of what the connection reported (and what the store did) to
 * the one {@link ConnectionStatus} the UI shows.
 */
import { type Observable, distinctUntilChanged, scan, startWith } from 'rxjs';
import type { ConnectionEvent } from './connection-events.js';
import type { ConnectionStatus } from './types.js';

/**
 * What moves the status. The store emits `login` / `signed-out` itself; the rest comes from the
 * connection's callbacks (see `connection-events.ts`).
 */
export type StatusEvent =
  /** A password or token login (or a resume from the saved session) has started. */
  | { type: 'login' }
  /** `onOpened` / `onConnected`: the socket is open and authenticated. */
  | { type: 'opened' }
  /** `onReconnecting`: the SDK is trying to get the socket back. */
  | { type: 'reconnecting' }
  /** `onDisconnected`: the socket dropped (or the connection ended; `closed` tells which). */
  | { type: 'disconnected' }
  /** `onOffline`: the browser lost the network. */
  | { type: 'offline' }
  /** `onOnline`: the browser has the network again; `opened` says whether the socket survived. */
  | { type: 'online'; opened: boolean }
  /** `onClosed`: the connection ended and the SDK will not try again on its own. */
  | { type: 'closed' }
  /** The user signed out, or the session ended (bad/expired token, login failed). */
  | { type: 'signed-out' };

/**
 * The next status after `event`. Callbacks of a connection that arrive after sign-out are ignored:
 * only a new `login` leaves `signed-out`.
 */
export function nextStatus(status: ConnectionStatus, event: StatusEvent): ConnectionStatus {
  if (event.type === 'login') return 'connecting';
  if (event.type === 'signed-out') return 'signed-out';
  if (status === 'signed-out') return status;
  switch (event.type) {
    case 'opened':
      return 'online';
    case 'reconnecting':
      return 'reconnecting';
    case 'disconnected':
      // `onDisconnected` also follows `onClosed` when reconnection gave up; that must stay `offline`.
      return status === 'online' ? 'reconnecting' : status;
    case 'offline':
      return 'offline';
    case 'online':
      if (event.opened) return 'online';
      return status === 'offline' ? 'reconnecting' : status;
    case 'closed':
      return 'offline';
  }
}

/** The status stream: starts `signed-out`, emits only changes. */
export function deriveStatus(
  initial: ConnectionStatus = 'signed-out',
): (events: Observable<StatusEvent>) => Observable<ConnectionStatus> {
  return (events) =>
    events.pipe(scan(nextStatus, initial), startWith(initial), distinctUntilChanged());
}

type NonStatus =
  'message' | 'receipt' | 'edit' | 'reaction' | 'ack' | 'error' | 'token-expired' | 'social';

/** Whether a connection event moves the status (the others are the store's data). */
export function isStatusEvent(
  event: ConnectionEvent,
): event is Exclude<ConnectionEvent, { type: NonStatus }> {
  return ![
    'message',
    'receipt',
    'edit',
    'reaction',
    'ack',
    'error',
    'token-expired',
    'social',
  ].includes(event.type);
}
