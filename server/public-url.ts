/**
 * The `http(s)://host[:port]` a client reaches this process's REST API by, for the file urls sent
 * to it. Used by the REST routes and the gateway alike, so it lives beside neither.
 */
import type { FastifyRequest } from 'fastify';
import type { ServerConfig } from './config.js';

/** The configured REST host wins (behind a proxy); else the scheme and Host of this request. */
export function restBase(request: FastifyRequest, config: ServerConfig): string {
  const configured = config.restHosts?.[0];
  if (configured) return configured.replace(/\/+$/, '');
  return `${request.protocol}://${request.host || `${config.host}:${config.port}`}`;
}
