// An HTTP proxy in front of a test server that passes requests on but refuses every WebSocket
// upgrade, as some company proxies do: REST works through it, the chat socket never opens. It can
// also hold the requests of one path until told (a slow network for that request only).
import { createServer, request } from 'node:http';

export class NoWebSocketProxy {
  /** @param {string} target `http://host:port` of the server behind it */
  constructor(target) {
    this.target = new URL(target);
    /** Upgrades refused so far. */
    this.refused = 0;
    /** @type {(() => void)[]} */
    this.waiters = [];
    /** A path part whose requests wait until {@link release} (see {@link hold}). */
    this.holding = undefined;
    /** @type {(() => void)[]} requests held, each passed on when called */
    this.held = [];
    this.server = createServer((incoming, outgoing) => {
      if (this.holding && incoming.url?.includes(this.holding)) {
        this.held.push(() => this.pass(incoming, outgoing));
        for (const wake of this.waiters.splice(0)) wake();
      } else this.pass(incoming, outgoing);
    });
    this.server.on('upgrade', (_request, socket) => {
      socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      this.refused += 1;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Passes one request on to the target. */
  pass(incoming, outgoing) {
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: this.target.host },
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  }

  /**
   * From now on, requests whose path contains `part` wait (a slow network for that request only);
   * resolves once `count` of them are waiting.
   */
  async hold(part, count = 1) {
    this.holding = part;
    while (this.held.length < count) await new Promise((resolve) => this.waiters.push(resolve));
    return this.held.length;
  }

  /** Passes the held requests on, and holds no more. */
  release() {
    this.holding = undefined;
    for (const pass of this.held.splice(0)) pass();
    return true;
  }

  /** Listens on a free port of 127.0.0.1; resolves to its `http://` URL. */
  listen() {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${this.server.address().port}`;
        resolve(this.url);
      }),
    );
  }

  /** Resolves once `count` upgrades have been refused. */
  async refusedAtLeast(count) {
    while (this.refused < count) await new Promise((resolve) => this.waiters.push(resolve));
    return this.refused;
  }

  close() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve(true)));
  }
}
