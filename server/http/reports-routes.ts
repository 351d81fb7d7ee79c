/**
 * `POST /{org}/{app}/user/{me}/moderation/report` (the 4.x SDK's `reportMessage`): only for
 * yourself, only a message of a conversation you are part of (server/domain/reports.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ReportMessageRequest } from '../../src/protocol/rest.js';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Domain } from '../domain/domain.js';
import { jsonObject } from './body-fields.js';
import { okResponse } from './entities.js';
import { selfRoute } from './request-context.js';
import { on } from './rest-route.js';

export function reportsRoutes(server: FastifyInstance, domain: Domain): void {
  on(server, RestRoutes.reportMessage, async (request) => {
    const { app } = await selfRoute(domain, request);
    const body = jsonObject(request.body) as Partial<ReportMessageRequest>;
    await domain.reports.report(app, request.params.me, body);
    return okResponse;
  });
}
