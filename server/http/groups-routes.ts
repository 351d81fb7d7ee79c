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
  type OkResponse,
  type UsernamesResponse,
} from '../../src/protocol/rest.js';
import type { Bus } from '../bus/bus.js';
import type { Domain } from '../domain/domain.js';
import { DomainError, Failures } from '../domain/errors.js';
import type { GroupDelivery } from '../storage/group-storage.js';
import { publishAppended, type UserEvent } from '../gateway/user-events.js';
import { jsonObject, optionalString, requiredString, type JsonObject } from './body-fields.js';
import { authenticate, authenticateSelf, requireApp, type AppParams } from './request-context.js';

interface GroupParams extends AppParams {
  gid: string;
}

interface MemberParams extends GroupParams {
  user: string;
}

interface MessageParams extends GroupParams {
  mid: string;
}

interface MeParams extends AppParams {
  username: string;
}

export interface GroupsRouteDeps {
  domain: Domain;
  bus: Bus<UserEvent>;
}

const ok: OkResponse = { data: { result: true } };

const invalid = (description: string) => new DomainError(Failures.invalidArgument, description);

function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false`);
  return value;
}

function requiredBoolean(body: JsonObject, name: string): boolean {
  const value = optionalBoolean(body, name);
  if (value === undefined) throw invalid(`${name} is required: true or false`);
  return value;
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

function pageLimit(query: Record<string, unknown>, fallback: number, max: number): number {
  const raw = query.limit;
  if (raw === undefined || raw === '') return fallback;
  const limit = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || limit < 1 || limit > max) {
    throw invalid(`limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

export function groupsRoutes(server: FastifyInstance, deps: GroupsRouteDeps): void {
  const { domain, bus } = deps;
  const groups = domain.groups;
  const base = '/:org/:app/chatgroups';

  /** The app and the token's user. */
  async function caller(request: Parameters<typeof requireApp>[1]) {
    const app = await requireApp(domain, request);
    const token = await authenticate(domain, request, app);
    return { app, me: token.username };
  }

  const publish = (appKey: string, deliveries: GroupDelivery[]) =>
    publishAppended(bus, appKey, deliveries);

  server.post<{ Params: AppParams }>(base, async (request) => {
    const { app, me } = await caller(request);
    const body = jsonObject(request.body);
    const maxusers = body.maxusers;
    if (maxusers !== undefined && maxusers !== null && typeof maxusers !== 'number') {
      throw invalid('maxusers must be a number');
    }
    const result = await groups.create(app, me, {
      groupname: requiredString(body, 'groupname'),
      desc: optionalString(body, 'desc'),
      members: usernames(body, 'members', domain.apps.maxGroupMembers(app)),
      public: optionalBoolean(body, 'public'),
      approval: optionalBoolean(body, 'approval'),
      allowinvites: optionalBoolean(body, 'allowinvites'),
      inviteNeedConfirm: optionalBoolean(body, 'inviteNeedConfirm'),
      maxusers: typeof maxusers === 'number' ? maxusers : undefined,
    });
    await publish(app.key, result.deliveries);
    const response: GroupIdResponse = { data: { groupid: result.value } };
    return response;
  });

  server.get<{ Params: GroupParams }>(`${base}/:gid`, async (request) => {
    const { app, me } = await caller(request);
    const response: GroupInfoResponse = {
      data: [await groups.info(app, me, request.params.gid)],
    };
    return response;
  });

  server.put<{ Params: GroupParams }>(`${base}/:gid`, async (request) => {
    const { app, me } = await caller(request);
    const body = jsonObject(request.body);
    const result = await groups.modify(app, me, request.params.gid, {
      groupname: optionalString(body, 'groupname'),
      description: optionalString(body, 'description'),
      newowner: optionalString(body, 'newowner'),
    });
    await publish(app.key, result.deliveries);
    const response: GroupInfoResponse = { data: [result.value] };
    return response;
  });

  server.delete<{ Params: GroupParams }>(`${base}/:gid`, async (request) => {
    const { app, me } = await caller(request);
    const result = await groups.destroy(app, me, request.params.gid);
    await publish(app.key, result.deliveries);
    return ok;
  });

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
      const { app } = await caller(request);
      const limit = pageLimit(request.query, 20, Limits.historyPageMax);
      const cursor = request.query.cursor;
      if (cursor !== undefined && typeof cursor !== 'string') {
        throw invalid('cursor must be given once');
      }
      return groups.publicGroups(app, limit, cursor === undefined || cursor === '' ? null : cursor);
    },
  );

  server.get<{ Params: GroupParams }>(`${base}/:gid/users`, async (request) => {
    const { app, me } = await caller(request);
    const response: GroupMembersResponse = {
      entities: await groups.members(app, me, request.params.gid),
    };
    return response;
  });

  server.post<{ Params: GroupParams }>(`${base}/:gid/invite`, async (request) => {
    const { app, me } = await caller(request);
    const body = jsonObject(request.body);
    const invitees = usernames(body, 'usernames', domain.apps.maxGroupMembers(app));
    const result = await groups.invite(
      app,
      me,
      request.params.gid,
      invitees,
      optionalString(body, 'reason'),
    );
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.post<{ Params: GroupParams }>(`${base}/:gid/invite_verify`, async (request) => {
    const { app, me } = await caller(request);
    const body = jsonObject(request.body);
    const result = await groups.answerInvitation(
      app,
      me,
      request.params.gid,
      requiredBoolean(body, 'accept'),
      optionalString(body, 'reason'),
    );
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.post<{ Params: GroupParams }>(`${base}/:gid/apply`, async (request) => {
    const { app, me } = await caller(request);
    // The SDKs send an empty body when there is no message.
    const body = request.body === undefined ? {} : jsonObject(request.body);
    const result = await groups.apply(app, me, request.params.gid, optionalString(body, 'message'));
    await publish(app.key, result.deliveries);
    const response: ApplyResponse = { data: { result: result.value } };
    return response;
  });

  server.post<{ Params: GroupParams }>(`${base}/:gid/apply_verify`, async (request) => {
    const { app, me } = await caller(request);
    const body = jsonObject(request.body);
    const result = await groups.answerApplication(
      app,
      me,
      request.params.gid,
      requiredString(body, 'applicant'),
      requiredBoolean(body, 'accept'),
      optionalString(body, 'reason'),
    );
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.delete<{ Params: GroupParams }>(`${base}/:gid/quit`, async (request) => {
    const { app, me } = await caller(request);
    const result = await groups.quit(app, me, request.params.gid);
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.delete<{ Params: MemberParams }>(`${base}/:gid/users/:user`, async (request) => {
    const { app, me } = await caller(request);
    const result = await groups.kick(app, me, request.params.gid, request.params.user);
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.get<{ Params: GroupParams }>(`${base}/:gid/admin`, async (request) => {
    const { app, me } = await caller(request);
    const response: UsernamesResponse = { data: await groups.admins(app, me, request.params.gid) };
    return response;
  });

  server.post<{ Params: GroupParams }>(`${base}/:gid/admin`, async (request) => {
    const { app, me } = await caller(request);
    const body = jsonObject(request.body);
    const result = await groups.setAdmin(
      app,
      me,
      request.params.gid,
      requiredString(body, 'newadmin'),
      true,
    );
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.delete<{ Params: MemberParams }>(`${base}/:gid/admin/:user`, async (request) => {
    const { app, me } = await caller(request);
    const result = await groups.setAdmin(app, me, request.params.gid, request.params.user, false);
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.post<{ Params: GroupParams }>(`${base}/:gid/mute`, async (request) => {
    const { app, me } = await caller(request);
    const body = jsonObject(request.body);
    const duration = body.mute_duration;
    if (typeof duration !== 'number') {
      throw invalid('mute_duration is required: milliseconds, or -1 until unmuted');
    }
    const result = await groups.mute(
      app,
      me,
      request.params.gid,
      usernames(body, 'usernames', domain.apps.maxGroupMembers(app)),
      duration,
    );
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.delete<{ Params: MemberParams }>(`${base}/:gid/mute/:user`, async (request) => {
    const { app, me } = await caller(request);
    const result = await groups.unmute(app, me, request.params.gid, request.params.user);
    await publish(app.key, result.deliveries);
    return ok;
  });

  server.get<{ Params: GroupParams }>(`${base}/:gid/mute`, async (request) => {
    const { app, me } = await caller(request);
    const response: MuteListResponse = { data: await groups.muteList(app, me, request.params.gid) };
    return response;
  });

  server.get<{ Params: MessageParams }>(`${base}/:gid/acks/:mid`, async (request) => {
    const { app, me } = await caller(request);
    const response: GroupAcksResponse = {
      data: await groups.acks(app, me, request.params.gid, request.params.mid),
    };
    return response;
  });
}
