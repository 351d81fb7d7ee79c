/**
 * `GET /{org}/{app}/users/{me}/messages` (one page of a conversation, newest first, cursor = the
 * last mid returned) and `GET /{org}/{app}/users/{me}/user_channels` (conversations with unread
 * counts). Only for yourself.
 */
import type { FastifyInstance } from 'fastify';
import type { ConversationsResponse } from '../../src/protocol/rest.js';
import { Limits } from '../../src/protocol/rest.js';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { ServerConfig } from '../config.js';
import type { Domain } from '../domain/domain.js';
import { invalid } from '../domain/errors.js';
import { withBase } from '../domain/messages.js';
import { conversationParams, optionalParam, type Query } from '../domain/query-params.js';
import { selfRoute } from './request-context.js';
import { restBase } from '../public-url.js';
import { on } from './rest-route.js';

const HISTORY_PAGE_DEFAULT = 20;
/** What Fastify says of the JSON it serialises itself. */
const JSON_TYPE = 'application/json; charset=utf-8';

function pageLimit(query: Query): number {
  const raw = optionalParam(query, 'limit');
  if (raw === undefined) return HISTORY_PAGE_DEFAULT;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > Limits.historyPageMax) {
    throw invalid(`limit must be an integer from 1 to ${Limits.historyPageMax}`);
  }
  return limit;
}

export function historyRoutes(server: FastifyInstance, domain: Domain, config: ServerConfig): void {
  on(server, RestRoutes.history, async (request, reply) => {
    const { app, me } = await selfRoute(domain, request);
    const [peer, chatType] = conversationParams(request.query, 'peer');
    // Members only, and only while they are members.
    if (chatType === 'groupChat') await domain.groups.requireMember(app, me, peer);
    const cursor = optionalParam(request.query, 'cursor') ?? null;
    const limit = pageLimit(request.query);
    const page = await domain.messages.history(app, me, peer, cursor, limit);
    if (!page) throw invalid(`cursor ${cursor} is not a message of this conversation`);
    const base = restBase(request, config);
    const mids = page.messages.map((json) => json.mid);
    const reactions = await domain.reactions.summaries(app, me, mids);
    // A HistoryResponse, written from each message's stored JSON (issue 11), not re-serialised.
    const messages = page.messages.map((json) => {
      const list = reactions.get(json.mid);
      return json.text(0, base, list ? `,"reactions":${JSON.stringify(list)}` : '');
    });
    const { cursor: next, isLast } = page;
    return reply
      .type(JSON_TYPE)
      .send(
        `{"messages":[${messages.join(',')}],"cursor":${JSON.stringify(next)},"isLast":${isLast}}`,
      );
  });

  on(server, RestRoutes.conversations, async (request) => {
    const { app, me } = await selfRoute(domain, request);
    const base = restBase(request, config);
    // `seq`: the inbox position the unread counts are as of (message-reads.ts).
    const { conversations, seq } = await domain.messages.conversations(app, me);
    const response: ConversationsResponse = {
      entities: conversations.map((conversation) => ({
        ...conversation,
        lastMessage: withBase(conversation.lastMessage, base),
      })),
      ...(seq !== undefined && { seq }),
    };
    return response;
  });
}
