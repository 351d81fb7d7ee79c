/** A WebSocket test client (the `ws` package) that lets a test await the frames it expects. */
import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../../src/protocol/frames.js';

type FrameOf<T extends ServerFrame['t']> = Extract<ServerFrame, { t: T }>;

export interface Closed {
  code: number;
  reason: string;
}

export class TestSocket {
  readonly #ws: WebSocket;
  readonly #unread: ServerFrame[] = [];
  readonly #waiters = new Set<() => void>();
  /** Every frame received, in order, including those already taken by `next`. */
  readonly received: ServerFrame[] = [];
  readonly closed: Promise<Closed>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.received.push(frame);
      this.#unread.push(frame);
      for (const wake of [...this.#waiters]) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of [...this.#waiters]) wake();
      });
    });
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_request, response) => {
        reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), response));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.#ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.#ws.send(data, { binary });
  }

  /** Takes the next unread frame of kind `t` (optionally matching `where`), waiting for it. */
  next<T extends ServerFrame['t']>(
    t: T,
    where: (frame: FrameOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<FrameOf<T>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.#unread.findIndex(
          (frame) => frame.t === t && where(frame as FrameOf<T>),
        );
        if (index >= 0) {
          cleanup();
          resolve(this.#unread.splice(index, 1)[0] as FrameOf<T>);
        } else if (this.#ws.readyState === WebSocket.CLOSED) {
          cleanup();
          reject(new Error(`socket closed while waiting for ${t}; got ${this.#describe()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${t} frame within ${timeoutMs} ms; got ${this.#describe()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Stops reading the socket (frames pile up in the server's buffers), as a stuck client does. */
  pause(): void {
    this.#ws.pause();
  }

  resume(): void {
    this.#ws.resume();
  }

  /** Frames not yet taken by `next`. */
  unread(): ServerFrame[] {
    return [...this.#unread];
  }

  close(): Promise<Closed> {
    this.#ws.close();
    return this.closed;
  }

  #describe(): string {
    return JSON.stringify(this.received.map((frame) => frame.t));
  }
}
