// An HTTP proxy in front of a test server that passes requests on but refuses every WebSocket
// upgrade, as some company proxies do: REST works through it, the chat socket never opens. It can
// also hold the requests of one path until told (a slow network for that request only), or their
// answers: the server answered at once, the client hears it later, after what happened meanwhile
// (an answer older than the events that reached the client's socket first). With `webSockets`
// it passes the chat socket on too, for tests that need both.
import { createServer, request } from 'node:http';
import { connect } from 'node:net';

export class NoWebSocketProxy {
  /**
   * @param {string} target `http://host:port` of the server behind it
   * @param {{ webSockets?: boolean }} options `webSockets`: pass WebSocket upgrades on
   */
  constructor(target, { webSockets = false } = {}) {
    this.target = new URL(target);
    /** Whether {@link hold} holds the answers (passing the requests on at once). */
    this.answers = false;
    /** Upgrades refused so far. */
    this.refused = 0;
    /** @type {(() => void)[]} */
    this.waiters = [];
    /** A path part whose requests wait until {@link release} (see {@link hold}). */
    this.holding = undefined;
    /** @type {(() => void)[]} requests held, each passed on when called */
    this.held = [];
    /** @type {Set<import('node:net').Socket>} both ends of the WebSocket tunnels open ({@link tunnel}) */
    this.tunnels = new Set();
    this.server = createServer((incoming, outgoing) => {
      if (this.holding && incoming.url?.includes(this.holding)) {
        if (this.answers) this.pass(incoming, outgoing, true);
        else this.keep(() => this.pass(incoming, outgoing));
      } else this.pass(incoming, outgoing);
    });
    this.server.on('upgrade', (incoming, socket, head) => {
      if (webSockets) {
        this.tunnel(incoming, socket, head);
        return;
      }
      socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      this.refused += 1;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Holds `pass` until {@link release}. */
  keep(pass) {
    this.held.push(pass);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Passes one request on to the target; with `holdAnswer`, its answer waits for {@link release}. */
  pass(incoming, outgoing, holdAnswer = false) {
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: this.target.host },
      },
      (response) => {
        const answer = () => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        };
        if (holdAnswer) this.keep(answer);
        else answer();
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  }

  /** A WebSocket upgrade passed on to the target as it came, then bytes both ways. */
  tunnel(incoming, socket, head) {
    const upstream = connect(Number(this.target.port), this.target.hostname, () => {
      const lines = [`${incoming.method} ${incoming.url} HTTP/${incoming.httpVersion}`];
      for (let i = 0; i < incoming.rawHeaders.length; i += 2)
        lines.push(`${incoming.rawHeaders[i]}: ${incoming.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    for (const end of [upstream, socket]) {
      this.tunnels.add(end);
      end.on('close', () => {
        this.tunnels.delete(end);
        upstream.destroy();
        socket.destroy();
      });
      end.on('error', () => end.destroy());
    }
  }

  /**
   * From now on, requests whose path contains `part` wait (a slow network for that request only),
   * or with `answers` their answers do; resolves once `count` of them are waiting (counting those
   * held already).
   */
  async hold(part, count = 1, answers = false) {
    this.holding = part;
    this.answers = answers;
    while (this.held.length < count) await new Promise((resolve) => this.waiters.push(resolve));
    return this.held.length;
  }

  /**
   * Passes the held requests (or answers) on, and holds no more; with `count`, passes only the
   * first `count` held and goes on holding.
   */
  release(count) {
    if (count === undefined) this.holding = undefined;
    for (const pass of this.held.splice(0, count ?? this.held.length)) pass();
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
    for (const tunnel of this.tunnels) tunnel.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve(true)));
  }
}
