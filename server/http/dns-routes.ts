/**
 * `GET /easemob/server.json?app_key=org%23app`: the hosts the SDK may use, in the order to try
 * them (`isHttpDNS: true`). Configured lists win (a load balancer's address, say); otherwise, with
 * several processes, every live process's public URL (this one first, the others in a rotating
 * order so clients that fail over spread out), so the SDK's host failover carries its clients to a
 * live process; otherwise the host the client just reached. A host entry has no path: the SDK adds
 * `/websocket` itself.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RestErrors, type DnsHost, type DnsResponse } from '../../src/protocol/rest.js';
import { DnsRoute, routeParts } from '../../src/protocol/routes.js';
import type { ProcessRegistry } from '../bus/process-registry.js';
import type { ServerConfig } from '../config.js';
import type { Domain } from '../domain/domain.js';
import { DomainError, Failures } from '../domain/errors.js';
import { sendError } from './errors.js';

const defaultPorts: Record<string, number> = { http: 80, ws: 80, https: 443, wss: 443 };

export function dnsHost(url: string): DnsHost {
  const parsed = new URL(url);
  const protocol = parsed.protocol.slice(0, -1) as DnsHost['protocol'];
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    protocol,
    domain: host,
    ip: host,
    port: parsed.port ? Number(parsed.port) : (defaultPorts[protocol] ?? 80),
  };
}

function reachedHost(request: FastifyRequest, config: ServerConfig): string {
  return request.host || `${config.host}:${config.port}`;
}

/** This process first, then the others from a rotating start. */
function liveOrder(urls: string[], own: string | null): string[] {
  const others = urls.filter((url) => url !== own).sort();
  const start = others.length ? Math.floor(Math.random() * others.length) : 0;
  const rotated = [...others.slice(start), ...others.slice(0, start)];
  return own && urls.includes(own) ? [own, ...rotated] : rotated;
}

export interface DnsRouteDeps {
  domain: Domain;
  config: ServerConfig;
  registry: ProcessRegistry;
}

export function dnsRoutes(server: FastifyInstance, deps: DnsRouteDeps): void {
  const { domain, config, registry } = deps;
  server.get<{ Querystring: { app_key?: string } }>(
    routeParts(DnsRoute)[1],
    async (request, reply) => {
      const appKey = request.query.app_key;
      if (typeof appKey !== 'string' || appKey === '') {
        return sendError(reply, 400, RestErrors.illegalArgument, 'app_key is required');
      }
      const app = await domain.apps.get(appKey);
      if (!app) {
        throw new DomainError(Failures.appNotFound, `Could not find application for ${appKey}`);
      }
      const secure = request.protocol === 'https';
      const host = reachedHost(request, config);
      const live = liveOrder(
        (await registry.live()).map((entry) => entry.url),
        config.publicUrl,
      );
      const restUrls = live.length ? live : [`${secure ? 'https' : 'http'}://${host}`];
      const socketUrls = live.length
        ? live.map((url) => `${url.replace(/^http/, 'ws')}/websocket`)
        : [`${secure ? 'wss' : 'ws'}://${host}/websocket`];
      const rest = (config.restHosts ?? restUrls).map(dnsHost);
      const socket = (config.wsHosts ?? socketUrls).map(dnsHost);
      const response: DnsResponse = {
        rest: { hosts: rest },
        'msync-ws': { hosts: socket },
        'msync-wx': { hosts: socket },
      };
      return response;
    },
  );
}
