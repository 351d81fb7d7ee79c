/**
 * Chat rooms (the chat-room table in src/protocol/rest.ts). Every route needs a token. Room changes
 * are pushed live as `room` frames to the sessions of the members (and of a member removed);
 * nothing of a room is stored in an inbox.
 */
import type { FastifyInstance } from 'fastify';
import {
  Limits,
  type HistoryResponse,
  type RoomIdResponse,
  type RoomInfoResponse,
  type RoomMembersResponse,
  type RoomsResponse,
} from '../../src/protocol/rest.js';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Fanout } from '../bus/fanout.js';
import type { ServerConfig } from '../config.js';
import type { Domain } from '../domain/domain.js';
import { withBase } from '../domain/messages.js';
import type { RoomResult } from '../domain/rooms.js';
import type { AppRecord } from '../storage/storage.js';
import {
  jsonObject,
  optionalNumber,
  optionalString,
  positiveParam,
  requiredString,
} from './body-fields.js';
import { okResponse } from './entities.js';
import {
  type AppParams,
  authenticateCaller,
  type ParamsRequest,
  selfRoute,
} from './request-context.js';
import { restBase } from '../public-url.js';
import { moderationRoutes } from './moderation-routes.js';
import { on } from './rest-route.js';

interface RoomParams extends AppParams {
  roomId: string;
}

interface MemberParams extends RoomParams {
  username: string;
}

export interface RoomsRouteDeps {
  domain: Domain;
  fanout: Fanout;
  config: ServerConfig;
}

export function roomsRoutes(server: FastifyInstance, deps: RoomsRouteDeps): void {
  const { domain, fanout, config } = deps;
  const rooms = domain.rooms;

  /** A change as the token's user: `act` makes it, its notice goes out live, the answer is `ok`. */
  function change<P extends AppParams>(
    act: (app: AppRecord, me: string, request: ParamsRequest<P>) => Promise<RoomResult>,
  ) {
    return async (request: ParamsRequest<P>) => {
      const { app, me } = await authenticateCaller(domain, request);
      const { notice } = await act(app, me, request);
      if (notice) await fanout.room(app.key, notice.usernames, notice.frame);
      return okResponse;
    };
  }

  on(server, RestRoutes.rooms, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    await domain.visitors.refuseGuest(app, me, 'list chat rooms');
    const page = positiveParam(request.query, 'pagenum', 1, Number.MAX_SAFE_INTEGER);
    const size = positiveParam(request.query, 'pagesize', 20, Limits.historyPageMax);
    const response: RoomsResponse = {
      data: await rooms.list(app, page, size),
      can_create: rooms.canCreate(app, me),
    };
    return response;
  });

  on(server, RestRoutes.createRoom, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    await domain.visitors.refuseGuest(app, me, 'create chat rooms');
    const body = jsonObject(request.body);
    const id = await rooms.create(app, me, {
      name: requiredString(body, 'name'),
      description: optionalString(body, 'description'),
      maxusers: optionalNumber(body, 'maxusers'),
    });
    const response: RoomIdResponse = { data: { id } };
    return response;
  });

  on(server, RestRoutes.room, async (request) => {
    const { app } = await authenticateCaller(domain, request);
    const response: RoomInfoResponse = { data: [await rooms.info(app, request.params.roomId)] };
    return response;
  });

  on(
    server,
    RestRoutes.destroyRoom,
    change((app, me, request: ParamsRequest<RoomParams>) =>
      rooms.destroy(app, me, request.params.roomId),
    ),
  );

  on(
    server,
    RestRoutes.joinRoom,
    change((app, me, request: ParamsRequest<RoomParams>) =>
      rooms.join(app, me, request.params.roomId),
    ),
  );

  on(
    server,
    RestRoutes.quitRoom,
    change((app, me, request: ParamsRequest<RoomParams>) =>
      rooms.quit(app, me, request.params.roomId),
    ),
  );

  on(server, RestRoutes.roomMembers, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: RoomMembersResponse = {
      data: await rooms.members(app, me, request.params.roomId),
    };
    return response;
  });

  on(
    server,
    RestRoutes.removeRoomMember,
    change((app, me, request: ParamsRequest<MemberParams>) =>
      rooms.kick(app, me, request.params.roomId, request.params.username),
    ),
  );

  on(server, RestRoutes.roomHistory, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const limit = positiveParam(
      request.query,
      'limit',
      Limits.roomRecentMessages,
      Limits.roomRecentMessages,
    );
    const messages = await domain.messages.roomMessages(app, me, request.params.roomId, limit);
    const urlBase = restBase(request, config);
    // The window is all there is: no cursor, always the last page.
    const response: HistoryResponse = {
      messages: messages.map((message) => withBase(message, urlBase)),
      cursor: null,
      isLast: true,
    };
    return response;
  });

  on(server, RestRoutes.joinedRooms, async (request) => {
    const { app } = await selfRoute(domain, request);
    const response: RoomsResponse = { data: await rooms.joined(app, request.params.me) };
    return response;
  });

  moderationRoutes(server, domain, {
    id: 'roomId',
    routes: {
      announcement: RestRoutes.roomAnnouncement,
      updateAnnouncement: RestRoutes.updateRoomAnnouncement,
      muteAll: RestRoutes.muteAllInRoom,
      unmuteAll: RestRoutes.unmuteAllInRoom,
      admins: RestRoutes.roomAdmins,
      addAdmin: RestRoutes.addRoomAdmin,
      removeAdmin: RestRoutes.removeRoomAdmin,
      mute: RestRoutes.muteRoomMembers,
      unmute: RestRoutes.unmuteRoomMember,
      muteList: RestRoutes.roomMuteList,
      blocklist: RestRoutes.roomBlocklist,
      block: RestRoutes.blockRoomMember,
      unblock: RestRoutes.unblockRoomMember,
    },
    ops: rooms,
    push: async (app, { notice }: RoomResult) => {
      if (notice) await fanout.room(app.key, notice.usernames, notice.frame);
    },
    maxMuted: () => Limits.roomMembersMax,
  });
}
