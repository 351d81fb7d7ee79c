/**
 * One WebSocket session, from `auth` to close: the frames of src/protocol/frames.ts, in order.
 *
 * Frames are handled one after another (a promise chain), so a client's messages are stored in the
 * order it sent them. The replay after `auth` runs beside that chain, so pings and sends are answered
 * while a long inbox streams out.
 *
 * Whatever a client does, what the server holds for it stays bounded:
 * - Live delivery stops while the socket has more than {@link LIVE_HIGH_WATER} unsent (a client that
 *   does not read): the session only notes the newest seq it skipped, and once the socket drains it
 *   catches up from the inbox by seq, as the replay does. Room messages and presence, which no inbox
 *   holds, are dropped meanwhile. Past {@link HARD_LIMIT} unsent (answers to its own frames pile up)
 *   the socket is closed with `CloseCode.TooSlow`.
 * - Every frame kind counts against a per-user limit shared by all the user's sockets (`msg` against
 *   `messagesPerSecond`, so does an edit, the others against `framesPerSecond`): a refused `msg`,
 *   `modify` or `recall` is nacked 509, any other frame answered `error` 509.
 * - Frames that cannot be used (not JSON, unknown kind, binary, a frame other than `msg` or `modify` over
 *   {@link SMALL_FRAME_BYTES}) are refused, and after {@link MAX_STRIKES} in a minute the socket is
 *   closed with `CloseCode.PolicyViolation`; so is a client whose frames the limiter refused
 *   {@link MAX_REFUSED} times in a minute.
 * - While {@link QUEUE_HIGH_WATER} frames wait to be handled, the socket is not read any further.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import {
  CloseCode,
  type AuthFrame,
  type ClientFrame,
  type ServerFrame,
} from '../../src/protocol/frames.js';
import type { Unsubscribe, UserEvent } from '../bus/fanout.js';
import { DomainError, Failures } from '../domain/errors.js';
import { StatusCodes } from '../domain/status-codes.js';
import { StorageUnavailable, type AppRecord } from '../storage/storage.js';
import { parseClientFrame } from './client-frames.js';
import { acknowledge, channel, modify, recall, received } from './frame-handlers.js';
import { InboxDelivery, LIVE_HIGH_WATER } from './inbox-delivery.js';
import { MessagePipeline } from './message-pipeline.js';
import { SessionToken } from './session-token.js';
import { corkForTurn } from './turn-writes.js';
import type { SessionContext, SessionPort } from './session-port.js';

export type { SessionContext, SessionLimits } from './session-port.js';
export { LIVE_HIGH_WATER };

export interface SessionOptions {
  /** `http(s)://host[:port]` the client reaches the REST API by: file urls are sent on it. */
  restBase: string;
  /** The socket's byte stream (the upgraded request's): corked for a turn, see turn-writes.ts. */
  stream?: Duplex;
}

/** Past this much unsent the client is not reading at all: the socket is closed. */
export const HARD_LIMIT = 8 * 1024 * 1024;
/** Only `msg` frames may be larger than this. */
export const SMALL_FRAME_BYTES = 4096;
/** Unusable frames per minute before the socket is closed. */
export const MAX_STRIKES = 5;
/** Frames refused by the rate limits per minute before the socket is closed. */
export const MAX_REFUSED = 500;
/** Frames waiting to be handled before the socket stops being read (and again below the low). */
const QUEUE_HIGH_WATER = 256;
const QUEUE_LOW_WATER = 64;

type State = 'awaiting-auth' | 'authenticating' | 'open' | 'closed';

/** A frame waiting its turn: a parsed one, or a `msg`/`recall` to nack for what it got wrong. */
type Queued = ClientFrame | { t: 'unusable'; id: string; reason: string };

/** Who is logged in on this socket; set once `auth` succeeds. */
interface Login {
  user: string;
  deviceId: string;
  multi: boolean;
  /** The login's place in the service's login order (0 until it has one). */
  loginOrder: number;
}

export class Session {
  readonly id = randomUUID();
  readonly #socket: WebSocket;
  readonly #app: AppRecord;
  readonly #ctx: SessionContext;
  readonly #onClosed: (session: Session) => void;
  readonly #restBase: string;
  readonly #stream: Duplex | undefined;

  #state: State = 'awaiting-auth';
  #login: Login | undefined;
  /** `${appKey}\n${user}`: the key of the per-user limits. */
  #userKey = '';
  #queue: Promise<void> = Promise.resolve();
  /** The size of each `msg` frame as received, for the pipeline's bound. */
  readonly #frameBytes = new WeakMap<object, number>();
  /** Frames in the chain; the socket is paused while there are too many. */
  #pending = 0;
  #paused = false;
  #strikes = { start: 0, count: 0 };
  #refused = { start: 0, count: 0 };
  #unsubscribe: Unsubscribe | undefined;
  #authTimer: NodeJS.Timeout;
  #idleTimer: NodeJS.Timeout;

  /** What the session has sent of the user's inbox. */
  readonly #port: SessionPort;
  readonly #delivery: InboxDelivery;
  readonly #pipeline: MessagePipeline;
  /** The token logged in with: its expiry and its hash (session-token.ts). */
  readonly #token: SessionToken;
  /** Counted in the presence registry (once, from `auth-ok` until closed). */
  #counted = false;
  /** On the user's list of sessions (from its login until closed). */
  #listed = false;

  constructor(
    socket: WebSocket,
    app: AppRecord,
    ctx: SessionContext,
    onClosed: (session: Session) => void,
    options: SessionOptions,
  ) {
    this.#socket = socket;
    this.#restBase = options.restBase;
    this.#stream = options.stream;
    this.#app = app;
    this.#ctx = ctx;
    this.#onClosed = onClosed;
    const port = (this.#port = this.#openPort());
    this.#delivery = new InboxDelivery(port);
    this.#token = new SessionToken(port);
    this.#pipeline = new MessagePipeline(port, this.#delivery, {
      waiting: () => (this.#pending += 1),
      failed: (error) => this.#failed(error),
      handled: () => this.#handled(),
    });
    this.#authTimer = setTimeout(
      () => this.close(CloseCode.AuthFailed, 'no auth frame in time'),
      ctx.config.authTimeoutMs,
    );
    this.#idleTimer = setTimeout(
      () => this.close(CloseCode.Idle, 'no frame for three heartbeats'),
      ctx.config.heartbeatMs * 3,
    );
    socket.on('message', (data, isBinary) => {
      try {
        this.#onFrame(data, isBinary);
      } catch (error) {
        // Whatever a client sends, the process stays up.
        ctx.log.error({ err: error }, 'websocket frame failed');
        this.#error(StatusCodes.SERVER_BUSY, 'the server could not process the frame');
      }
    });
    socket.on('close', () => this.#dispose());
  }

  /** Ends the session (idempotent). */
  close(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#socket.close(code, reason);
    this.#dispose();
  }

  #dispose(): void {
    this.#state = 'closed';
    clearTimeout(this.#authTimer);
    clearTimeout(this.#idleTimer);
    this.#token.dispose();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#counted && this.#login) {
      this.#counted = false;
      this.#ctx.presence.closed(this.#app.key, this.#login.user);
    }
    this.#unlist();
    this.#delivery.dispose();
    this.#onClosed(this);
  }

  #unlist(): void {
    if (!this.#listed || !this.#login) return;
    this.#listed = false;
    this.#ctx.sessions
      .closed(this.#app.key, this.#login.user, this.id)
      .catch((error: unknown) => this.#ctx.log.error({ err: error }, 'session list failed'));
  }

  /** Tells the client why, then ends the session (a newer login, a password change). */
  kick(code: number, reason: string, closeCode: number = CloseCode.Kicked): void {
    if (this.#state === 'closed') return;
    this.#send({ t: 'kicked', code, reason });
    this.close(closeCode, reason);
  }

  /**
   * This session as its parts see it (frame-handlers.ts, inbox-delivery.ts, message-pipeline.ts,
   * session-token.ts).
   */
  #openPort(): SessionPort {
    const userKey = () => this.#userKey;
    const login = () => {
      if (!this.#login) throw new Error('the session has not logged in');
      return this.#login;
    };
    return {
      id: this.id,
      app: this.#app,
      ctx: this.#ctx,
      restBase: this.#restBase,
      get user() {
        return login().user;
      },
      get deviceId() {
        return login().deviceId;
      },
      get userKey() {
        return userKey();
      },
      send: (frame) => this.#send(frame),
      sendText: (text) => this.#sendText(text),
      error: (code, reason) => this.#error(code, reason),
      congested: () => this.#congested(),
      isClosed: () => this.#isClosed(),
      close: (code, reason) => this.close(code, reason),
    };
  }

  #send(frame: ServerFrame): void {
    this.#sendText(JSON.stringify(frame));
  }

  #sendText(text: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    if (this.#socket.bufferedAmount > HARD_LIMIT) {
      this.close(CloseCode.TooSlow, 'the client does not read its frames');
      return;
    }
    if (this.#stream) corkForTurn(this.#stream);
    this.#socket.send(text);
  }

  /** (A method, so TypeScript does not narrow the state across awaits.) */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  /** The socket holds too much already: live frames would only pile up in memory. */
  #congested(): boolean {
    return this.#socket.bufferedAmount > LIVE_HIGH_WATER;
  }

  /** Counts in a one-minute window; `true` when the count passed `max`. */
  #tally(window: { start: number; count: number }, max: number): boolean {
    const now = Date.now();
    if (now - window.start >= 60_000) {
      window.start = now;
      window.count = 0;
    }
    window.count += 1;
    return window.count > max;
  }

  /** A frame we could not use; too many and the socket goes. */
  #strike(): void {
    if (this.#tally(this.#strikes, MAX_STRIKES - 1)) {
      this.close(CloseCode.PolicyViolation, 'too many unusable frames');
    }
  }

  #error(code: number, reason: string): void {
    this.#send({ t: 'error', code, reason });
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (this.#state === 'closed') return this.#afterEnd(data, isBinary);
    this.#idleTimer.refresh();
    if (isBinary) {
      this.#refuse('binary frames are not accepted; send JSON text');
      this.#strike();
      return;
    }
    const text = data.toString();
    const parsed = parseClientFrame(text);
    // A message and an edit carry a text; every other frame is small.
    const carriesText = parsed.ok && (parsed.frame.t === 'msg' || parsed.frame.t === 'modify');
    if (parsed.ok && !carriesText && text.length > SMALL_FRAME_BYTES) {
      this.#refuse(`a ${parsed.frame.t} frame must be under ${SMALL_FRAME_BYTES} bytes`);
      this.#strike();
      return;
    }
    if (!parsed.ok) {
      if (parsed.t === 'auth' && this.#state === 'awaiting-auth') {
        this.#refuseAuth(StatusCodes.WEBIM_CONNCTION_AUTH_ERROR, parsed.reason);
      } else if (parsed.id !== undefined && this.#state === 'open') {
        // A message the client can be told about by its id: nacked in turn, and counted like one.
        this.#enqueue({ t: 'unusable', id: parsed.id, reason: parsed.reason });
      } else {
        this.#refuse(parsed.reason);
        this.#strike();
      }
      return;
    }
    const frame = parsed.frame;
    if (frame.t === 'msg') this.#frameBytes.set(frame, text.length);
    if (this.#state === 'awaiting-auth') {
      if (frame.t !== 'auth') {
        this.#refuse(`send auth first, not ${frame.t}`);
        return;
      }
      this.#state = 'authenticating';
    } else if (frame.t === 'auth') {
      this.#error(StatusCodes.MESSAGE_PARAMETER_ERROR, 'this session is already authenticated');
      return;
    }
    this.#enqueue(frame);
  }

  /**
   * A frame read after the session ended: only a cursor report (`recv`) of a session that logged in
   * is still taken, since that device has those messages. A sign-out sends its last one as the SDK
   * closes, while the store revokes the token: the revoke's kick often ends the session first, and
   * dropping the report replayed those messages to the user's other devices.
   */
  #afterEnd(data: RawData, isBinary: boolean): void {
    if (isBinary || !this.#login) return;
    const parsed = parseClientFrame(data.toString());
    if (parsed.ok && parsed.frame.t === 'recv') this.#enqueue(parsed.frame);
  }

  /** Handles the frame after those before it; too many waiting and the socket is not read. */
  #enqueue(frame: Queued): void {
    this.#pending += 1;
    if (this.#pending >= QUEUE_HIGH_WATER && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
    this.#queue = this.#queue
      // Anything but a message first waits for the answers of the messages before it: it may read
      // what they wrote (a recall of the message just sent), and its answer comes after theirs.
      .then(() => (frame.t === 'msg' ? undefined : this.#pipeline.answers))
      // A session that ended meanwhile still takes a cursor report it read (see #afterEnd).
      .then(() =>
        this.#state !== 'closed' || (frame.t === 'recv' && this.#login)
          ? this.#limitThenHandle(frame)
          : undefined,
      )
      .catch((error: unknown) => this.#failed(error))
      .finally(() => this.#handled());
  }

  /** A frame (or a pipelined message's answer) failed: the client is told, the socket stays. */
  #failed(error: unknown): void {
    this.#ctx.log.error({ err: error }, 'websocket frame failed');
    if (this.#state === 'authenticating') {
      this.#refuseAuth(StatusCodes.WEBIM_CONNCTION_AUTH_ERROR, 'the server could not log in');
    } else if (error instanceof StorageUnavailable) {
      // Not acked: the client's outbox keeps the message and sends it again later.
      this.#error(StatusCodes.SERVER_BUSY, error.message);
    } else {
      this.#error(StatusCodes.SERVER_BUSY, 'the server could not process the frame');
    }
  }

  /** One frame less waiting; below the low water the socket is read again. */
  #handled(): void {
    this.#pending -= 1;
    if (this.#paused && this.#pending <= QUEUE_LOW_WATER && this.#state !== 'closed') {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  /** Counts the frame against the user's limit (every kind but `auth`), then handles it. */
  async #limitThenHandle(frame: Queued): Promise<void> {
    if (frame.t !== 'auth') {
      const { limits } = this.#ctx;
      const limiter =
        frame.t === 'msg' || frame.t === 'modify' || frame.t === 'unusable'
          ? limits.messages
          : limits.frames;
      const taken = limiter.take(this.#userKey);
      if (taken === false || (taken !== true && !(await taken))) return this.#limited(frame);
    }
    if (frame.t === 'unusable') {
      const { id, reason } = frame;
      return this.#send({ t: 'nack', id, code: StatusCodes.MESSAGE_PARAMETER_ERROR, reason });
    }
    return this.#handle(frame);
  }

  #limited(frame: Queued): void {
    if (this.#tally(this.#refused, MAX_REFUSED)) {
      this.close(CloseCode.PolicyViolation, 'too many frames over the rate limit');
      return;
    }
    const code = StatusCodes.MESSAGE_CURRENT_LIMITING;
    if (
      frame.t === 'msg' ||
      frame.t === 'recall' ||
      frame.t === 'modify' ||
      frame.t === 'unusable'
    ) {
      const reason =
        frame.t === 'msg' ? 'too many messages; slow down' : 'too many frames; slow down';
      this.#send({ t: 'nack', id: frame.id, code, reason });
    } else {
      this.#error(code, `too many frames; ${frame.t} refused, slow down`);
    }
  }

  #refuseAuth(code: number, reason: string): void {
    this.#send({ t: 'auth-error', code, reason });
    this.close(CloseCode.AuthFailed, 'auth failed');
  }

  /** A frame we cannot use: said so; before `auth` it also ends the session. */
  #refuse(reason: string): void {
    this.#error(StatusCodes.MESSAGE_PARAMETER_ERROR, reason);
    if (this.#state === 'awaiting-auth') this.close(CloseCode.AuthFailed, 'auth expected');
  }

  async #handle(frame: ClientFrame): Promise<void> {
    switch (frame.t) {
      case 'auth':
        return this.#auth(frame);
      case 'ping':
        return this.#send({ t: 'pong' });
      case 'msg':
        return this.#pipeline.message(frame, this.#frameBytes.get(frame) ?? 0);
      case 'recv':
        return received(this.#port, frame);
      case 'renew':
        return this.#token.renew(frame);
      case 'delivery':
      case 'read':
        return acknowledge(this.#port, frame);
      case 'channel':
        return channel(this.#port, frame);
      case 'recall':
        return recall(this.#port, frame);
      case 'modify':
        return modify(this.#port, frame);
    }
  }

  async #auth(frame: AuthFrame): Promise<void> {
    const { domain, fanout, config } = this.#ctx;
    const refuse = (code: number, reason: string) => this.#refuseAuth(code, reason);
    let token;
    try {
      token = await domain.tokens.verify(this.#app, frame.token);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return error.failure === Failures.expiredToken
        ? refuse(StatusCodes.WEBIM_TOKEN_EXPIRED, 'token expired')
        : refuse(StatusCodes.WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR, 'invalid token');
    }
    const user = await domain.users.find(this.#app, frame.user);
    if (!user) return refuse(StatusCodes.USER_NOT_FOUND, `user ${frame.user} not found`);
    if (token.username !== frame.user) {
      return refuse(StatusCodes.WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR, 'token of another user');
    }
    if (this.#state === 'closed') return;

    this.#state = 'open';
    this.#userKey = `${this.#app.key}\n${frame.user}`;
    clearTimeout(this.#authTimer);
    const login: Login = {
      user: frame.user,
      deviceId: frame.deviceId,
      multi: frame.multi,
      loginOrder: 0,
    };
    this.#login = login;
    // Counted before a single login kicks the older session, so the user never looks offline.
    this.#counted = true;
    this.#ctx.presence.opened(this.#app.key, login.user);
    this.#token.hold(frame.token, token.expiresAt);

    // Subscribe before reading anything, so no message stored from now on can be missed.
    this.#unsubscribe = fanout.subscribe(this.#app.key, login.user, (event) =>
      this.#onEvent(event),
    );
    // Across processes the subscription takes a round trip; the inbox is read once it is live.
    await fanout.live(this.#app.key, login.user);
    if ((this.#state as State) === 'closed') return;
    // On the user's list once it hears the user's events: a later login that pushes it past the
    // cap, or a newer single login, reaches it wherever that login is.
    const { order, surplus } = await this.#ctx.sessions.opened(
      this.#app.key,
      login.user,
      this.id,
      domain.apps.maxSessionsPerUser(this.#app),
    );
    this.#listed = true;
    login.loginOrder = order;
    if ((this.#state as State) === 'closed') return this.#unlist();
    if (surplus.length > 0) {
      await fanout.toUser(this.#app.key, login.user, { kind: 'surplus', sessions: surplus });
    }
    if (!login.multi) {
      await fanout.toUser(this.#app.key, login.user, {
        kind: 'login',
        session: this.id,
        loginOrder: login.loginOrder,
      });
    }
    const cursor = await domain.messages.resumeCursor(
      this.#app,
      login.user,
      login.deviceId,
      frame.since,
    );
    const seq = await domain.messages.lastSeq(this.#app, login.user);
    this.#send({
      t: 'auth-ok',
      user: login.user,
      expiresAt: this.#token.expiresAt,
      heartbeatMs: config.heartbeatMs,
      seq,
      limits: {
        messageMaxBytes: domain.apps.maxMessageBytes(this.#app),
        fileMaxBytes: domain.apps.maxFileBytes(this.#app),
        recallSeconds: domain.apps.recallSeconds(this.#app),
      },
    });
    this.#delivery.replay(cursor).catch((error: unknown) => {
      this.#ctx.log.error({ err: error }, 'replay failed');
      this.close(CloseCode.Normal, 'replay failed; reconnect');
    });
  }

  #onEvent(event: UserEvent): void {
    const login = this.#login;
    if (this.#state !== 'open' || !login) return;
    if (event.kind === 'message' || event.kind === 'inbox-event') {
      this.#delivery.fromBus(event);
      return;
    }
    if (event.kind === 'revoked') {
      if (this.#token.revokedBy(event.tokenHash)) this.kick(event.code, event.reason);
      return;
    }
    if (event.kind === 'presence' || event.kind === 'room' || event.kind === 'reaction') {
      // Live only: a client too far behind misses them (its contacts' lists are re-read anyway).
      if (!this.#congested()) this.#send(event.frame);
      return;
    }
    if (event.kind === 'surplus') {
      if (event.sessions.includes(this.id)) {
        this.kick(
          StatusCodes.WEBIM_CONNCTION_USER_LOGIN_ANOTHER_DEVICE,
          'too many sessions: logged in on another device',
        );
      }
      return;
    }
    // A login without its place in the order yet is older than any login that has one.
    if (event.session !== this.id && !login.multi && event.loginOrder > login.loginOrder) {
      this.kick(
        StatusCodes.WEBIM_CONNCTION_USER_LOGIN_ANOTHER_DEVICE,
        'logged in on another device',
      );
    }
  }
}
