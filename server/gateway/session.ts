/**
 * One WebSocket session, from `auth` to close: the frames of src/protocol/frames.ts, in order.
 *
 * Frames are handled one after another (a promise chain), so a client's messages are stored in the
 * order it sent them. The replay after `auth` runs beside that chain, so pings and sends are answered
 * while a long inbox streams out.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocket, type RawData } from 'ws';
import {
  CloseCode,
  type AuthFrame,
  type ChannelFrame,
  type ClientFrame,
  type DeliveryFrame,
  type ReadFrame,
  type RecallFrame,
  type RecvFrame,
  type RenewFrame,
  type SendFrame,
  type ServerFrame,
} from '../../src/protocol/frames.js';
import type { Fanout, Unsubscribe, UserEvent } from '../bus/fanout.js';
import type { Presence } from '../bus/presence.js';
import type { ServerConfig } from '../config.js';
import type { Domain } from '../domain/domain.js';
import { DomainError, Failures } from '../domain/errors.js';
import { FixedWindowLimiter } from '../domain/fixed-window-limiter.js';
import {
  MessageRejected,
  withBase,
  type InboxItem,
  type StoredEvents,
} from '../domain/messages.js';
import { StatusCodes } from '../domain/status-codes.js';
import type { AppRecord } from '../storage/storage.js';
import { parseClientFrame } from './client-frames.js';

export interface SessionContext {
  domain: Domain;
  fanout: Fanout;
  config: ServerConfig;
  log: FastifyBaseLogger;
  presence: Presence;
}

export interface SessionOptions {
  /** `http(s)://host[:port]` the client reaches the REST API by: file urls are sent on it. */
  restBase: string;
}

/** Inbox rows read per query during replay. */
const REPLAY_PAGE = 200;
/** Stop writing replay frames while this much is still unsent. */
const REPLAY_HIGH_WATER = 1024 * 1024;
/** setTimeout's ceiling (~24.8 days); longer token lives re-arm the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

let loginCounter = 0;

type State = 'awaiting-auth' | 'authenticating' | 'open' | 'closed';

/** Who is logged in on this socket; set once `auth` succeeds. */
interface Login {
  user: string;
  deviceId: string;
  multi: boolean;
  loginAt: number;
  loginOrder: number;
}

export class Session {
  readonly id = randomUUID();
  readonly #socket: WebSocket;
  readonly #app: AppRecord;
  readonly #ctx: SessionContext;
  readonly #onClosed: (session: Session) => void;
  readonly #sendLimiter: FixedWindowLimiter;
  readonly #restBase: string;

  #state: State = 'awaiting-auth';
  #login: Login | undefined;
  #expiresAt = 0;
  #queue: Promise<void> = Promise.resolve();
  #unsubscribe: Unsubscribe | undefined;
  #authTimer: NodeJS.Timeout;
  #idleTimer: NodeJS.Timeout;
  #expiryTimer: NodeJS.Timeout | undefined;

  /** Until the replay is done, live messages and events wait here (the replay may read them). */
  #replaying = true;
  #buffered: InboxItem[] = [];
  /** Seqs of this session's own sends during replay: it has them as acks already. */
  #ownSeqs = new Set<number>();
  /** Counted in the presence registry (once, from `auth-ok` until closed). */
  #counted = false;

  constructor(
    socket: WebSocket,
    app: AppRecord,
    ctx: SessionContext,
    onClosed: (session: Session) => void,
    options: SessionOptions,
  ) {
    this.#socket = socket;
    this.#restBase = options.restBase;
    this.#app = app;
    this.#ctx = ctx;
    this.#onClosed = onClosed;
    this.#sendLimiter = new FixedWindowLimiter(ctx.config.messagesPerSecond, 1000);
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
    clearTimeout(this.#expiryTimer);
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#counted && this.#login) {
      this.#counted = false;
      this.#ctx.presence.closed(this.#app.key, this.#login.user);
    }
    this.#onClosed(this);
  }

  #send(frame: ServerFrame): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  #deliver(item: InboxItem): void {
    if ('event' in item) this.#send({ t: 'event', event: item.event });
    else this.#send({ t: 'msg', message: withBase(item.message, this.#restBase) });
  }

  #error(code: number, reason: string): void {
    this.#send({ t: 'error', code, reason });
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (this.#state === 'closed') return;
    this.#idleTimer.refresh();
    if (isBinary) {
      this.#refuse('binary frames are not accepted; send JSON text');
      return;
    }
    const parsed = parseClientFrame(data.toString());
    if (!parsed.ok) {
      if (parsed.t === 'auth' && this.#state === 'awaiting-auth') {
        this.#refuseAuth(StatusCodes.WEBIM_CONNCTION_AUTH_ERROR, parsed.reason);
      } else if (parsed.id !== undefined && this.#state === 'open') {
        this.#send({
          t: 'nack',
          id: parsed.id,
          code: StatusCodes.MESSAGE_PARAMETER_ERROR,
          reason: parsed.reason,
        });
      } else {
        this.#refuse(parsed.reason);
      }
      return;
    }
    const frame = parsed.frame;
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
    this.#queue = this.#queue
      .then(() => (this.#state === 'closed' ? undefined : this.#handle(frame)))
      .catch((error: unknown) => {
        this.#ctx.log.error({ err: error }, 'websocket frame failed');
        if (this.#state === 'authenticating') {
          this.#refuseAuth(StatusCodes.WEBIM_CONNCTION_AUTH_ERROR, 'the server could not log in');
        } else {
          this.#error(StatusCodes.SERVER_BUSY, 'the server could not process the frame');
        }
      });
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
        return this.#message(frame);
      case 'recv':
        return this.#received(frame);
      case 'renew':
        return this.#renew(frame);
      case 'delivery':
      case 'read':
        return this.#acknowledge(frame);
      case 'channel':
        return this.#channel(frame);
      case 'recall':
        return this.#recall(frame);
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
    clearTimeout(this.#authTimer);
    const login: Login = {
      user: frame.user,
      deviceId: frame.deviceId,
      multi: frame.multi,
      loginAt: Date.now(),
      loginOrder: ++loginCounter,
    };
    this.#login = login;
    // Counted before a single login kicks the older session, so the user never looks offline.
    this.#counted = true;
    this.#ctx.presence.opened(this.#app.key, login.user);
    this.#expiresAt = token.expiresAt;
    this.#armExpiry();

    // Subscribe before reading anything, so no message stored from now on can be missed.
    this.#unsubscribe = fanout.subscribe(this.#app.key, login.user, (event) =>
      this.#onEvent(event),
    );
    if (!login.multi) {
      await fanout.toUser(this.#app.key, login.user, {
        kind: 'login',
        session: this.id,
        loginAt: login.loginAt,
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
      expiresAt: this.#expiresAt,
      heartbeatMs: config.heartbeatMs,
      seq,
      limits: {
        messageMaxBytes: domain.apps.maxMessageBytes(this.#app),
        fileMaxBytes: domain.apps.maxFileBytes(this.#app),
        recallSeconds: domain.apps.recallSeconds(this.#app),
      },
    });
    this.#replay(cursor).catch((error: unknown) => {
      this.#ctx.log.error({ err: error }, 'replay failed');
      this.close(CloseCode.Normal, 'replay failed; reconnect');
    });
  }

  async #replay(cursor: number): Promise<void> {
    const { user } = this.#login as Login;
    let last = cursor;
    for (;;) {
      const page = await this.#ctx.domain.messages.inbox(this.#app, user, last, REPLAY_PAGE);
      if (this.#state === 'closed') return;
      for (const item of page.items) {
        if (!this.#ownSeqs.has(item.seq)) this.#deliver(item);
      }
      last = page.last;
      if (!page.full) break;
      await this.#drain();
    }
    // Nothing awaits from here on, so no live item can slip between buffer and live delivery.
    this.#replaying = false;
    for (const item of this.#buffered.sort((a, b) => a.seq - b.seq)) {
      if (item.seq <= last || this.#ownSeqs.has(item.seq)) continue;
      this.#deliver(item);
      last = item.seq;
    }
    this.#buffered = [];
    this.#ownSeqs.clear();
    this.#send({ t: 'sync-done', seq: last });
  }

  /** Waits while the socket still has a lot to send (a slow client must not fill our memory). */
  async #drain(): Promise<void> {
    while (this.#socket.bufferedAmount > REPLAY_HIGH_WATER && this.#state !== 'closed') {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  #onEvent(event: UserEvent): void {
    const login = this.#login;
    if (this.#state !== 'open' || !login) return;
    if (event.kind === 'message' || event.kind === 'inbox-event') {
      if (event.exceptSession === this.id) return;
      if (event.kind === 'message' && event.message.seq === 0) {
        // A room message is in no inbox: the replay cannot hold it, so it goes out at once.
        this.#send({ t: 'msg', message: withBase(event.message, this.#restBase) });
        return;
      }
      if (event.kind === 'inbox-event' && event.event.seq === 0) {
        // Likewise a repeated "all read" (messages.readConversation).
        this.#send({ t: 'event', event: event.event });
        return;
      }
      const item: InboxItem =
        event.kind === 'message'
          ? { seq: event.message.seq, message: event.message }
          : { seq: event.event.seq, event: event.event };
      if (this.#replaying) this.#buffered.push(item);
      else this.#deliver(item);
      return;
    }
    if (event.kind === 'presence' || event.kind === 'room') {
      this.#send(event.frame);
      return;
    }
    const newer =
      event.loginAt > login.loginAt ||
      (event.loginAt === login.loginAt && event.loginOrder > login.loginOrder);
    if (event.session !== this.id && !login.multi && newer) {
      this.#send({
        t: 'kicked',
        code: StatusCodes.WEBIM_CONNCTION_USER_LOGIN_ANOTHER_DEVICE,
        reason: 'logged in on another device',
      });
      this.close(CloseCode.Kicked, 'logged in on another device');
    }
  }

  async #message(frame: SendFrame): Promise<void> {
    const { domain, fanout } = this.#ctx;
    const { user } = this.#login as Login;
    if (!this.#sendLimiter.take('')) {
      return this.#send({
        t: 'nack',
        id: frame.id,
        code: StatusCodes.MESSAGE_CURRENT_LIMITING,
        reason: 'too many messages; slow down',
      });
    }
    let sent;
    try {
      sent = await domain.messages.send(this.#app, user, frame);
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
      return this.#send({ t: 'nack', id: frame.id, code: error.code, reason: error.message });
    }
    const own = sent.forSender;
    if (this.#replaying) this.#ownSeqs.add(own.seq);
    this.#send({ t: 'ack', id: own.id, mid: own.mid, to: own.to, time: own.time, seq: own.seq });
    if (sent.duplicate) return;
    await fanout.message(this.#app.key, sent.deliveries, { username: user, message: own }, this.id);
  }

  /** Publishes stored events to their users; the acting user's copy skips `exceptSession`. */
  async #publishEvents(stored: StoredEvents, exceptSession?: string): Promise<void> {
    const { user } = this.#login as Login;
    const origin = exceptSession ? { username: user, session: exceptSession } : undefined;
    await this.#ctx.fanout.events(this.#app.key, stored.events, origin);
  }

  /** Runs a receipt; a refusal is an `error` frame (receipts have no id to nack). */
  async #receipt(run: () => Promise<StoredEvents>): Promise<void> {
    let stored;
    try {
      stored = await run();
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
      return this.#error(error.code, error.message);
    }
    if (!stored.duplicate) await this.#publishEvents(stored, this.id);
  }

  async #acknowledge(frame: DeliveryFrame | ReadFrame): Promise<void> {
    const { user } = this.#login as Login;
    if (frame.t === 'read' && frame.chatType === 'groupChat') {
      return this.#receipt(() =>
        this.#ctx.domain.messages.readGroupMessage(this.#app, user, frame.mid, frame.to),
      );
    }
    const kind = frame.t === 'delivery' ? 'delivered' : 'read';
    return this.#receipt(() =>
      this.#ctx.domain.messages.acknowledge(this.#app, user, kind, frame.mid, frame.to),
    );
  }

  #channel(frame: ChannelFrame): Promise<void> {
    const { user } = this.#login as Login;
    return this.#receipt(async () => {
      const read = await this.#ctx.domain.messages.readConversation(
        this.#app,
        user,
        frame.to,
        frame.chatType,
      );
      // A repeat told live only costs the acker as a message would: no flooding the peer with it.
      if (read.live && !this.#sendLimiter.take('')) return { duplicate: true, events: [] };
      return read;
    });
  }

  async #recall(frame: RecallFrame): Promise<void> {
    const { user } = this.#login as Login;
    let stored;
    try {
      stored = await this.#ctx.domain.messages.recall(
        this.#app,
        user,
        frame.mid,
        frame.to,
        frame.chatType,
      );
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
      return this.#send({ t: 'nack', id: frame.id, code: error.code, reason: error.message });
    }
    this.#send({ t: 'recalled', id: frame.id, mid: frame.mid });
    // Every session of both users, this one included, replaces the message by the notice.
    if (!stored.duplicate) await this.#publishEvents(stored);
  }

  async #received(frame: RecvFrame): Promise<void> {
    const { user, deviceId } = this.#login as Login;
    await this.#ctx.domain.messages.received(this.#app, user, deviceId, frame.seq);
  }

  async #renew(frame: RenewFrame): Promise<void> {
    const { user } = this.#login as Login;
    let token;
    try {
      token = await this.#ctx.domain.tokens.verify(this.#app, frame.token);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return error.failure === Failures.expiredToken
        ? this.#error(StatusCodes.WEBIM_TOKEN_EXPIRED, 'the new token has expired')
        : this.#error(StatusCodes.WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR, 'invalid token');
    }
    if (token.username !== user) {
      return this.#error(
        StatusCodes.WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR,
        'the token belongs to another user',
      );
    }
    this.#expiresAt = token.expiresAt;
    this.#armExpiry();
    this.#send({ t: 'renewed', expiresAt: this.#expiresAt });
  }

  #armExpiry(): void {
    clearTimeout(this.#expiryTimer);
    const left = this.#expiresAt - Date.now();
    if (left <= 0) {
      this.#send({ t: 'kicked', code: StatusCodes.WEBIM_TOKEN_EXPIRED, reason: 'token expired' });
      this.close(CloseCode.TokenExpired, 'token expired');
      return;
    }
    this.#expiryTimer = setTimeout(() => this.#armExpiry(), Math.min(left, MAX_TIMER_MS));
  }
}
