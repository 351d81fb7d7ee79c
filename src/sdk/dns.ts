import { DnsRoute, routeParts, type DnsHost, type DnsResponse } from '../protocol/index.js';
import { request } from './rest-client.js';

/** Where a connection sends REST calls and opens sockets, best first. */
export interface HostLists {
  rest: string[];
  sockets: string[];
}

const address = (host: DnsHost) =>
  `${host.protocol}://${host.domain || host.ip}${host.port ? `:${host.port}` : ''}`;

const pick = (hosts: DnsHost[] | undefined, protocols: RegExp) =>
  (hosts ?? []).filter((host) => protocols.test(host.protocol)).map(address);

/**
 * Reads `GET {dnsUrl}/easemob/server.json?app_key=…` (the `isHttpDNS: true` mode). Socket hosts
 * come from `msync-ws` (3.x) or `msync-wx` (4.x). Rejects when the list cannot be read or names no
 * usable host, which the connection reports as `SERVER_GET_DNSLIST_FAILED` (304).
 */
export async function fetchHosts(dnsUrl: string, appKey: string): Promise<HostLists> {
  const [method, path] = routeParts(DnsRoute);
  const list = await request<Partial<DnsResponse>>(
    method,
    `${dnsUrl}${path}?app_key=${encodeURIComponent(appKey)}`,
  );
  const rest = pick(list.rest?.hosts, /^https?$/);
  const sockets = pick((list['msync-ws'] ?? list['msync-wx'])?.hosts, /^wss?$/).map(
    (host) => `${host}/websocket`,
  );
  if (!rest.length || !sockets.length) throw new Error('the DNS list names no usable host');
  return { rest, sockets };
}
