/**
 * `GET /{org}/{app}/users/{me}/messages` (one page of a conversation, newest first, cursor = the
 * last mid returned) and `GET /{org}/{app}/users/{me}/user_channels` (conversations with unread
 * counts). Only for yourself.
 */
import type { FastifyInstance } from 'fastify';
import type { ConversationsResponse, HistoryResponse } from '../../src/protocol/rest.js';
import { Limits } from '../../src/protocol/rest.js';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { ServerConfig } from '../config.js';
import type { Domain } from '../domain/domain.js';
import { invalid } from '../domain/errors.js';
import { withBase } from '../domain/messages.js';
import { checkUsername } from '../domain/users.js';
import { authenticateSelf, requireApp } from './request-context.js';
import { restBase } from '../public-url.js';
import { on } from './rest-route.js';

type Query = Record<string, unknown>;

const HISTORY_PAGE_DEFAULT = 20;

function optionalParam(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be given once`);
  return value;
}

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
  on(server, RestRoutes.history, async (request) => {
    const app = await requireApp(domain, request);
    const me = request.params.me;
    await authenticateSelf(domain, request, app, me);
    const peer = optionalParam(request.query, 'peer');
    if (peer === undefined) {
      throw invalid('peer is required: the other user of the conversation, or the group id');
    }
    const chatType = optionalParam(request.query, 'chatType') ?? 'singleChat';
    if (chatType === 'groupChat') {
      if (!Limits.numericIdPattern.test(peer)) throw invalid('peer must be a group id');
      // Members only, and only while they are members.
      await domain.groups.requireMember(app, me, peer);
    } else if (chatType === 'singleChat') {
      checkUsername(peer);
      // Storage takes a numeric peer for a group: never without the member check above.
      if (Limits.numericIdPattern.test(peer)) {
        throw invalid(`${peer} is a group id: ask with chatType=groupChat`);
      }
    } else {
      throw invalid('chatType must be singleChat or groupChat');
    }
    const cursor = optionalParam(request.query, 'cursor') ?? null;
    const limit = pageLimit(request.query);
    const page = await domain.messages.history(app, me, peer, cursor, limit);
    if (!page) throw invalid(`cursor ${cursor} is not a message of this conversation`);
    const base = restBase(request, config);
    const response: HistoryResponse = {
      ...page,
      messages: (await domain.reactions.withReactions(app, me, page.messages)).map((message) =>
        withBase(message, base),
      ),
    };
    return response;
  });

  on(server, RestRoutes.conversations, async (request) => {
    const app = await requireApp(domain, request);
    const me = request.params.me;
    await authenticateSelf(domain, request, app, me);
    const base = restBase(request, config);
    const conversations = await domain.messages.conversations(app, me);
    const response: ConversationsResponse = {
      entities: conversations.map((conversation) => ({
        ...conversation,
        lastMessage: withBase(conversation.lastMessage, base),
      })),
    };
    return response;
  });
}
