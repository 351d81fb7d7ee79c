/**
 * Registers a handler on a route of the protocol's table (src/protocol/routes.ts), the one place
 * the SDK also takes its paths from: `{x}` becomes the Fastify param `:x`, under `/:org/:app`.
 */
import type {
  FastifyContextConfig,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
} from 'fastify';
import {
  routeParts,
  type PathParams,
  type RestRoute,
  type RoutePath,
} from '../../src/protocol/routes.js';
import type { AppParams } from './request-context.js';

/** The path params of a route: the app's and the route's own. */
export type RouteParams<R extends string> = AppParams & PathParams<RoutePath<R>>;

export type RouteRequest<R extends string, Q = Record<string, unknown>> = FastifyRequest<{
  Params: RouteParams<R>;
  Querystring: Q;
}>;

/** The Fastify url of a route: `/:org/:app/chatgroups/:groupId`. */
export function fastifyUrl(route: string): string {
  return `/:org/:app${routeParts(route)[1].replace(/\{(\w+)\}/g, ':$1')}`;
}

export function on<R extends RestRoute, Q = Record<string, unknown>>(
  server: FastifyInstance,
  route: R,
  handler: (request: RouteRequest<R, Q>, reply: FastifyReply) => unknown,
  config?: FastifyContextConfig,
): void {
  server.route<{ Params: RouteParams<R>; Querystring: Q }>({
    method: routeParts(route)[0] as HTTPMethods,
    url: fastifyUrl(route),
    handler,
    ...(config ? { config } : {}),
  });
}
