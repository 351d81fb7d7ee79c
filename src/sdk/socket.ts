import type { AuthFrame, ClientFrame, ServerFrame } from '../protocol/index.js';

// A socket that neither fails nor authenticates in this time is given up (a black-holed host).
const AUTH_TIMEOUT_MS = 10_000;

/** One WebSocket session. */
export interface Socket {
  /** Sends if the socket is open; a frame that cannot go now stays with the caller (outbox). */
  send(frame: ClientFrame): boolean;
  /** Closes without reporting: the connection already knows why. */
  close(): void;
  /** Drops the socket and reports it as gone (heartbeat death, timeouts, server close). */
  fail(code: number, reason: string): void;
}

/**
 * Opens a session: sends `auth` first, parses frames, and reports its end once with `closed`
 * (`code`: the WebSocket close code) for any reason but {@link Socket.close}.
 */
export function openSocket(
  url: string,
  auth: AuthFrame,
  received: (frame: ServerFrame) => void,
  closed: (code: number, reason: string) => void,
): Socket {
  const ws = new WebSocket(url);
  let ended = false;
  const end = () => {
    ended = true;
    clearTimeout(timer);
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close(1000);
  };
  const socket: Socket = {
    send(frame) {
      if (ended || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    close: end,
    fail(code, reason) {
      if (ended) return;
      end();
      closed(code, reason);
    },
  };
  ws.onopen = () => socket.send(auth);
  ws.onmessage = (event) => {
    let frame: unknown;
    try {
      frame = typeof event.data === 'string' ? JSON.parse(event.data) : undefined;
    } catch {
      return;
    }
    if (frame && typeof (frame as ServerFrame).t === 'string') {
      if ((frame as ServerFrame).t === 'auth-ok') clearTimeout(timer);
      received(frame as ServerFrame);
    }
  };
  ws.onclose = (event) => socket.fail(event.code, event.reason);
  const timer = setTimeout(() => socket.fail(4000, 'no answer to auth'), AUTH_TIMEOUT_MS);
  return socket;
}
