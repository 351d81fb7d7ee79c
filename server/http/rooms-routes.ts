/**
 * Chat rooms (the chat-room table in src/protocol/rest.ts). Every route needs a token. Room changes
 * are pushed live as `room` frames to the sessions of the members (and of a member removed);
 * nothing of a room is stored in an inbox.
 */
import type { FastifyInstance } from 'fastify';
import {
  Limits,
  type HistoryResponse,
  type OkResponse,
  type RoomIdResponse,
  type RoomInfoResponse,
  type RoomsResponse,
  type UsernamesResponse,
} from '../../src/protocol/rest.js';
import type { Bus } from '../bus/bus.js';
import type { ServerConfig } from '../config.js';
import type { Domain } from '../domain/domain.js';
import { DomainError, Failures } from '../domain/errors.js';
import { withBase } from '../domain/messages.js';
import type { RoomNotice } from '../domain/rooms.js';
import { userChannel, type UserEvent } from '../gateway/user-events.js';
import { jsonObject, optionalString, requiredString } from './body-fields.js';
import { authenticate, authenticateSelf, requireApp, type AppParams } from './request-context.js';
import { restBase } from './rest-base.js';

interface RoomParams extends AppParams {
  id: string;
}

interface MemberParams extends RoomParams {
  user: string;
}

interface MeParams extends AppParams {
  username: string;
}

type Query = Record<string, unknown>;

export interface RoomsRouteDeps {
  domain: Domain;
  bus: Bus<UserEvent>;
  config: ServerConfig;
}

const ok: OkResponse = { data: { result: true } };

const invalid = (description: string) => new DomainError(Failures.invalidArgument, description);

function positiveParam(query: Query, name: string, fallback: number, max: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < 1 || value > max) {
    throw invalid(`${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

export function roomsRoutes(server: FastifyInstance, deps: RoomsRouteDeps): void {
  const { domain, bus, config } = deps;
  const rooms = domain.rooms;
  const base = '/:org/:app/chatrooms';

  async function caller(request: Parameters<typeof requireApp>[1]) {
    const app = await requireApp(domain, request);
    const token = await authenticate(domain, request, app);
    return { app, me: token.username };
  }

  async function notify(appKey: string, notice: RoomNotice | undefined): Promise<void> {
    if (!notice) return;
    for (const username of notice.usernames) {
      await bus.publish(userChannel(appKey, username), { kind: 'room', frame: notice.frame });
    }
  }

  server.get<{ Params: AppParams; Querystring: Query }>(base, async (request) => {
    const { app } = await caller(request);
    const page = positiveParam(request.query, 'pagenum', 1, Number.MAX_SAFE_INTEGER);
    const size = positiveParam(request.query, 'pagesize', 20, Limits.historyPageMax);
    const response: RoomsResponse = { data: await rooms.list(app, page, size) };
    return response;
  });

  server.post<{ Params: AppParams }>(base, async (request) => {
    const { app, me } = await caller(request);
    const body = jsonObject(request.body);
    const maxusers = body.maxusers;
    if (maxusers !== undefined && maxusers !== null && typeof maxusers !== 'number') {
      throw invalid('maxusers must be a number');
    }
    const id = await rooms.create(app, me, {
      name: requiredString(body, 'name'),
      description: optionalString(body, 'description'),
      maxusers: typeof maxusers === 'number' ? maxusers : undefined,
    });
    const response: RoomIdResponse = { data: { id } };
    return response;
  });

  server.get<{ Params: RoomParams }>(`${base}/:id`, async (request) => {
    const { app } = await caller(request);
    const response: RoomInfoResponse = { data: [await rooms.info(app, request.params.id)] };
    return response;
  });

  server.delete<{ Params: RoomParams }>(`${base}/:id`, async (request) => {
    const { app, me } = await caller(request);
    const result = await rooms.destroy(app, me, request.params.id);
    await notify(app.key, result.notice);
    return ok;
  });

  server.post<{ Params: RoomParams }>(`${base}/:id/apply`, async (request) => {
    const { app, me } = await caller(request);
    const result = await rooms.join(app, me, request.params.id);
    await notify(app.key, result.notice);
    return ok;
  });

  server.delete<{ Params: RoomParams }>(`${base}/:id/quit`, async (request) => {
    const { app, me } = await caller(request);
    const result = await rooms.quit(app, me, request.params.id);
    await notify(app.key, result.notice);
    return ok;
  });

  server.get<{ Params: RoomParams }>(`${base}/:id/users`, async (request) => {
    const { app, me } = await caller(request);
    const response: UsernamesResponse = { data: await rooms.members(app, me, request.params.id) };
    return response;
  });

  server.delete<{ Params: MemberParams }>(`${base}/:id/users/:user`, async (request) => {
    const { app, me } = await caller(request);
    const result = await rooms.kick(app, me, request.params.id, request.params.user);
    await notify(app.key, result.notice);
    return ok;
  });

  server.get<{ Params: RoomParams; Querystring: Query }>(
    `${base}/:id/messages`,
    async (request) => {
      const { app, me } = await caller(request);
      const limit = positiveParam(
        request.query,
        'limit',
        Limits.roomRecentMessages,
        Limits.roomRecentMessages,
      );
      const messages = await domain.messages.roomMessages(app, me, request.params.id, limit);
      const urlBase = restBase(request, config);
      // The window is all there is: no cursor, always the last page.
      const response: HistoryResponse = {
        messages: messages.map((message) => withBase(message, urlBase)),
        cursor: null,
        isLast: true,
      };
      return response;
    },
  );

  server.get<{ Params: MeParams }>(
    '/:org/:app/users/:username/joined_chatrooms',
    async (request) => {
      const app = await requireApp(domain, request);
      await authenticateSelf(domain, request, app, request.params.username);
      const response: RoomsResponse = { data: await rooms.joined(app, request.params.username) };
      return response;
    },
  );
}
