/**
 * Reactions (the 4.x SDK's `addReaction`, `deleteReaction`, `getReactionList`,
 * `getReactionDetail`; src/protocol/rest.ts): only for yourself, only on a message of a
 * conversation you are part of (server/domain/reactions.ts). Each change goes out on the bus to
 * every member's sessions, so it reaches them on any process.
 */
import type { FastifyInstance } from 'fastify';
import type {
  AddReactionRequest,
  ReactionDetailResponse,
  ReactionListResponse,
} from '../../src/protocol/rest.js';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Fanout } from '../bus/fanout.js';
import type { Domain } from '../domain/domain.js';
import { invalid } from '../domain/errors.js';
import { jsonObject } from './body-fields.js';
import { okResponse } from './entities.js';
import { selfRoute } from './request-context.js';
import { on } from './rest-route.js';

/** A query value given once (Fastify makes a repeated name an array). */
function once(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be given once`);
  return value;
}

type Fields = Record<string, unknown>;

/**
 * The SDK's names (`messageId`, `reaction`, `pageSize`: the route table's query) or Agora's REST
 * names (`msgId` or `msgIdList`, `message`, `limit`), whichever the request uses.
 */
const either = (fields: Fields, sdk: string, agora: string) =>
  once(fields[sdk] ?? fields[agora], sdk);

export function reactionsRoutes(
  server: FastifyInstance,
  { domain, fanout }: { domain: Domain; fanout: Fanout },
): void {
  on(server, RestRoutes.addReaction, async (request) => {
    const { app, me } = await selfRoute(domain, request);
    // The SDK sends the query; Agora's REST API a JSON body {msgId, message}.
    const q = request.query;
    const fields: Fields = request.body === undefined ? {} : jsonObject(request.body);
    const body: Partial<AddReactionRequest> = {
      msgId: either(q, 'messageId', 'msgId') ?? (fields.msgId as string | undefined),
      message: either(q, 'reaction', 'message') ?? (fields.message as string | undefined),
    };
    await fanout.reactions(app.key, await domain.reactions.add(app, me, body));
    return okResponse;
  });

  on(server, RestRoutes.deleteReaction, async (request) => {
    const { app, me } = await selfRoute(domain, request);
    const q = request.query;
    const notices = await domain.reactions.remove(
      app,
      me,
      either(q, 'messageId', 'msgId'),
      either(q, 'reaction', 'message'),
    );
    await fanout.reactions(app.key, notices);
    return okResponse;
  });

  on(server, RestRoutes.reactionList, async (request) => {
    const { app, me } = await selfRoute(domain, request);
    const ids = either(request.query, 'messageId', 'msgIdList') ?? '';
    const mids = ids.split(',').filter((id) => id !== '');
    const response: ReactionListResponse = { data: await domain.reactions.list(app, me, mids) };
    return response;
  });

  on(server, RestRoutes.reactionDetail, async (request) => {
    const { app, me } = await selfRoute(domain, request);
    const q = request.query;
    const response: ReactionDetailResponse = {
      data: await domain.reactions.detail(app, me, {
        msgId: either(q, 'messageId', 'msgId'),
        message: either(q, 'reaction', 'message'),
        cursor: once(q.cursor, 'cursor'),
        limit: either(q, 'pageSize', 'limit'),
      }),
    };
    return response;
  });
}
