/**
 * The moderation routes groups and chat rooms share (both tables in src/protocol/rest.ts): the
 * announcement, muting everyone, admins, muting members and bans. Who may do what is the domain's
 * (server/domain/groups.ts, rooms.ts); how a change reaches people differs (a group's events go to
 * inboxes, a room's frames only live), so each side passes its `push`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {
  AnnouncementResponse,
  AnnouncementUpdatedResponse,
  MuteAllResponse,
  MuteListResponse,
  UsernamesResponse,
} from '../../src/protocol/rest.js';
import type { RestRoute } from '../../src/protocol/routes.js';
import type { Domain } from '../domain/domain.js';
import { invalid } from '../domain/errors.js';
import type { AppRecord } from '../storage/storage.js';
import { jsonObject, presentString, requiredString, usernameList } from './body-fields.js';
import { okResponse } from './entities.js';
import { authenticateCaller, type AppParams } from './request-context.js';
import { on } from './rest-route.js';

/**
 * What the domain's groups and rooms both do (server/domain/groups.ts, rooms.ts), `R` the result
 * of a change. `id` names the group or room.
 */
export interface ModerationOps<R> {
  announcement(app: AppRecord, user: string, id: string): Promise<string>;
  announce(app: AppRecord, user: string, id: string, text: string): Promise<R>;
  muteAll(app: AppRecord, user: string, id: string, muted: boolean): Promise<R>;
  admins(app: AppRecord, user: string, id: string): Promise<string[]>;
  setAdmin(app: AppRecord, user: string, id: string, target: string, admin: boolean): Promise<R>;
  mute(app: AppRecord, user: string, id: string, users: string[], ms: number): Promise<R | R[]>;
  unmute(app: AppRecord, user: string, id: string, target: string): Promise<R>;
  muteList(app: AppRecord, user: string, id: string): Promise<MuteListResponse['data']>;
  bans(app: AppRecord, user: string, id: string): Promise<string[]>;
  ban(app: AppRecord, user: string, id: string, target: string): Promise<R>;
  unban(app: AppRecord, user: string, id: string, target: string): Promise<R>;
}

/** A group's or a room's moderation: its routes, its operations and how their results go out. */
export interface Moderated<R> {
  /** The path parameter naming the group or room. */
  id: 'groupId' | 'roomId';
  routes: Record<
    | 'announcement'
    | 'updateAnnouncement'
    | 'muteAll'
    | 'unmuteAll'
    | 'admins'
    | 'addAdmin'
    | 'removeAdmin'
    | 'mute'
    | 'unmute'
    | 'muteList'
    | 'blocklist'
    | 'block'
    | 'unblock',
    RestRoute
  >;
  ops: ModerationOps<R>;
  /** Sends what a change stored or says to the sessions concerned. */
  push(app: AppRecord, result: R): Promise<void>;
  /** How many users one mute may name. */
  maxMuted(app: AppRecord): number;
}

type Request = FastifyRequest<{ Params: AppParams & Record<string, string> }>;

export function moderationRoutes<R>(
  server: FastifyInstance,
  domain: Domain,
  place: Moderated<R>,
): void {
  const { routes, ops } = place;
  /** `route` as the token's user, on the group or room of the path. */
  const route = (
    path: RestRoute,
    handle: (app: AppRecord, me: string, id: string, request: Request) => Promise<unknown>,
  ) =>
    on(server, path, async (request) => {
      const { app, me } = await authenticateCaller(domain, request);
      // Every route here names the group or room (`place.id`); `on` types the params per route,
      // which one handler for both tables cannot spell.
      const named = request as unknown as Request;
      return handle(app, me, named.params[place.id]!, named);
    });
  /** A change: made, pushed, answered with `answer` (`ok` by default). */
  const change = (
    path: RestRoute,
    act: (app: AppRecord, me: string, id: string, request: Request) => Promise<R | R[]>,
    answer: (id: string) => unknown = () => okResponse,
  ) =>
    route(path, async (app, me, id, request) => {
      for (const result of [await act(app, me, id, request)].flat() as R[]) {
        await place.push(app, result);
      }
      return answer(id);
    });
  /** A change to the one user the path's `{username}` names. */
  const member = (path: RestRoute, act: 'unmute' | 'ban' | 'unban') =>
    change(path, (app, me, id, request) => ops[act](app, me, id, request.params.username!));

  route(routes.announcement, async (app, me, id): Promise<AnnouncementResponse> => {
    return { data: { announcement: await ops.announcement(app, me, id) } };
  });
  change(
    routes.updateAnnouncement,
    (app, me, id, request) =>
      ops.announce(app, me, id, presentString(jsonObject(request.body), 'announcement')),
    (id): AnnouncementUpdatedResponse => ({ data: { id, result: true } }),
  );
  for (const [path, mute] of [
    [routes.muteAll, true],
    [routes.unmuteAll, false],
  ] as const) {
    change(
      path,
      (app, me, id) => ops.muteAll(app, me, id, mute),
      (): MuteAllResponse => ({ data: { mute } }),
    );
  }

  route(routes.admins, async (app, me, id): Promise<UsernamesResponse> => {
    return { data: await ops.admins(app, me, id) };
  });
  change(routes.addAdmin, (app, me, id, request) =>
    ops.setAdmin(app, me, id, requiredString(jsonObject(request.body), 'newadmin'), true),
  );
  change(routes.removeAdmin, (app, me, id, request) =>
    ops.setAdmin(app, me, id, request.params.username!, false),
  );

  change(routes.mute, (app, me, id, request) => {
    const body = jsonObject(request.body);
    const duration = body.mute_duration;
    if (typeof duration !== 'number') {
      throw invalid('mute_duration is required: milliseconds, or -1 until unmuted');
    }
    const targets = usernameList(body, 'usernames', place.maxMuted(app));
    return ops.mute(app, me, id, targets, duration);
  });
  member(routes.unmute, 'unmute');
  route(routes.muteList, async (app, me, id): Promise<MuteListResponse> => {
    return { data: await ops.muteList(app, me, id) };
  });

  route(routes.blocklist, async (app, me, id): Promise<UsernamesResponse> => {
    return { data: await ops.bans(app, me, id) };
  });
  member(routes.block, 'ban');
  member(routes.unblock, 'unban');
}
