import type { AuthFrame, ClientFrame, ServerFrame } from '../protocol/index.js';

export interface SocketEvents {
  frame(frame: ServerFrame): void;
  /** The socket is gone for any reason but {@link Socket.close}: `code` is the WebSocket close code. */
  closed(code: number, reason: string): void;
}

// A socket that neither fails nor authenticates in this time is given up (a black-holed host).
const AUTH_TIMEOUT_MS = 10_000;

/** One WebSocket session: sends `auth` first, parses frames, reports its end once. */
export class Socket {
  private readonly ws: WebSocket;
  private readonly timer: ReturnType<typeof setTimeout>;
  private ended = false;

  constructor(
    url: string,
    auth: AuthFrame,
    private readonly events: SocketEvents,
  ) {
    this.ws = new WebSocket(url);
    this.ws.onopen = () => this.send(auth);
    this.ws.onmessage = (event) => {
      let frame: unknown;
      try {
        frame = typeof event.data === 'string' ? JSON.parse(event.data) : undefined;
      } catch {
        return;
      }
      if (frame && typeof (frame as ServerFrame).t === 'string') {
        if ((frame as ServerFrame).t === 'auth-ok') clearTimeout(this.timer);
        this.events.frame(frame as ServerFrame);
      }
    };
    this.ws.onclose = (event) => this.fail(event.code, event.reason);
    this.timer = setTimeout(() => this.fail(4000, 'no answer to auth'), AUTH_TIMEOUT_MS);
  }

  /** Sends if the socket is open; a frame that cannot go now stays with the caller (outbox). */
  send(frame: ClientFrame): boolean {
    if (this.ended || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Closes without reporting: the connection already knows why. */
  close(): void {
    this.end();
  }

  /** Drops the socket and reports it as gone (heartbeat death, timeouts, server close). */
  fail(code: number, reason: string): void {
    if (this.ended) return;
    this.end();
    this.events.closed(code, reason);
  }

  private end(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
    this.ws.close(1000);
  }
}
