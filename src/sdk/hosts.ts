/**
 * Where a connection's REST calls and its socket go: `apiUrl` (the connection's, else
 * `WebIM.defaults.apiUrl`, else the page's origin), `url` for the socket, or with `isHttpDNS` the
 * hosts of the DNS list, a host that does not answer being skipped for the next one.
 */
import { defaults } from './defaults.js';
import { fetchHosts, type HostLists } from './dns.js';
import { isNetworkError, request as send } from './rest-client.js';
import type { ConnectionOptions, ErrorEvent } from './types.js';

export const APP_KEY = /^[^#/?\s]+#[^#/?\s]+$/;

/** `//host` (the 3.x config style) gets https/wss with `https: true` or on an https page. */
function withScheme(url: string, https: unknown, secure: string, plain: string): string {
  if (!url.startsWith('//')) return url;
  return (https || globalThis.location?.protocol === 'https:' ? secure : plain) + url;
}

export interface Hosts {
  /**
   * A REST call, `request` being `'VERB /path'` on `/{org}/{app}`. With DNS hosts, a host that
   * does not answer at all is skipped for the next one; an HTTP error is the server's answer and
   * is returned as it is. `apiUrl` (registerUser's) bypasses the DNS list.
   */
  rest<T>(
    request: string,
    appKey: string | undefined,
    body?: unknown,
    token?: string,
    apiUrl?: string,
  ): Promise<T>;
  /** The REST host now in use (files are uploaded to it and received URLs point at it). */
  restHost(): string;
  /** The socket's URL; `next`: a reconnection, which tries the DNS list's next socket host. */
  socketUrl(appKey: string, next?: boolean): Promise<string>;
}

/**
 * A connection's hosts; `emit` reports a DNS list that cannot be read (`onError`, 304). A closure,
 * not a class: its state is local names, which the minifier shortens (webim-sdk.js's budget).
 */
export function hosts(
  options: ConnectionOptions,
  emit: (name: string, error: ErrorEvent) => void,
): Hosts {
  let lists: Promise<HostLists> | undefined;
  /** The REST host last reached through the DNS list. */
  let dnsRest: string | undefined;
  let restIndex = 0;
  let socketIndex = 0;

  const api = () => {
    const url = options.apiUrl ?? defaults.apiUrl ?? globalThis.location?.origin ?? '';
    return withScheme(url, options.https, 'https:', 'http:').replace(/\/+$/, '');
  };

  /** The DNS list, read once per connection (again after a failure). */
  const hostLists = (appKey: string): Promise<HostLists> => {
    const { dnsUrl, https } = options;
    const from = dnsUrl ? withScheme(dnsUrl, https, 'https:', 'http:') : api();
    return (lists ??= fetchHosts(from, appKey).catch(() => {
      lists = undefined;
      const message = 'could not read the DNS list';
      emit('onError', { type: 304, message });
      // REST callers get the REST error shape (`data` is the response text, here none).
      throw { type: 304, data: '', message };
    }));
  };

  return {
    async rest<T>(
      request: string,
      appKey: string | undefined,
      body?: unknown,
      token?: string,
      apiUrl?: string,
    ): Promise<T> {
      if (!appKey || !APP_KEY.test(appKey)) {
        throw { type: 27, data: '', message: 'appKey must be "org#app"' };
      }
      const [org, app] = appKey.split('#').map(encodeURIComponent);
      const dns = !apiUrl && options.isHttpDNS;
      const list = dns ? (await hostLists(appKey)).rest : [apiUrl ?? api()];
      for (let i = 0; ; i += 1) {
        const index = (restIndex + i) % list.length;
        try {
          const [method, path] = request.split(' ') as [string, string];
          const result = await send<T>(method, `${list[index]}/${org}/${app}${path}`, {
            body,
            token,
          });
          if (dns) {
            restIndex = index;
            dnsRest = list[index];
          }
          return result;
        } catch (error) {
          if (!isNetworkError(error) || i + 1 >= list.length) throw error;
        }
      }
    },

    restHost: () => (options.isHttpDNS && dnsRest) || api(),

    async socketUrl(appKey, next) {
      let url: string;
      if (next) socketIndex += 1;
      if (options.isHttpDNS) {
        const { sockets, rest } = await hostLists(appKey);
        url = sockets[socketIndex % sockets.length]!;
        dnsRest ??= rest[restIndex % rest.length];
      } else {
        url = options.url
          ? withScheme(options.url, options.https, 'wss:', 'ws:')
          : `${api()}/websocket`;
      }
      url = url.replace(/^http/, 'ws');
      return `${url}${url.includes('?') ? '&' : '?'}app_key=${encodeURIComponent(appKey)}`;
    },
  };
}
