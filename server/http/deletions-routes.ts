/**
 * Delete for me (src/protocol/deletions.ts): `removeHistoryMessages` and `deleteConversation`,
 * only for yourself, only your own view (server/domain/deletions.ts). The deletion's event goes to
 * all your sessions, so your other tabs and devices follow; nobody else hears of it.
 */
import type { FastifyInstance } from 'fastify';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Fanout } from '../bus/fanout.js';
import type { Domain } from '../domain/domain.js';
import { okResponse } from './entities.js';
import { selfRoute } from './request-context.js';
import { on } from './rest-route.js';

export function deletionsRoutes(
  server: FastifyInstance,
  { domain, fanout }: { domain: Domain; fanout: Fanout },
): void {
  on(server, RestRoutes.removeHistoryMessages, async (request) => {
    const { app } = await selfRoute(domain, request);
    const events = await domain.deletions.removeMessages(app, request.params.me, request.query);
    await fanout.events(app.key, events);
    return okResponse;
  });

  on(server, RestRoutes.deleteConversation, async (request) => {
    const { app } = await selfRoute(domain, request);
    const events = await domain.deletions.deleteConversation(app, request.params.me, request.query);
    await fanout.events(app.key, events);
    return okResponse;
  });
}
