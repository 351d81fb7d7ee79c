import {
  ChatTypes,
  CloseCode,
  DefaultAppLimits,
  RestRoutes,
  type AppLimits,
  type AuthFrame,
  type AuthOkFrame,
  type ChatType,
  type ClientFrame,
  type EntitiesResponse,
  type HistoryResponse,
  type ServerFrame,
  type ServerMessage,
  type TokenExpiresResponse,
  type TokenResponse,
  type UserEntity,
  type UserEvent,
} from '../protocol/index.js';
import { ACCOUNT_ROUTES, type AccountMethods } from './account.js';
import { CONTACT_ROUTES, type ContactMethods } from './contacts.js';
import { DELETION_ROUTES, type DeletionMethods } from './deletions.js';
import { ROOM_ROUTES, type ChatRoomMethods } from './chat-rooms.js';
import { GROUP_ROUTES, type GroupMethods } from './groups.js';
import { REACTION_ROUTES, type ReactionMethods } from './reactions.js';
import { REPORT_ROUTES, type ReportMethods } from './reports.js';
import { CONVERSATION_ROUTES, type ConversationMethods } from './conversations.js';
import { getDeviceId } from './device-id.js';
import { EventHandlers, safely, withCallbacks } from './event-handlers.js';
import type { Upload } from './file-transfer.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { historyRequest } from './history.js';
import { APP_KEY, hosts, type Hosts } from './hosts.js';
import { uploadFiles } from './message-files.js';
import { Message, type MessageBody } from './message.js';
import {
  toModifyFrame,
  type ModifyMessageOptions,
  type ModifyMessageResult,
} from './message-edits.js';
import {
  GONE,
  OFFLINE,
  ask,
  awaitAck,
  take,
  type Outbox,
  type Questions,
  type Waiting,
} from './outbox.js';
import { CALLBACKS, toReceived, type FileContext } from './received-messages.js';
import { reconnector, type Reconnector } from './reconnect.js';
import type { AjaxError } from './rest-client.js';
import { toPaths, type Route, type RouteOptions } from './rest-routes.js';
import { FILE_KINDS, toFrame, toReceiptFrame } from './send-frames.js';
import { openSocket, type Socket } from './socket.js';
import { tokenTimers, type TokenTimers } from './token-timers.js';
import type {
  ConnectionEventHandlers,
  ConnectionOptions,
  ErrorEvent,
  FetchHistoryOptions,
  HistoryOptions,
  HistoryResult,
  LoginResult,
  OpenOptions,
  ReceivedMessage,
  RecallOptions,
  RecallResult,
  RegisterOptions,
  RenewResult,
  SendResult,
} from './types.js';
import { getUniqueId } from './unique-id.js';
import { USER_INFO_ROUTES, type UserInfoMethods } from './user-info.js';
import { inboxCallbacks, presenceCallbacks, roomCallbacks, type Callback } from './user-events.js';
import { listenNetwork } from './web-utils.js';

type Status = 'closed' | 'connecting' | 'open';

const CHAT_TYPE_4X: Record<string, ChatType> = {
  chat: 'singleChat',
  groupchat: 'groupChat',
  chatroom: 'chatRoom',
};
const RECEIPTS = ['read', 'delivery', 'channel'];
const CHATFILE_PATH = /\/[^/?#]+\/[^/?#]+\/chatfiles\/[^/?#]+(?=[?#]|$)/;
const SECRETS_KEPT = 2000;
// The server's close codes that no retry can fix, as status codes.
const FINAL_CLOSES: Record<number, number> = {
  [CloseCode.AuthFailed]: 2,
  [CloseCode.Kicked]: 206,
  [CloseCode.OriginRefused]: 2,
};
const RECV_BATCH_MS = 500;
const NOT_LOGGED_IN = { type: 28, data: '', message: 'not logged in' };

// The methods of the REST tables, installed on the prototype by the static block of the class
// (merging is how a class gets the type of members it does not declare one by one).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Connection
  extends
    AccountMethods,
    ConversationMethods,
    ContactMethods,
    GroupMethods,
    ChatRoomMethods,
    ReportMethods,
    ReactionMethods,
    DeletionMethods,
    UserInfoMethods {}

/**
 * `new WebIM.connection(options)`: one user's link to the server. REST calls (register, token,
 * profile, files, history) and one WebSocket session at a time; drops are reconnected with
 * backoff, messages sent meanwhile wait in an outbox and go, in order, once the session is back.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Connection {
  /**
   * Highest sequence number dispatched to the app. Set it before `open` (from what the app has
   * stored) and the server replays only what comes after; the SDK advances it as messages are
   * dispatched and reports it to the server (`recv`).
   */
  syncCursor: number | undefined;
  /**
   * The app's limits, from the server at each login (openwebim's own; the classic SDKs have none).
   * Until the first login, the protocol defaults. Text longer than `messageMaxBytes` is refused
   * before sending (511), as the server would.
   */
  appLimits: AppLimits = DefaultAppLimits;
  readonly options: ConnectionOptions;

  #appKey: string | undefined;
  #user: string | undefined;
  #token: string | undefined;
  #duration: number | undefined;
  #userEntity: UserEntity | undefined;
  #status: Status = 'closed';
  /** A session is wanted: drops are reconnected. */
  #active = false;
  /** The last login ended and no open() came since: sends fail at once. */
  #ended = false;
  /** Bumped by every login and every end, so late answers for an older one are ignored. */
  #generation = 0;
  #socket: Socket | undefined;
  #heartbeat: Heartbeat | undefined;
  readonly #outbox: Outbox = new Map();
  readonly #receipts: Waiting<ClientFrame>[] = [];
  /** Recalls and edits waiting for their answer. */
  readonly #recalls: Questions = new Map();
  readonly #uploads = new Map<string, Upload[]>();
  /** Share secrets of the files seen in messages, by URL (`download` finds them here). */
  readonly #secrets = new Map<string, string>();
  /** `fetchHistoryMessages`' position in each conversation (`null`: all read). */
  readonly #historyCursors = new Map<string, string | null>();
  readonly #hosts: Hosts;
  #synced = false;
  #reported = 0;
  #recvTimer: ReturnType<typeof setTimeout> | undefined;
  #opening: { resolve(result: LoginResult): void; reject(error: ErrorEvent): void } | undefined;
  #unlisten: (() => void) | undefined;
  readonly #handlers = new EventHandlers();
  readonly #reconnector: Reconnector;
  readonly #tokenTimers: TokenTimers;

  static {
    const tables = [
      ACCOUNT_ROUTES,
      CONVERSATION_ROUTES,
      CONTACT_ROUTES,
      GROUP_ROUTES,
      ROOM_ROUTES,
      REPORT_ROUTES,
      REACTION_ROUTES,
      DELETION_ROUTES,
      USER_INFO_ROUTES,
    ];
    for (const route of tables.flat()) {
      for (const name of route[0].split(' ')) {
        (Connection.prototype as unknown as Record<string, unknown>)[name] = function (
          this: Connection,
          ...args: unknown[]
        ) {
          return this.#route(route, args);
        };
      }
    }
  }

  constructor(options: ConnectionOptions = {}) {
    this.options = options;
    this.#appKey = options.appKey;
    this.#hosts = hosts(options, (name, error) => this.#emit(name, error));
    this.#reconnector = reconnector(
      () => options.autoReconnectNumMax ?? 5,
      () => (options.autoReconnectInterval ?? 1) * 1000,
      () => this.#emit('onReconnecting'),
      () => void this.#connect(true),
      () => this.#end({ type: 16, message: 'reconnection failed' }),
    );
    this.#tokenTimers = tokenTimers(
      () => this.#emit('onTokenWillExpire'),
      () => this.#expire(),
    );
  }

  /** Sets the legacy callbacks (replacing the previous set). */
  listen(handlers: ConnectionEventHandlers): void {
    this.#handlers.legacy = handlers;
  }

  addEventHandler(id: string, handlers: ConnectionEventHandlers): void {
    this.#handlers.add(id, handlers);
  }

  removeEventHandler(id: string): void {
    this.#handlers.remove(id);
  }

  isOpened(): boolean {
    return this.#status === 'open';
  }

  /** The current token (4.x has it as `conn.token`); `WebIM.utils.download.call(conn)` uses it. */
  get accessToken(): string | undefined {
    return this.#token;
  }

  /** The share secret of a file URL seen in a message of this connection. */
  secretOf(url: string): string | undefined {
    return this.#secrets.get(url.split(/[?#]/)[0]!);
  }

  getUniqueId(): string {
    return getUniqueId();
  }

  registerUser(options: RegisterOptions): Promise<EntitiesResponse<UserEntity>> {
    const { username, password, nickname, appKey, apiUrl } = options;
    const body = { username, password, nickname };
    const work = this.#hosts.rest<EntitiesResponse<UserEntity>>(
      RestRoutes.register,
      appKey ?? this.#appKey,
      body,
      undefined,
      apiUrl,
    );
    return withCallbacks(work, options);
  }

  /** Logs in with `pwd` (token from REST first) or `accessToken`, then opens the socket. */
  open(options: OpenOptions): Promise<LoginResult> {
    const result = this.#login(options);
    // Failures also reach onError (and `error`); seed code never awaits open().
    result.catch(() => {});
    return result;
  }

  /** Logs out: no reconnection; unsent messages fail with 510. */
  close(): void {
    this.#end();
  }

  /**
   * Sends a message (picture, audio, video and file messages upload their `file` first) or a
   * receipt (`read`, `delivery`, `channel`). Resolves once the server stored it; receipts, which
   * the server does not acknowledge, once written to the socket.
   */
  send(message: Message | MessageBody): Promise<SendResult> {
    const body = message instanceof Message ? message.body : message;
    const result = this.#sendBody(body).then(
      (sent) => {
        safely(body.success, sent.localMsgId, sent.serverMsgId);
        return sent;
      },
      (error: ErrorEvent) => {
        safely(body.fail, error);
        throw error;
      },
    );
    if (body.fail) result.catch(() => {});
    return result;
  }

  /**
   * Stops the upload of the file message `id` (what `send` is doing before the message goes):
   * `onFileUploadCanceled` and `fail` get `{type: -4}` (`REQUEST_ABORT`). False if none runs.
   */
  cancelUpload(id: string): boolean {
    const uploads = this.#uploads.get(id);
    uploads?.forEach((upload) => upload.abort());
    return !!uploads;
  }

  /**
   * Recalls my message `mid` within the app's recall window. Rejects with 504 past the window,
   * 603 when it is not mine. Everyone concerned (me included, on every device) gets
   * `onRecallMessage({from, to, mid})`.
   */
  recallMessage(options: RecallOptions): Promise<RecallResult> {
    const { mid, to } = options;
    const chatType = options.chatType ?? CHAT_TYPE_4X[options.type ?? 'chat'];
    const work =
      !mid || !to || !chatType || !ChatTypes.includes(chatType)
        ? Promise.reject({ type: 205, message: 'recall needs mid, to and a known chatType' })
        : ask(
            this.#recalls,
            { t: 'recall', id: getUniqueId(), mid: String(mid), to, chatType },
            this.#live(),
            () => ({ mid, to }),
          );
    return withCallbacks(work, { success: options.success, error: options.fail });
  }

  /**
   * Edits my text message (4.x): resolves `{type: 0, message}` with the message as it now reads
   * (`modifiedInfo` set). The recipient, the group's members and my other devices get
   * `onModifiedMessage(message)`, also after being offline. Rejects with 1302 (no such message,
   * or recalled), 1303 (not text, empty or too long), 603 (not mine), 1304 (a room message).
   */
  modifyMessage(options: ModifyMessageOptions): Promise<ModifyMessageResult> {
    const frame = toModifyFrame(getUniqueId(), options);
    const work =
      't' in frame
        ? ask(this.#recalls, frame, this.#live(), (answer): ModifyMessageResult => {
            const message = answer?.t === 'modified' && this.#received(answer.message);
            if (!message) throw { type: 1304, message: 'no edited message' };
            return { type: 0, message };
          })
        : Promise.reject(frame);
    return withCallbacks(work, { success: options.success, error: options.fail });
  }

  /** A page of a conversation's history from the server, newest first (4.x). */
  async getHistoryMessages(options: HistoryOptions): Promise<HistoryResult> {
    const page = await this.#authorized<HistoryResponse>(...historyRequest(options));
    const messages = page.messages
      .map((m) => this.#received(m))
      .filter((m): m is ReceivedMessage => !!m);
    return { cursor: page.cursor, messages, isLast: page.isLast };
  }

  /** 3.x: the next older page of the conversation with `queue` on each call; `[]` at the start. */
  fetchHistoryMessages(options: FetchHistoryOptions): Promise<ReceivedMessage[]> {
    const { queue, count = 20, isGroup } = options;
    const work = (async () => {
      const cursor = this.#historyCursors.get(queue);
      if (cursor === null) return [];
      const chatType = isGroup ? 'groupChat' : 'singleChat';
      const page = await this.getHistoryMessages({
        targetId: queue,
        cursor,
        pageSize: count,
        chatType,
      });
      this.#historyCursors.set(queue, page.isLast ? null : page.cursor);
      return page.messages;
    })();
    return withCallbacks(work, { success: options.success, error: options.fail });
  }

  /** Switches to a new token for this user: checked by the server, then used by the session. */
  async renewToken(token: string): Promise<RenewResult> {
    try {
      if (!this.#user) throw { type: 28, message: 'not logged in' };
      const [path] = toPaths(RestRoutes.tokenExpires, { me: this.#user });
      const { expire_timestamp: expire } = await this.#hosts.rest<TokenExpiresResponse>(
        path!,
        this.#appKey,
        undefined,
        token,
      );
      this.#token = token;
      if (this.#status === 'open') this.#socket?.send({ t: 'renew', token });
      if (this.#active) this.#tokenTimers.set(expire);
      return { status: true, token, expire };
    } catch (failure) {
      throw { status: false, ...(failure as object) };
    }
  }

  #emit(name: string, ...args: unknown[]): void {
    this.#handlers.emit(name, ...args);
  }

  /** The socket while the session is open. */
  #live(): Socket | undefined {
    return this.#status === 'open' ? this.#socket : undefined;
  }

  #sendBody(body: MessageBody): Promise<SendResult> {
    // Ended for good (a logout, a kick, reconnection given up): nothing would ever send it. Before
    // the first open(), and while a login or a reconnection is under way, it waits in the outbox.
    if (this.#ended) return Promise.reject(OFFLINE);
    if (RECEIPTS.includes(body.type)) return this.#sendReceipt(body);
    if (body.type in FILE_KINDS && !body.url) {
      const host = this.#hosts.restHost();
      return uploadFiles(body, host, this.#appKey ?? '', this.#token, this.#uploads).then(
        (uploaded) => this.#sendBody(uploaded),
      );
    }
    const frame = toFrame(body, this.appLimits.messageMaxBytes);
    if (!('t' in frame)) return Promise.reject(frame);
    return awaitAck(this.#outbox, frame, this.#live()).then((ack) => {
      const { t: _t, ...fields } = frame;
      const { mid, seq, time } = ack;
      const sent = { ...fields, ext: frame.ext ?? {}, mid, seq, time, from: this.#user! };
      const message = this.#received(sent as ServerMessage);
      return { localMsgId: ack.id, serverMsgId: mid, seq, message };
    });
  }

  #sendReceipt(body: MessageBody): Promise<SendResult> {
    const frame = toReceiptFrame(body);
    return new Promise((resolve, reject) => {
      if (!('t' in frame)) return reject(frame);
      this.#receipts.push({
        frame,
        done: (error) =>
          error ? reject(error) : resolve({ localMsgId: body.id, serverMsgId: '' }),
      });
      this.#flushReceipts();
    });
  }

  #flushReceipts(): void {
    // A receipt the socket cannot take now stays queued for the next session.
    const socket = this.#live();
    while (this.#receipts[0] && socket?.send(this.#receipts[0].frame)) {
      this.#receipts.shift()!.done(null);
    }
  }

  async #login(options: OpenOptions): Promise<LoginResult> {
    const { user, pwd, accessToken } = options;
    const appKey = options.appKey ?? this.#appKey;
    const refuse = (error: ErrorEvent, report = true): never => {
      if (report) this.#emit('onError', error);
      safely(options.error, error);
      throw error;
    };
    if (this.#status !== 'closed') refuse({ type: 208, message: 'already logged in' });
    if (!user) refuse({ type: 0, message: 'user is required' });
    if (!appKey || !APP_KEY.test(appKey)) refuse({ type: 27, message: 'appKey must be "org#app"' });
    if (!pwd && !accessToken) refuse({ type: 28, message: 'pwd or accessToken is required' });
    const generation = ++this.#generation;
    this.#ended = false;
    this.#appKey = appKey;
    this.#user = user;
    this.#status = 'connecting';
    this.#token = accessToken;
    this.#duration = undefined;
    this.#userEntity = undefined;
    this.#historyCursors.clear();
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
        res = await this.#hosts.rest<TokenResponse>(RestRoutes.token, appKey, body);
      } catch (error) {
        failure = error;
      }
      if (generation !== this.#generation) refuse({ type: 39, message: 'closed' }, false);
      if (!res || failure) {
        this.#status = 'closed';
        // A DNS failure (304) has been reported already.
        const error = failure as AjaxError;
        return error.type === 304
          ? refuse({ type: 304, message: error.message }, false)
          : refuse({ type: 1, data: error });
      }
      this.#token = res.access_token;
      this.#duration = res.expires_in;
      this.#userEntity = res.user;
      safely(options.success, res);
    }
    this.#active = true;
    this.#unlisten ??= listenNetwork(
      () => {
        this.#emit('onOnline');
        this.#reconnector.now();
      },
      () => this.#emit('onOffline'),
    );
    return new Promise<LoginResult>((resolve, reject) => {
      this.#opening = {
        resolve: (result) => {
          if (!pwd) safely(options.success, result);
          resolve(result);
        },
        reject: (error) => {
          safely(options.error, error);
          reject(error);
        },
      };
      void this.#connect();
    });
  }

  /** A route of the protocol's table with the token, `{me}` the user; 28 when not logged in. */
  async #authorized<T>(route: string, values: RouteOptions): Promise<T> {
    if (!this.#token || !this.#user) throw NOT_LOGGED_IN;
    const [path] = toPaths(route, { ...values, me: this.#user });
    return this.#hosts.rest(path!, this.#appKey, undefined, this.#token);
  }

  /**
   * One REST method of the tables (rest-routes.ts); 3.x contact methods take `(to, message)`, and
   * `fetchUserInfoById(ids, properties)` and `updateOwnUserInfo(key, value)` come as the same two.
   */
  #route([, request, body, result]: Route, args: unknown[]): Promise<unknown> {
    const options = (
      typeof args[0] === 'string' || Array.isArray(args[0])
        ? { to: args[0], message: args[1] }
        : (args[0] ?? {})
    ) as RouteOptions;
    const work = (async () => {
      if (!this.#token || !this.#user) throw NOT_LOGGED_IN;
      let response: unknown;
      for (const path of toPaths(request, { ...options, me: this.#user })) {
        const sent = body ? body(options) : undefined;
        response = await this.#hosts.rest(path, this.#appKey, sent, this.#token);
      }
      const context = { emit: this.#emit.bind(this), appKey: this.#appKey!, files: this.#files() };
      return result ? result(response as never, context) : response;
    })();
    return withCallbacks(work, options);
  }

  #files(): FileContext {
    const host = this.#hosts.restHost();
    return {
      // Only chatfile URLs move; anything else (an app's own URL) is left as it is.
      fileUrl: (url) => {
        const path = CHATFILE_PATH.exec(url)?.[0];
        return path ? host + path : url;
      },
      accessToken: this.#token ?? '',
    };
  }

  /** A server message in the received shape; remembers its files' share secrets. */
  #received(m: ServerMessage): ReceivedMessage | undefined {
    const message = toReceived(m, this.#files());
    if (message && 'secret' in message) {
      this.#remember(message.url, message.secret);
      if ('thumb' in message) this.#remember(message.thumb, message.thumb_secret);
    }
    return message;
  }

  #remember(url: string | undefined, secret: string | undefined): void {
    if (!url || !secret) return;
    this.#secrets.delete(url);
    this.#secrets.set(url, secret);
    if (this.#secrets.size > SECRETS_KEPT) this.#secrets.delete(this.#secrets.keys().next().value!);
  }

  /** Opens a socket session for the current login; `next`: a reconnection (hosts.ts). */
  async #connect(next?: boolean): Promise<void> {
    const generation = this.#generation;
    let url: string;
    try {
      url = await this.#hosts.socketUrl(this.#appKey!, next);
    } catch (failure) {
      const { type, message } = failure as ErrorEvent;
      if (generation === this.#generation) this.#end({ type, message }, false);
      return;
    }
    if (generation !== this.#generation) return;
    this.#status = 'connecting';
    this.#synced = false;
    this.#reported = 0;
    const auth: AuthFrame = {
      t: 'auth',
      user: this.#user!,
      token: this.#token!,
      deviceId: getDeviceId(this.options.deviceId),
      multi: !!this.options.isMultiLoginSessions,
    };
    if (this.syncCursor !== undefined) auth.since = this.syncCursor;
    this.#socket = openSocket(
      url,
      auth,
      (frame) => this.#receive(frame),
      (code, reason) => this.#dropped(code, reason),
    );
  }

  #dropped(code: number, reason: string): void {
    this.#socket = undefined;
    this.#heartbeat?.stop();
    this.#status = 'connecting';
    // A recall's answer is lost with the socket; the app may try again once reconnected.
    this.#failRecalls();
    if (code === CloseCode.TokenExpired) return this.#expire();
    const final = FINAL_CLOSES[code];
    if (final) return this.#end({ type: final, message: reason || 'refused by the server' });
    this.#reconnector.schedule();
  }

  #receive(frame: ServerFrame): void {
    this.#heartbeat?.alive();
    switch (frame.t) {
      case 'auth-ok':
        return this.#opened(frame);
      case 'auth-error':
        if (frame.code === 56) this.#emit('onTokenExpired');
        return this.#end({ type: frame.code, message: frame.reason });
      case 'msg':
        return this.#deliver(frame.message);
      case 'ack': {
        const pending = take(this.#outbox, frame.id);
        if (!pending) return;
        // Own messages take a seq too; counting them spares a replay of them after a reconnect.
        if (this.syncCursor === frame.seq - 1) this.#advance(frame.seq);
        pending.done(null, frame);
        const { id, mid, to, time } = frame;
        return this.#emit('onReceivedMessage', { id, mid, to, time });
      }
      case 'nack': {
        const pending = take(this.#outbox, frame.id) ?? take(this.#recalls, frame.id);
        // 3.x told a muted group member through a callback; the send's rejection says it too.
        if (frame.code === 507 && pending) this.#emit('onMutedMessage', { mid: frame.id });
        return pending?.done({ type: frame.code, message: frame.reason });
      }
      case 'recalled':
      case 'modified':
        return take(this.#recalls, frame.id)?.done(null, frame);
      case 'event':
        return this.#inboxEvent(frame.event);
      case 'presence':
        return this.#fire(presenceCallbacks(frame));
      case 'room':
        return this.#fire(roomCallbacks(frame, this.#user!));
      case 'reaction':
        // The 4.x payload is the frame; its `t` rides along, as cheap as leaving it.
        return this.#emit('onReactionChange', frame);
      case 'sync-done':
        this.#synced = true;
        this.#advance(frame.seq);
        return this.#report();
      case 'renewed':
        return this.#tokenTimers.set(frame.expiresAt);
      case 'kicked':
        return frame.code === 56
          ? this.#expire(frame.reason)
          : this.#end({ type: frame.code, message: frame.reason });
      case 'error':
        return this.#emit('onError', { type: frame.code, message: frame.reason });
    }
  }

  #opened(frame: AuthOkFrame): void {
    const socket = this.#socket!;
    this.#status = 'open';
    this.#user = frame.user;
    this.appLimits = frame.limits;
    this.#reconnector.reset();
    this.#heartbeat = startHeartbeat(
      () => socket.send({ t: 'ping' }),
      () => socket.fail(4000, 'no pong'),
      Math.max(1000, Math.min(frame.heartbeatMs, this.options.heartBeatWait ?? Infinity)),
    );
    this.#tokenTimers.set(frame.expiresAt);
    for (const pending of this.#outbox.values()) socket.send(pending.frame);
    this.#flushReceipts();
    this.#emit('onOpened');
    this.#emit('onConnected');
    const opening = this.#opening;
    this.#opening = undefined;
    opening?.resolve({
      accessToken: this.#token!,
      duration: this.#duration,
      expireTimestamp: frame.expiresAt,
      ...(this.#userEntity ? { user: this.#userEntity } : {}),
    });
  }

  #deliver(m: ServerMessage): void {
    // Already dispatched (a replay overlapping what this page has seen). Room messages have no
    // seq (0): they are live only, never replayed, and never move the cursor.
    if (m.seq && this.syncCursor !== undefined && m.seq <= this.syncCursor) return;
    const message = this.#received(m);
    if (message) {
      // Not for a message sent online only (seq 0): the server kept nothing to acknowledge.
      if (this.options.delivery && m.seq && m.chatType === 'singleChat' && m.from !== this.#user) {
        this.#socket?.send({ t: 'delivery', mid: m.mid, to: m.from });
      }
      this.#emit(CALLBACKS[message.contentsType], message);
      this.#emit('onMessage', [message]);
    }
    if (m.seq) this.#advance(m.seq);
  }

  /** An inbox event (user-events.ts), in seq order with the messages. */
  #inboxEvent(event: UserEvent): void {
    const { seq } = event;
    // seq 0: told live, stored nowhere (a repeated "all read"); it moves no cursor.
    if (seq && this.syncCursor !== undefined && seq <= this.syncCursor) return;
    const me = this.#user!;
    if (event.kind === 'modify') {
      const message = this.#received(event.message);
      if (message) this.#emit('onModifiedMessage', message);
    } else {
      this.#fire(inboxCallbacks(event, me));
      // The 3.x way to learn the blocklist changed: read it again (fires onBlacklistUpdate).
      if (event.kind === 'contact' && event.from === me && event.operation.endsWith('block')) {
        this.getBlacklist().catch(() => {});
      }
    }
    if (seq) this.#advance(seq);
  }

  #fire(callbacks: Callback[]): void {
    for (const [name, payload] of callbacks) this.#emit(name, payload);
  }

  /** Moves the cursor; after the replay, reports it at most every {@link RECV_BATCH_MS}. */
  #advance(seq: number): void {
    if (this.syncCursor === undefined || seq > this.syncCursor) this.syncCursor = seq;
    this.#recvTimer ??= this.#synced ? setTimeout(() => this.#report(), RECV_BATCH_MS) : undefined;
  }

  #report(): void {
    clearTimeout(this.#recvTimer);
    this.#recvTimer = undefined;
    const seq = this.syncCursor;
    if (seq === undefined || seq <= this.#reported || this.#status !== 'open') return;
    if (this.#socket?.send({ t: 'recv', seq })) this.#reported = seq;
  }

  #expire(message = 'token expired'): void {
    this.#emit('onTokenExpired');
    this.#end({ type: 56, message }, false);
  }

  #failRecalls(): void {
    const recalls = [...this.#recalls.values()];
    this.#recalls.clear();
    recalls.forEach((recall) => recall.done(GONE));
  }

  /** Ends the login for good: by `close()`, a kick, an auth error, or reconnection giving up. */
  #end(error?: ErrorEvent, report = true): void {
    const wasActive = this.#active;
    this.#active = false;
    this.#ended = true;
    this.#generation += 1;
    this.#report();
    this.#status = 'closed';
    this.#socket?.close();
    this.#socket = undefined;
    this.#heartbeat?.stop();
    this.#reconnector.reset();
    this.#tokenTimers.clear();
    this.#unlisten?.();
    this.#unlisten = undefined;
    const unsent = [...this.#outbox.values(), ...this.#receipts.splice(0)];
    this.#outbox.clear();
    const opening = this.#opening;
    this.#opening = undefined;
    // Every piece of state is reset before the first callback: any of them may open() again.
    if (error && report) this.#emit('onError', error);
    unsent.forEach((pending) => pending.done(GONE));
    this.#failRecalls();
    opening?.reject(error ?? { type: 39, message: 'closed' });
    if (wasActive) {
      this.#emit('onClosed');
      this.#emit('onDisconnected', error);
    }
  }
}
