/**
 * Groups, on Agora's paths (the group table in src/protocol/rest.ts). Every route needs a token;
 * who may do what is the domain's (server/domain/groups.ts). Each change is pushed to the sessions
 * of the users it concerns as `event` frames; the storage has put the same events in their inboxes.
 */
import type { FastifyInstance } from 'fastify';
import {
  Limits,
  type ApplyResponse,
  type GroupAcksResponse,
  type GroupIdResponse,
  type GroupInfoResponse,
  type GroupMembersResponse,
  type GroupsResponse,
  type MuteListResponse,
  type UsernamesResponse,
} from '../../src/protocol/rest.js';
import type { Fanout } from '../bus/fanout.js';
import type { Domain } from '../domain/domain.js';
import { invalid } from '../domain/errors.js';
import type { GroupResult } from '../domain/groups.js';
import type { AppRecord } from '../storage/storage.js';
import {
  jsonObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  positiveParam,
  requiredBoolean,
  requiredString,
  type JsonObject,
} from './body-fields.js';
import { okResponse } from './entities.js';
import {
  authenticateCaller,
  authenticateSelf,
  requireApp,
  type AppParams,
  type MeParams,
  type ParamsRequest,
} from './request-context.js';

interface GroupParams extends AppParams {
  gid: string;
}

interface MemberParams extends GroupParams {
  user: string;
}

interface MessageParams extends GroupParams {
  mid: string;
}

export interface GroupsRouteDeps {
  domain: Domain;
  fanout: Fanout;
}

function usernames(body: JsonObject, name: string, max: number): string[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw invalid(`${name} must be an array of usernames`);
  }
  if (value.length > max) throw invalid(`${name} may name at most ${max} users`);
  return value as string[];
}

export function groupsRoutes(server: FastifyInstance, deps: GroupsRouteDeps): void {
  const { domain, fanout } = deps;
  const groups = domain.groups;
  const base = '/:org/:app/chatgroups';

  /**
   * A change as the token's user: `act` makes it, the events it stored are pushed to the sessions
   * concerned, and the answer is `ok` unless `answer` makes one of the result's value.
   */
  function change<P extends AppParams, T>(
    act: (app: AppRecord, me: string, request: ParamsRequest<P>) => Promise<GroupResult<T>>,
    answer: (value: T) => unknown = () => okResponse,
  ) {
    return async (request: ParamsRequest<P>) => {
      const { app, me } = await authenticateCaller(domain, request);
      const result = await act(app, me, request);
      await fanout.events(app.key, result.deliveries);
      return answer(result.value);
    };
  }

  server.post<{ Params: AppParams }>(
    base,
    change(
      (app, me, request: ParamsRequest<AppParams>) => {
        const body = jsonObject(request.body);
        return groups.create(app, me, {
          groupname: requiredString(body, 'groupname'),
          desc: optionalString(body, 'desc'),
          members: usernames(body, 'members', domain.apps.maxGroupMembers(app)),
          public: optionalBoolean(body, 'public'),
          approval: optionalBoolean(body, 'approval'),
          allowinvites: optionalBoolean(body, 'allowinvites'),
          inviteNeedConfirm: optionalBoolean(body, 'inviteNeedConfirm'),
          maxusers: optionalNumber(body, 'maxusers'),
        });
      },
      (groupid): GroupIdResponse => ({ data: { groupid } }),
    ),
  );

  server.get<{ Params: GroupParams }>(`${base}/:gid`, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: GroupInfoResponse = {
      data: [await groups.info(app, me, request.params.gid)],
    };
    return response;
  });

  server.put<{ Params: GroupParams }>(
    `${base}/:gid`,
    change(
      (app, me, request: ParamsRequest<GroupParams>) => {
        const body = jsonObject(request.body);
        return groups.modify(app, me, request.params.gid, {
          groupname: optionalString(body, 'groupname'),
          description: optionalString(body, 'description'),
          newowner: optionalString(body, 'newowner'),
        });
      },
      (info): GroupInfoResponse => ({ data: [info] }),
    ),
  );

  server.delete<{ Params: GroupParams }>(
    `${base}/:gid`,
    change((app, me, request: ParamsRequest<GroupParams>) =>
      groups.destroy(app, me, request.params.gid),
    ),
  );

  server.get<{ Params: MeParams }>(
    '/:org/:app/users/:username/joined_chatgroups',
    async (request) => {
      const app = await requireApp(domain, request);
      await authenticateSelf(domain, request, app, request.params.username);
      const response: GroupsResponse = {
        entities: await groups.joined(app, request.params.username),
      };
      return response;
    },
  );

  server.get<{ Params: AppParams; Querystring: Record<string, unknown> }>(
    '/:org/:app/publicchatgroups',
    async (request) => {
      const { app } = await authenticateCaller(domain, request);
      const limit = positiveParam(request.query, 'limit', 20, Limits.historyPageMax);
      const cursor = request.query.cursor;
      if (cursor !== undefined && typeof cursor !== 'string') {
        throw invalid('cursor must be given once');
      }
      return groups.publicGroups(app, limit, cursor === undefined || cursor === '' ? null : cursor);
    },
  );

  server.get<{ Params: GroupParams }>(`${base}/:gid/users`, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: GroupMembersResponse = {
      entities: await groups.members(app, me, request.params.gid),
    };
    return response;
  });

  server.post<{ Params: GroupParams }>(
    `${base}/:gid/invite`,
    change((app, me, request: ParamsRequest<GroupParams>) => {
      const body = jsonObject(request.body);
      const invitees = usernames(body, 'usernames', domain.apps.maxGroupMembers(app));
      return groups.invite(app, me, request.params.gid, invitees, optionalString(body, 'reason'));
    }),
  );

  server.post<{ Params: GroupParams }>(
    `${base}/:gid/invite_verify`,
    change((app, me, request: ParamsRequest<GroupParams>) => {
      const body = jsonObject(request.body);
      return groups.answerInvitation(
        app,
        me,
        request.params.gid,
        requiredBoolean(body, 'accept'),
        optionalString(body, 'reason'),
      );
    }),
  );

  server.post<{ Params: GroupParams }>(
    `${base}/:gid/apply`,
    change(
      (app, me, request: ParamsRequest<GroupParams>) => {
        // The SDKs send an empty body when there is no message.
        const body = request.body === undefined ? {} : jsonObject(request.body);
        return groups.apply(app, me, request.params.gid, optionalString(body, 'message'));
      },
      (result): ApplyResponse => ({ data: { result } }),
    ),
  );

  server.post<{ Params: GroupParams }>(
    `${base}/:gid/apply_verify`,
    change((app, me, request: ParamsRequest<GroupParams>) => {
      const body = jsonObject(request.body);
      return groups.answerApplication(
        app,
        me,
        request.params.gid,
        requiredString(body, 'applicant'),
        requiredBoolean(body, 'accept'),
        optionalString(body, 'reason'),
      );
    }),
  );

  server.delete<{ Params: GroupParams }>(
    `${base}/:gid/quit`,
    change((app, me, request: ParamsRequest<GroupParams>) =>
      groups.quit(app, me, request.params.gid),
    ),
  );

  server.delete<{ Params: MemberParams }>(
    `${base}/:gid/users/:user`,
    change((app, me, request: ParamsRequest<MemberParams>) =>
      groups.kick(app, me, request.params.gid, request.params.user),
    ),
  );

  server.get<{ Params: GroupParams }>(`${base}/:gid/admin`, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: UsernamesResponse = { data: await groups.admins(app, me, request.params.gid) };
    return response;
  });

  server.post<{ Params: GroupParams }>(
    `${base}/:gid/admin`,
    change((app, me, request: ParamsRequest<GroupParams>) => {
      const newadmin = requiredString(jsonObject(request.body), 'newadmin');
      return groups.setAdmin(app, me, request.params.gid, newadmin, true);
    }),
  );

  server.delete<{ Params: MemberParams }>(
    `${base}/:gid/admin/:user`,
    change((app, me, request: ParamsRequest<MemberParams>) =>
      groups.setAdmin(app, me, request.params.gid, request.params.user, false),
    ),
  );

  server.post<{ Params: GroupParams }>(
    `${base}/:gid/mute`,
    change((app, me, request: ParamsRequest<GroupParams>) => {
      const body = jsonObject(request.body);
      const duration = body.mute_duration;
      if (typeof duration !== 'number') {
        throw invalid('mute_duration is required: milliseconds, or -1 until unmuted');
      }
      return groups.mute(
        app,
        me,
        request.params.gid,
        usernames(body, 'usernames', domain.apps.maxGroupMembers(app)),
        duration,
      );
    }),
  );

  server.delete<{ Params: MemberParams }>(
    `${base}/:gid/mute/:user`,
    change((app, me, request: ParamsRequest<MemberParams>) =>
      groups.unmute(app, me, request.params.gid, request.params.user),
    ),
  );

  server.get<{ Params: GroupParams }>(`${base}/:gid/mute`, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: MuteListResponse = { data: await groups.muteList(app, me, request.params.gid) };
    return response;
  });

  server.get<{ Params: MessageParams }>(`${base}/:gid/acks/:mid`, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: GroupAcksResponse = {
      data: await groups.acks(app, me, request.params.gid, request.params.mid),
    };
    return response;
  });
}
