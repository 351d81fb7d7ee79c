/**
 * Group member attributes (issue 14) on Agora's paths: `PUT` and `GET
 * /metadata/chatgroup/{gid}/user/{user}`, `POST /metadata/chatgroup/{gid}/get` (the table in
 * src/protocol/rest.ts). Who may do what is the domain's (server/domain/group-member-attributes.ts);
 * a change is pushed to every member as a `memberAttributesUpdate` event.
 */
import type { FastifyInstance } from 'fastify';
import type {
  MemberAttributesResponse,
  MembersAttributesResponse,
} from '../../src/protocol/rest.js';
import { MemberAttributeLimits } from '../../src/protocol/rest.js';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Fanout } from '../bus/fanout.js';
import type { Domain } from '../domain/domain.js';
import { invalid } from '../domain/errors.js';
import { type JsonObject, jsonObject, usernameList } from './body-fields.js';
import { authenticateCaller } from './request-context.js';
import { on } from './rest-route.js';

/** `metaData`: an object of strings. */
function attributesOf(body: JsonObject): Record<string, string> {
  const value = body.metaData;
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((entry) => typeof entry === 'string')
  )
    throw invalid('metaData must be an object of strings');
  return value as Record<string, string>;
}

export function memberAttributesRoutes(
  server: FastifyInstance,
  deps: { domain: Domain; fanout: Fanout },
): void {
  const { domain, fanout } = deps;
  const attributes = domain.groups.attributes;

  on(server, RestRoutes.setGroupMemberAttributes, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const { groupId, userId } = request.params;
    const set = attributesOf(jsonObject(request.body));
    const result = await attributes.set(app, me, groupId, userId, set);
    await fanout.events(app.key, result.deliveries);
    const response: MemberAttributesResponse = { data: result.value };
    return response;
  });

  on(server, RestRoutes.getGroupMemberAttributes, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const { groupId, userId } = request.params;
    const response: MemberAttributesResponse = {
      data: await attributes.ofMember(app, me, groupId, userId),
    };
    return response;
  });

  on(server, RestRoutes.getGroupMembersAttributes, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const body = jsonObject(request.body);
    const targets = usernameList(body, 'targets', MemberAttributeLimits.readMaxUsers);
    const keys = usernameList(body, 'properties', MemberAttributeLimits.maxKeys);
    const response: MembersAttributesResponse = {
      data: await attributes.get(app, me, request.params.groupId, targets, keys),
    };
    return response;
  });
}
