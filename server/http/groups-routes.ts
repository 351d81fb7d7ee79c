/**
 * Groups, on Agora's paths (the group table in src/protocol/rest.ts). Every route needs a token;
 * who may do what is the domain's (server/domain/groups.ts). Each change is pushed to the sessions
 * of the users it concerns as `event` frames; the storage has put the same events in their inboxes.
 */
import type { FastifyInstance } from 'fastify';
import { RestRoutes } from '../../src/protocol/routes.js';
import {
  Limits,
  type ApplyResponse,
  type GroupAcksResponse,
  type GroupIdResponse,
  type GroupInfoResponse,
  type GroupMembersResponse,
  type GroupsResponse,
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
  usernameList,
} from './body-fields.js';
import { okResponse } from './entities.js';
import { moderationRoutes } from './moderation-routes.js';
import { on } from './rest-route.js';
import {
  type AppParams,
  authenticateCaller,
  type ParamsRequest,
  selfRoute,
} from './request-context.js';

interface GroupParams extends AppParams {
  groupId: string;
}

interface MemberParams extends GroupParams {
  username: string;
}

export interface GroupsRouteDeps {
  domain: Domain;
  fanout: Fanout;
}

export function groupsRoutes(server: FastifyInstance, deps: GroupsRouteDeps): void {
  const { domain, fanout } = deps;
  const groups = domain.groups;

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

  on(
    server,
    RestRoutes.createGroup,
    change(
      async (app, me, request: ParamsRequest<AppParams>) => {
        await domain.visitors.refuseGuest(app, me, 'create groups');
        const body = jsonObject(request.body);
        return groups.create(app, me, {
          groupname: requiredString(body, 'groupname'),
          desc: optionalString(body, 'desc'),
          members: usernameList(body, 'members', domain.apps.maxGroupMembers(app)),
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

  on(server, RestRoutes.group, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: GroupInfoResponse = {
      data: [await groups.info(app, me, request.params.groupId)],
    };
    return response;
  });

  on(
    server,
    RestRoutes.modifyGroup,
    change(
      (app, me, request: ParamsRequest<GroupParams>) => {
        const body = jsonObject(request.body);
        return groups.modify(app, me, request.params.groupId, {
          groupname: optionalString(body, 'groupname'),
          description: optionalString(body, 'description'),
          newowner: optionalString(body, 'newowner'),
        });
      },
      (info): GroupInfoResponse => ({ data: [info] }),
    ),
  );

  on(
    server,
    RestRoutes.destroyGroup,
    change((app, me, request: ParamsRequest<GroupParams>) =>
      groups.destroy(app, me, request.params.groupId),
    ),
  );

  on(server, RestRoutes.joinedGroups, async (request) => {
    const { app } = await selfRoute(domain, request);
    const response: GroupsResponse = {
      entities: await groups.joined(app, request.params.me),
    };
    return response;
  });

  on(server, RestRoutes.publicGroups, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    await domain.visitors.refuseGuest(app, me, 'list public groups');
    const limit = positiveParam(request.query, 'limit', 20, Limits.historyPageMax);
    const cursor = request.query.cursor;
    if (cursor !== undefined && typeof cursor !== 'string') {
      throw invalid('cursor must be given once');
    }
    return groups.publicGroups(app, limit, cursor === undefined || cursor === '' ? null : cursor);
  });

  on(server, RestRoutes.groupMembers, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: GroupMembersResponse = {
      entities: await groups.members(app, me, request.params.groupId),
    };
    return response;
  });

  on(
    server,
    RestRoutes.inviteToGroup,
    change((app, me, request: ParamsRequest<GroupParams>) => {
      const body = jsonObject(request.body);
      const invitees = usernameList(body, 'usernames', domain.apps.maxGroupMembers(app));
      return groups.membership.invite(
        app,
        me,
        request.params.groupId,
        invitees,
        optionalString(body, 'reason'),
      );
    }),
  );

  on(
    server,
    RestRoutes.answerGroupInvite,
    change((app, me, request: ParamsRequest<GroupParams>) => {
      const body = jsonObject(request.body);
      return groups.membership.answerInvitation(
        app,
        me,
        request.params.groupId,
        requiredBoolean(body, 'accept'),
        optionalString(body, 'reason'),
      );
    }),
  );

  on(
    server,
    RestRoutes.applyToGroup,
    change(
      (app, me, request: ParamsRequest<GroupParams>) => {
        // The SDKs send an empty body when there is no message.
        const body = request.body === undefined ? {} : jsonObject(request.body);
        return groups.membership.apply(
          app,
          me,
          request.params.groupId,
          optionalString(body, 'message'),
        );
      },
      (result): ApplyResponse => ({ data: { result } }),
    ),
  );

  on(
    server,
    RestRoutes.answerGroupApplication,
    change((app, me, request: ParamsRequest<GroupParams>) => {
      const body = jsonObject(request.body);
      return groups.membership.answerApplication(
        app,
        me,
        request.params.groupId,
        requiredString(body, 'applicant'),
        requiredBoolean(body, 'accept'),
        optionalString(body, 'reason'),
      );
    }),
  );

  on(
    server,
    RestRoutes.quitGroup,
    change((app, me, request: ParamsRequest<GroupParams>) =>
      groups.membership.quit(app, me, request.params.groupId),
    ),
  );

  on(
    server,
    RestRoutes.removeGroupMember,
    change((app, me, request: ParamsRequest<MemberParams>) =>
      groups.membership.kick(app, me, request.params.groupId, request.params.username),
    ),
  );

  on(server, RestRoutes.groupAcks, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const response: GroupAcksResponse = {
      data: await groups.acks(app, me, request.params.groupId, request.params.msgId),
    };
    return response;
  });

  moderationRoutes<GroupResult<unknown>>(server, domain, {
    id: 'groupId',
    routes: {
      announcement: RestRoutes.groupAnnouncement,
      updateAnnouncement: RestRoutes.updateGroupAnnouncement,
      muteAll: RestRoutes.muteAllInGroup,
      unmuteAll: RestRoutes.unmuteAllInGroup,
      admins: RestRoutes.groupAdmins,
      addAdmin: RestRoutes.addGroupAdmin,
      removeAdmin: RestRoutes.removeGroupAdmin,
      mute: RestRoutes.muteGroupMembers,
      unmute: RestRoutes.unmuteGroupMember,
      muteList: RestRoutes.groupMuteList,
      blocklist: RestRoutes.groupBlocklist,
      block: RestRoutes.blockGroupMember,
      unblock: RestRoutes.unblockGroupMember,
    },
    ops: groups.moderation,
    push: (app, result) => fanout.events(app.key, result.deliveries),
    maxMuted: (app) => domain.apps.maxGroupMembers(app),
  });
}
