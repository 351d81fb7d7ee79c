import {
  ChatTypes,
  CloseCode,
  Limits,
  MAX_FRAME_BYTES,
  type AckFrame,
  type AuthFrame,
  type AuthOkFrame,
  type EntitiesResponse,
  type SendFrame,
  type ServerFrame,
  type ServerMessage,
  type TokenExpiresResponse,
  type TokenResponse,
  type UpdateUserRequest,
  type UserEntity,
} from '../protocol/index.js';
import { defaults } from './defaults.js';
import { getDeviceId } from './device-id.js';
import { fetchHosts, type HostLists } from './dns.js';
import { EventHandlers, safely, withCallbacks } from './event-handlers.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { Message, type MessageBody } from './message.js';
import { Reconnector } from './reconnect.js';
import { isNetworkError, request, type AjaxError } from './rest-client.js';
import { Socket } from './socket.js';
import { TokenTimers } from './token-timers.js';
import type {
  ConnectionEventHandlers,
  ConnectionOptions,
  ErrorEvent,
  LoginResult,
  OpenOptions,
  RegisterOptions,
  RenewResult,
  SendResult,
  TextMessage,
  UploadTokenOptions,
} from './types.js';
import { getUniqueId } from './unique-id.js';
import { listenNetwork } from './web-utils.js';

type Status = 'closed' | 'connecting' | 'open';

/** A sent message waiting for its `ack` or `nack`. */
interface Pending {
  frame: SendFrame;
  done(error: ErrorEvent | null, ack?: AckFrame): void;
}

const APP_KEY = /^[^#/?\s]+#[^#/?\s]+$/;
const CHAT_TYPE_3X = { singleChat: 'chat', groupChat: 'groupchat', chatRoom: 'chatroom' } as const;
// The server's close codes that no retry can fix, as status codes.
const FINAL_CLOSES: Record<number, number> = {
  [CloseCode.AuthFailed]: 2,
  [CloseCode.Kicked]: 206,
  [CloseCode.OriginRefused]: 2,
};
const RECV_BATCH_MS = 500;

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** `//host` (the 3.x config style) gets https/wss with `https: true` or on an https page. */
function withScheme(url: string, https: unknown, secure: string, plain: string): string {
  if (!url.startsWith('//')) return url;
  return (https || globalThis.location?.protocol === 'https:' ? secure : plain) + url;
}

/** The frame for a message body, or why it cannot be sent (checked here; the server decides). */
function toFrame(body: MessageBody): SendFrame | ErrorEvent {
  const { id, to, msg, ext, chatType } = body;
  if (body.type !== 'txt') return { type: 205, message: `${body.type} messages are not supported` };
  if (
    !id ||
    !to ||
    typeof msg !== 'string' ||
    !ChatTypes.includes(chatType) ||
    (ext != null && (typeof ext !== 'object' || Array.isArray(ext)))
  ) {
    return { type: 205, message: 'a text message needs id, to, msg, a known chatType' };
  }
  const frame: SendFrame = { t: 'msg', id: String(id), to, chatType, type: 'txt', msg };
  if (ext) frame.ext = ext;
  let json: string;
  try {
    json = JSON.stringify(frame);
  } catch {
    return { type: 205, message: 'ext cannot be written as JSON' };
  }
  return bytes(msg) > Limits.messageMaxBytes || bytes(json) > MAX_FRAME_BYTES
    ? { type: 511, message: 'the message is too large' }
    : frame;
}

/**
 * `new WebIM.connection(options)`: one user's link to the server. REST calls (register, token,
 * profile) and one WebSocket session at a time; drops are reconnected with backoff, messages sent
 * meanwhile wait in an outbox and go, in order, once the session is back.
 */
export class Connection {
  /**
   * Highest sequence number dispatched to the app. Set it before `open` (from what the app has
   * stored) and the server replays only what comes after; the SDK advances it as messages are
   * dispatched and reports it to the server (`recv`).
   */
  syncCursor: number | undefined;
  readonly options: ConnectionOptions;

  private appKey: string | undefined;
  private user: string | undefined;
  private token: string | undefined;
  private duration: number | undefined;
  private status: Status = 'closed';
  /** A session is wanted: drops are reconnected. */
  private active = false;
  /** Bumped by every login and every end, so late answers for an older one are ignored. */
  private generation = 0;
  private socket: Socket | undefined;
  private heartbeat: Heartbeat | undefined;
  private readonly outbox = new Map<string, Pending>();
  private hosts: Promise<HostLists> | undefined;
  private restIndex = 0;
  private socketIndex = 0;
  private synced = false;
  private reported = 0;
  private recvTimer: ReturnType<typeof setTimeout> | undefined;
  private opening:
    { resolve(result: LoginResult): void; reject(error: ErrorEvent): void } | undefined;
  private unlisten: (() => void) | undefined;
  private readonly handlers = new EventHandlers();
  private readonly reconnector: Reconnector;
  private readonly tokenTimers: TokenTimers;

  constructor(options: ConnectionOptions = {}) {
    this.options = options;
    this.appKey = options.appKey;
    this.reconnector = new Reconnector(
      () => options.autoReconnectNumMax ?? 5,
      () => (options.autoReconnectInterval ?? 1) * 1000,
      () => this.emit('onReconnecting'),
      () => {
        this.socketIndex += 1;
        void this.connect();
      },
      () => this.end({ type: 16, message: 'reconnection failed' }),
    );
    this.tokenTimers = new TokenTimers(
      () => this.emit('onTokenWillExpire'),
      () => this.expire(),
    );
  }

  /** Sets the legacy callbacks (replacing the previous set). */
  listen(handlers: ConnectionEventHandlers): void {
    this.handlers.legacy = handlers;
  }

  addEventHandler(id: string, handlers: ConnectionEventHandlers): void {
    this.handlers.add(id, handlers);
  }

  removeEventHandler(id: string): void {
    this.handlers.remove(id);
  }

  isOpened(): boolean {
    return this.status === 'open';
  }

  getUniqueId(): string {
    return getUniqueId();
  }

  registerUser(options: RegisterOptions): Promise<EntitiesResponse<UserEntity>> {
    const { username, password, nickname, appKey, apiUrl } = options;
    const body = { username, password, nickname };
    return withCallbacks(this.rest('POST', '/users', body, undefined, appKey, apiUrl), options);
  }

  /** Logs in with `pwd` (token from REST first) or `accessToken`, then opens the socket. */
  open(options: OpenOptions): Promise<LoginResult> {
    const result = this.login(options);
    // Failures also reach onError (and `error`); seed code never awaits open().
    result.catch(() => {});
    return result;
  }

  /** Logs out: no reconnection; unsent messages fail with 510. */
  close(): void {
    this.end();
  }

  send(message: Message | MessageBody): Promise<SendResult> {
    const body = message instanceof Message ? message.body : message;
    const result = new Promise<SendResult>((resolve, reject) => {
      const done = (error: ErrorEvent | null, ack?: AckFrame) => {
        if (error || !ack) {
          safely(body.fail, error);
          reject(error);
        } else {
          safely(body.success, ack.id, ack.mid);
          resolve({ localMsgId: ack.id, serverMsgId: ack.mid });
        }
      };
      const frame = toFrame(body);
      if (!('t' in frame)) return done(frame);
      const previous = this.outbox.get(frame.id);
      // The same id again (a retry) waits for the same ack; the server would dedupe it anyway.
      this.outbox.set(frame.id, {
        frame,
        done: previous
          ? (error, ack) => {
              previous.done(error, ack);
              done(error, ack);
            }
          : done,
      });
      if (!previous && this.status === 'open') this.socket?.send(frame);
    });
    if (body.fail) result.catch(() => {});
    return result;
  }

  updateCurrentUserNick(nick: string): Promise<EntitiesResponse<UserEntity>> {
    return this.updateMe({ nickname: nick });
  }

  /** Stores a push token for this device. */
  uploadToken(options: UploadTokenOptions): Promise<EntitiesResponse<UserEntity>> {
    const { deviceId, deviceToken, notifierName } = options;
    const body = { device_id: deviceId, device_token: deviceToken, notifier_name: notifierName };
    return withCallbacks(this.updateMe(body), options);
  }

  /** Switches to a new token for this user: checked by the server, then used by the session. */
  async renewToken(token: string): Promise<RenewResult> {
    try {
      if (!this.user) throw { type: 28, message: 'not logged in' };
      const path = `/sdk/users/${encodeURIComponent(this.user)}/token/expires`;
      const { expire_timestamp: expire } = await this.rest<TokenExpiresResponse>(
        'GET',
        path,
        undefined,
        token,
      );
      this.token = token;
      if (this.status === 'open') this.socket?.send({ t: 'renew', token });
      if (this.active) this.tokenTimers.set(expire);
      return { status: true, token, expire };
    } catch (failure) {
      throw { status: false, ...(failure as object) };
    }
  }

  private emit(name: string, ...args: unknown[]): void {
    this.handlers.emit(name, ...args);
  }

  private async login(options: OpenOptions): Promise<LoginResult> {
    const { user, pwd, accessToken } = options;
    const appKey = options.appKey ?? this.appKey;
    const refuse = (error: ErrorEvent, report = true): never => {
      if (report) this.emit('onError', error);
      safely(options.error, error);
      throw error;
    };
    if (this.status !== 'closed') refuse({ type: 208, message: 'already logged in' });
    if (!user) refuse({ type: 0, message: 'user is required' });
    if (!appKey || !APP_KEY.test(appKey)) refuse({ type: 27, message: 'appKey must be "org#app"' });
    if (!pwd && !accessToken) refuse({ type: 28, message: 'pwd or accessToken is required' });
    const generation = ++this.generation;
    this.appKey = appKey;
    this.user = user;
    this.status = 'connecting';
    this.token = accessToken;
    this.duration = undefined;
    if (pwd) {
      let res: TokenResponse | undefined;
      let failure: unknown;
      try {
        const body = {
          grant_type: 'password',
          username: user,
          password: pwd,
          timestamp: Date.now(),
        };
        res = await this.rest<TokenResponse>('POST', '/token', body);
      } catch (error) {
        failure = error;
      }
      if (generation !== this.generation) refuse({ type: 39, message: 'closed' }, false);
      if (!res || failure) {
        this.status = 'closed';
        // A DNS failure (304) has been reported already.
        const error = failure as AjaxError;
        return error.type === 304
          ? refuse({ type: 304, message: error.message }, false)
          : refuse({ type: 1, data: error });
      }
      this.token = res.access_token;
      this.duration = res.expires_in;
      safely(options.success, res);
    }
    this.active = true;
    this.unlisten ??= listenNetwork(
      () => {
        this.emit('onOnline');
        this.reconnector.now();
      },
      () => this.emit('onOffline'),
    );
    return new Promise<LoginResult>((resolve, reject) => {
      this.opening = {
        resolve: (result) => {
          if (!pwd) safely(options.success, result);
          resolve(result);
        },
        reject: (error) => {
          safely(options.error, error);
          reject(error);
        },
      };
      void this.connect();
    });
  }

  private apiUrl(): string {
    const url = this.options.apiUrl ?? defaults.apiUrl ?? globalThis.location?.origin ?? '';
    return withScheme(url, this.options.https, 'https:', 'http:').replace(/\/+$/, '');
  }

  /** The DNS list, read once per connection (again after a failure). */
  private hostLists(appKey: string): Promise<HostLists> {
    const { dnsUrl, https } = this.options;
    const from = dnsUrl ? withScheme(dnsUrl, https, 'https:', 'http:') : this.apiUrl();
    this.hosts ??= fetchHosts(from, appKey).catch(() => {
      this.hosts = undefined;
      const message = 'could not read the DNS list';
      this.emit('onError', { type: 304, message });
      // REST callers get the REST error shape (`data` is the response text, here none).
      throw { type: 304, data: '', message };
    });
    return this.hosts;
  }

  /**
   * A REST call on `/{org}/{app}{path}`. With DNS hosts, a host that does not answer at all is
   * skipped for the next one; an HTTP error is the server's answer and is returned as it is.
   */
  private async rest<T>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    appKey = this.appKey,
    apiUrl?: string,
  ): Promise<T> {
    if (!appKey || !APP_KEY.test(appKey)) {
      throw { type: 27, data: '', message: 'appKey must be "org#app"' };
    }
    const [org, app] = appKey.split('#').map(encodeURIComponent);
    const dns = !apiUrl && this.options.isHttpDNS;
    const hosts = dns ? (await this.hostLists(appKey)).rest : [apiUrl ?? this.apiUrl()];
    for (let i = 0; ; i += 1) {
      const index = (this.restIndex + i) % hosts.length;
      try {
        const result = await request<T>(method, `${hosts[index]}/${org}/${app}${path}`, {
          body,
          token,
        });
        if (dns) this.restIndex = index;
        return result;
      } catch (error) {
        if (!isNetworkError(error) || i + 1 >= hosts.length) throw error;
      }
    }
  }

  private async updateMe(body: UpdateUserRequest): Promise<EntitiesResponse<UserEntity>> {
    if (!this.token || !this.user) throw { type: 28, data: '', message: 'not logged in' };
    return this.rest('PUT', `/users/${encodeURIComponent(this.user)}`, body, this.token);
  }

  private async socketUrl(appKey: string): Promise<string> {
    let url: string;
    if (this.options.isHttpDNS) {
      const { sockets } = await this.hostLists(appKey);
      url = sockets[this.socketIndex % sockets.length]!;
    } else {
      url = this.options.url
        ? withScheme(this.options.url, this.options.https, 'wss:', 'ws:')
        : `${this.apiUrl()}/websocket`;
    }
    url = url.replace(/^http/, 'ws');
    return `${url}${url.includes('?') ? '&' : '?'}app_key=${encodeURIComponent(appKey)}`;
  }

  /** Opens a socket session for the current login. */
  private async connect(): Promise<void> {
    const generation = this.generation;
    let url: string;
    try {
      url = await this.socketUrl(this.appKey!);
    } catch (failure) {
      const { type, message } = failure as ErrorEvent;
      if (generation === this.generation) this.end({ type, message }, false);
      return;
    }
    if (generation !== this.generation) return;
    this.status = 'connecting';
    this.synced = false;
    this.reported = 0;
    const auth: AuthFrame = {
      t: 'auth',
      user: this.user!,
      token: this.token!,
      deviceId: getDeviceId(this.options.deviceId),
      multi: !!this.options.isMultiLoginSessions,
    };
    if (this.syncCursor !== undefined) auth.since = this.syncCursor;
    this.socket = new Socket(url, auth, {
      frame: (frame) => this.receive(frame),
      closed: (code, reason) => this.dropped(code, reason),
    });
  }

  private dropped(code: number, reason: string): void {
    this.socket = undefined;
    this.heartbeat?.stop();
    this.status = 'connecting';
    if (code === CloseCode.TokenExpired) return this.expire();
    const final = FINAL_CLOSES[code];
    if (final) return this.end({ type: final, message: reason || 'refused by the server' });
    this.reconnector.schedule();
  }

  private receive(frame: ServerFrame): void {
    this.heartbeat?.alive();
    switch (frame.t) {
      case 'auth-ok':
        return this.opened(frame);
      case 'auth-error':
        if (frame.code === 56) this.emit('onTokenExpired');
        return this.end({ type: frame.code, message: frame.reason });
      case 'msg':
        return this.deliver(frame.message);
      case 'ack': {
        const pending = this.outbox.get(frame.id);
        if (!pending) return;
        this.outbox.delete(frame.id);
        // Own messages take a seq too; counting them spares a replay of them after a reconnect.
        if (this.syncCursor === frame.seq - 1) this.advance(frame.seq);
        pending.done(null, frame);
        const { id, mid, to, time } = frame;
        return this.emit('onReceivedMessage', { id, mid, to, time });
      }
      case 'nack': {
        const pending = this.outbox.get(frame.id);
        this.outbox.delete(frame.id);
        return pending?.done({ type: frame.code, message: frame.reason });
      }
      case 'sync-done':
        this.synced = true;
        this.advance(frame.seq);
        return this.report();
      case 'renewed':
        return this.tokenTimers.set(frame.expiresAt);
      case 'kicked':
        return frame.code === 56
          ? this.expire(frame.reason)
          : this.end({ type: frame.code, message: frame.reason });
      case 'error':
        return this.emit('onError', { type: frame.code, message: frame.reason });
    }
  }

  private opened(frame: AuthOkFrame): void {
    const socket = this.socket!;
    this.status = 'open';
    this.user = frame.user;
    this.reconnector.reset();
    this.heartbeat = startHeartbeat(
      () => socket.send({ t: 'ping' }),
      () => socket.fail(4000, 'no pong'),
      Math.max(1000, Math.min(frame.heartbeatMs, this.options.heartBeatWait ?? Infinity)),
    );
    this.tokenTimers.set(frame.expiresAt);
    for (const pending of this.outbox.values()) socket.send(pending.frame);
    this.emit('onOpened');
    this.emit('onConnected');
    const opening = this.opening;
    this.opening = undefined;
    opening?.resolve({
      accessToken: this.token!,
      duration: this.duration,
      expireTimestamp: frame.expiresAt,
    });
  }

  private deliver(m: ServerMessage): void {
    // Already dispatched (a replay overlapping what this page has seen).
    if (this.syncCursor !== undefined && m.seq <= this.syncCursor) return;
    const message: TextMessage = {
      id: m.mid,
      type: CHAT_TYPE_3X[m.chatType],
      chatType: m.chatType,
      contentsType: 'TEXT',
      from: m.from,
      to: m.to,
      data: m.msg,
      msg: m.msg,
      ext: m.ext ?? {},
      time: m.time,
      error: false,
      errorText: '',
      errorCode: '',
      localMsgId: m.id,
      seq: m.seq,
    };
    this.emit('onTextMessage', message);
    this.emit('onMessage', [message]);
    this.advance(m.seq);
  }

  /** Moves the cursor; after the replay, reports it at most every {@link RECV_BATCH_MS}. */
  private advance(seq: number): void {
    if (this.syncCursor === undefined || seq > this.syncCursor) this.syncCursor = seq;
    this.recvTimer ??= this.synced ? setTimeout(() => this.report(), RECV_BATCH_MS) : undefined;
  }

  private report(): void {
    clearTimeout(this.recvTimer);
    this.recvTimer = undefined;
    const seq = this.syncCursor;
    if (seq === undefined || seq <= this.reported || this.status !== 'open') return;
    if (this.socket?.send({ t: 'recv', seq })) this.reported = seq;
  }

  private expire(message = 'token expired'): void {
    this.emit('onTokenExpired');
    this.end({ type: 56, message }, false);
  }

  /** Ends the login for good: by `close()`, a kick, an auth error, or reconnection giving up. */
  private end(error?: ErrorEvent, report = true): void {
    const wasActive = this.active;
    this.active = false;
    this.generation += 1;
    this.report();
    this.status = 'closed';
    this.socket?.close();
    this.socket = undefined;
    this.heartbeat?.stop();
    this.reconnector.reset();
    this.tokenTimers.clear();
    this.unlisten?.();
    this.unlisten = undefined;
    if (error && report) this.emit('onError', error);
    const unsent = [...this.outbox.values()];
    this.outbox.clear();
    const gone = { type: 510, message: 'disconnected before the server acknowledged it' };
    unsent.forEach((pending) => pending.done(gone));
    const opening = this.opening;
    this.opening = undefined;
    opening?.reject(error ?? { type: 39, message: 'closed' });
    if (wasActive) {
      this.emit('onClosed');
      this.emit('onDisconnected', error);
    }
  }
}
