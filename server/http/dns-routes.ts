/**
 * `GET /easemob/server.json?app_key=org%23app`: the hosts the SDK may use, in the order to try
 * them (`isHttpDNS: true`). Configured lists win; otherwise the host the client just reached.
 * A host entry has no path: the SDK adds `/websocket` itself.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RestErrors, type DnsHost, type DnsResponse } from '../../src/protocol/rest.js';
import { DnsRoute, routeParts } from '../../src/protocol/routes.js';
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

export function dnsRoutes(server: FastifyInstance, domain: Domain, config: ServerConfig): void {
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
      const rest = (config.restHosts ?? [`${secure ? 'https' : 'http'}://${host}`]).map(dnsHost);
      const socket = (config.wsHosts ?? [`${secure ? 'wss' : 'ws'}://${host}/websocket`]).map(
        dnsHost,
      );
      const response: DnsResponse = {
        rest: { hosts: rest },
        'msync-ws': { hosts: socket },
        'msync-wx': { hosts: socket },
      };
      return response;
    },
  );
}
