/**
 * The store's default connection: the SDK's `Connection`, configured the way the store needs it,
 * plus the two conveniences of {@link StoreConnection} (send a text by id; look a user up). It uses
 * only the SDK's public entry (`Connection`, `Message`, `utils`), like any other SDK user.
 */
import { type EntitiesResponse, RestErrors, type UserEntity } from '../protocol/index.js';
import { Connection, type CreateOptions, Message, defaults, utils } from '../sdk/index.js';
import {
  type HistoryPage,
  type OutgoingMessage,
  type ReceivedMessage,
  type SendResult,
  type ServerConversationInfo,
  type SocialApi,
  type StoreConnection,
  type UploadTask,
  type UserProfile,
  socialMethods,
  type ModerationApi,
} from './connection-events.js';

/** Reconnection settings of the SDK connection. */
export interface ReconnectOptions {
  /** Attempts per round before the SDK gives up (the store then starts a new round). */
  autoReconnectNumMax?: number;
  /** Base of the backoff, in seconds. */
  autoReconnectInterval?: number;
}

/** Settings of the SDK connection: reconnection, and the device id (default: this browser's). */
export interface SdkConnectionOptions extends ReconnectOptions {
  /** Tests give two stores of one page two device ids, as two browsers would have. */
  deviceId?: string;
}

/** Generous, since the outbox waits anyway, and the store starts another round after the last. */
const RECONNECT = { autoReconnectNumMax: 20, autoReconnectInterval: 1 } as const;

/** The REST base the SDK uses with `isHttpDNS: false`. */
export function restBase(apiUrl?: string): string {
  const base = apiUrl ?? defaults.apiUrl ?? globalThis.location?.origin ?? '';
  return base.replace(/\/+$/, '');
}

/**
 * What needs the token but not the socket (chatfiles, user lookups): over REST with `token()`, so a
 * tab that shares another tab's connection (`tab-sharing/`) does them itself.
 */
export function restHelpers(
  config: { appKey: string; apiUrl?: string },
  token: () => string | undefined,
): Pick<StoreConnection, 'upload' | 'download' | 'lookupUser'> {
  const [org = '', app = ''] = config.appKey.split('#').map(encodeURIComponent);
  const apiUrl = restBase(config.apiUrl);
  const bearer = (): { accessToken?: string } => {
    const current = token();
    return current ? { accessToken: current } : {};
  };
  return {
    upload(file, filename, onProgress): UploadTask {
      const named = file instanceof File ? file : new File([file], filename, { type: file.type });
      const upload = utils.uploadFile({
        file: named,
        apiUrl,
        appKey: config.appKey,
        ...bearer(),
        onFileUploadProgress: ({ loaded, total }) => onProgress(loaded, total),
      });
      const result = upload.then((response) => {
        const entity = response.entities?.[0];
        if (!entity?.uuid) throw { type: 101, message: 'upload answered no file' };
        return {
          url: `${apiUrl}/${org}/${app}/chatfiles/${entity.uuid}`,
          secret: entity['share-secret'],
        };
      });
      return Object.assign(result, { abort: () => upload.abort() });
    },
    download(url, secret) {
      return utils.download.call(bearer(), { url, ...(secret !== undefined ? { secret } : {}) });
    },
    async lookupUser(username: string): Promise<UserProfile | null> {
      const current = token();
      if (!current) throw new TypeError('not signed in');
      const url = `${apiUrl}/${org}/${app}/users/${encodeURIComponent(username)}`;
      let body: EntitiesResponse<UserEntity>;
      try {
        body = (await utils.ajax({
          url,
          method: 'GET',
          headers: { Authorization: `Bearer ${current}` },
        })) as EntitiesResponse<UserEntity>;
      } catch (error) {
        // 404 is also the answer for an unknown app; only "no such resource" means "no such user".
        const data = (error as { data?: unknown }).data;
        if (typeof data === 'string' && data.includes(RestErrors.notFound)) return null;
        throw error;
      }
      const entity = body.entities?.[0];
      if (!entity) return null;
      return entity.nickname
        ? { username: entity.username, nickname: entity.nickname }
        : { username: entity.username };
    },
  };
}

export function createSdkConnection(
  config: { appKey: string; apiUrl?: string },
  reconnect: SdkConnectionOptions = {},
): StoreConnection {
  const options: ConstructorParameters<typeof Connection>[0] = {
    appKey: config.appKey,
    isHttpDNS: false,
    // Every browser (tabs share one: tab-sharing/) and device is its own session; none closes another.
    isMultiLoginSessions: true,
    // Received 1:1 messages are acked to their sender (`delivered` on their side).
    delivery: true,
    ...RECONNECT,
    ...reconnect,
  };
  if (config.apiUrl) options.apiUrl = config.apiUrl;
  const connection = new Connection(options);
  let token: string | undefined;
  // Issue 4's methods pass straight through, by their 4.x names (the SDK's types fit SocialApi).
  const sdk: Omit<SocialApi, 'moderate'> & ModerationApi = connection;
  const social = Object.fromEntries(
    socialMethods.map((name) => [name, sdk[name].bind(sdk)]),
  ) as unknown as SocialApi;
  // Moderation by the method's name, which may come from another tab: only a group's or a room's
  // (and reporting a message, deleting for me: issue 14's other REST actions, through the one
  // entry since the signed-in page's budget is full).
  const moderate: SocialApi['moderate'] = (method, options) => {
    if (
      !/^(createChatRoom|reportMessage|removeHistoryMessages|deleteConversation|\w+(Group|ChatRoom)(Announcement|Msg|Member\w*|Blocklist|Admin|Muted))$/.test(
        method,
      )
    )
      throw new TypeError(`not a moderation method: ${method}`);
    return (sdk[method] as (options: unknown) => never)(options);
  };

  const adapter: StoreConnection = {
    ...social,
    moderate,
    addEventHandler: (id, handlers) => connection.addEventHandler(id, handlers),
    removeEventHandler: (id) => connection.removeEventHandler(id),
    registerUser: (request) => connection.registerUser(request),
    async open(credentials) {
      const result = await connection.open(credentials);
      token =
        result?.accessToken ?? ('accessToken' in credentials ? credentials.accessToken : token);
      return result;
    },
    close: () => {
      token = undefined;
      connection.close();
    },
    revokeToken: () => connection.revokeToken(),
    changePassword: (passwords) => connection.changePassword(passwords),
    isOpened: () => connection.isOpened(),
    getUniqueId: () => connection.getUniqueId(),
    get syncCursor() {
      return connection.syncCursor;
    },
    set syncCursor(cursor) {
      connection.syncCursor = cursor;
    },
    get appLimits() {
      return connection.appLimits;
    },
    async sendMessage(message: OutgoingMessage): Promise<SendResult> {
      // The protocol body is a closed union; the SDK takes an open record of the same fields.
      const options: CreateOptions = { ...message };
      const result = await connection.send(Message.create(options));
      // The server's time of the message, so the ack puts it in place at once (a message queued
      // offline would otherwise sort by its queue time until the `onReceivedMessage` event).
      const time = result.message?.time;
      return typeof time === 'number' ? { ...result, time } : result;
    },
    ...restHelpers(config, () => token),
    async sendRead(to, mid, chatType) {
      await connection.send(Message.create({ type: 'read', chatType, to, id: mid }));
    },
    async sendChannel(to, chatType) {
      await connection.send(Message.create({ type: 'channel', chatType, to }));
    },
    async recall({ mid, to, chatType }) {
      await connection.recallMessage({ mid, to, chatType });
    },
    async modify({ mid, to, chatType, text }) {
      const modifiedMessage = Message.create({ type: 'txt', chatType, to, msg: text });
      const { message } = await connection.modifyMessage({ messageId: mid, modifiedMessage });
      return message as unknown as ReceivedMessage;
    },
    // By name, which may come from another tab: a reaction method only.
    reaction(method: string, options: object) {
      if (!/^(add|delete|get)Reaction(List|Detail)?$/.test(method))
        throw new TypeError(`not a reaction method: ${method}`);
      return (connection as unknown as Record<string, (o: object) => Promise<never>>)[method]!(
        options,
      );
    },
    async history({ peer, chatType, cursor, pageSize }): Promise<HistoryPage> {
      const page = await connection.getHistoryMessages({
        targetId: peer,
        chatType,
        cursor,
        pageSize,
        searchDirection: 'up',
      });
      return {
        messages: page.messages as unknown as ReceivedMessage[],
        cursor: page.cursor,
        isLast: page.isLast,
      };
    },
    async conversations(): Promise<ServerConversationInfo[]> {
      const list = await connection.getSessionList();
      return list.entities.map((entry) => ({
        peer: entry.peer,
        chatType: entry.chatType,
        unread: entry.unread,
        lastMessage: entry.lastMessage as unknown as ReceivedMessage,
        seq: list.seq,
      }));
    },
  };
  return adapter;
}
