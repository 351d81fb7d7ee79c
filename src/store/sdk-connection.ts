/**
 * The store's default connection: the SDK's `Connection`, configured the way the store needs it,
 * plus the two conveniences of {@link StoreConnection} (send a text by id; look a user up).
 */
import { type EntitiesResponse, RestErrors, type UserEntity } from '../protocol/index.js';
import { Connection, Message, defaults } from '../sdk/index.js';
import { type AjaxError, request } from '../sdk/rest-client.js';
import type {
  OutgoingText,
  SendResult,
  StoreConnection,
  UserProfile,
} from './connection-events.js';

/** Reconnection settings of the SDK connection. */
export interface ReconnectOptions {
  /** Attempts per round before the SDK gives up (the store then starts a new round). */
  autoReconnectNumMax?: number;
  /** Base of the backoff, in seconds. */
  autoReconnectInterval?: number;
}

/** Generous, since the outbox waits anyway, and the store starts another round after the last. */
const RECONNECT = { autoReconnectNumMax: 20, autoReconnectInterval: 1 } as const;

/** The REST base the SDK uses with `isHttpDNS: false`. */
export function restBase(apiUrl?: string): string {
  const base = apiUrl ?? defaults.apiUrl ?? globalThis.location?.origin ?? '';
  return base.replace(/\/+$/, '');
}

export function createSdkConnection(
  config: { appKey: string; apiUrl?: string },
  reconnect: ReconnectOptions = {},
): StoreConnection {
  const options: ConstructorParameters<typeof Connection>[0] = {
    appKey: config.appKey,
    isHttpDNS: false,
    // Every tab and element of the page is its own session; none closes another.
    isMultiLoginSessions: true,
    ...RECONNECT,
    ...reconnect,
  };
  if (config.apiUrl) options.apiUrl = config.apiUrl;
  const connection = new Connection(options);
  let token: string | undefined;

  const adapter: StoreConnection = {
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
    isOpened: () => connection.isOpened(),
    getUniqueId: () => connection.getUniqueId(),
    get syncCursor() {
      return connection.syncCursor;
    },
    set syncCursor(cursor) {
      connection.syncCursor = cursor;
    },
    async sendText(text: OutgoingText): Promise<SendResult> {
      const body = Message.create({
        type: 'txt',
        id: text.id,
        chatType: text.chatType,
        to: text.to,
        msg: text.text,
        ...(text.ext ? { ext: text.ext } : {}),
      });
      return connection.send(body);
    },
    async lookupUser(username: string): Promise<UserProfile | null> {
      if (!token) throw new TypeError('not signed in');
      const [org = '', app = ''] = config.appKey.split('#').map(encodeURIComponent);
      const url = `${restBase(config.apiUrl)}/${org}/${app}/users/${encodeURIComponent(username)}`;
      let body: EntitiesResponse<UserEntity>;
      try {
        body = await request<EntitiesResponse<UserEntity>>('GET', url, { token });
      } catch (error) {
        // 404 is also the answer for an unknown app; only "no such resource" means "no such user".
        const data = (error as AjaxError).data;
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
  return adapter;
}
