/**
 * Visitors' routes (issue 9; src/protocol/visitors.ts): `POST /{org}/{app}/guests` mints a guest,
 * `PUT …/metadata/user/{me}` and `POST …/metadata/user/get` set and read user attributes.
 */
import type { FastifyInstance } from 'fastify';
import { RestRoutes } from '../../src/protocol/routes.js';
import type {
  GuestResponse,
  UserMetadataResponse,
  UsersMetadataResponse,
} from '../../src/protocol/visitors.js';
import type { Presence } from '../bus/presence.js';
import type { Domain } from '../domain/domain.js';
import { forbidden, invalid } from '../domain/errors.js';
import { guestsDisabledDescription } from '../domain/visitors.js';
import { jsonObject, optionalString } from './body-fields.js';
import { authenticateCaller, rateLimit, requireApp, selfRoute } from './request-context.js';
import { on } from './rest-route.js';

/**
 * A list of strings in a JSON body; `[]` when absent, and one string is a list of one (the SDK's
 * `fetchUserInfoById('ann', 'mail')` sends its arguments as they came, to stay small).
 */
function stringList(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalid(`${name} must be a list of strings`);
  }
  return value as string[];
}

export async function visitorsRoutes(
  server: FastifyInstance,
  { domain, presence }: { domain: Domain; presence: Presence },
): Promise<void> {
  on(server, RestRoutes.guest, async (request) => {
    // requireApp refuses an Origin the app does not allow (403) before anything is counted.
    const app = await requireApp(domain, request);
    const body = request.body === undefined ? {} : jsonObject(request.body);
    const nickname = optionalString(body, 'nickname');
    // Said before the limit is counted: an app with guests off is no way to spend it.
    if (!(await domain.visitors.settings(app)).guests) throw forbidden(guestsDisabledDescription);
    rateLimit(await domain.limits.guests.take(`${app.key}\n${request.ip}`));
    const { user, password } = await domain.visitors.mintGuest(app, nickname, request.ip);
    const issued = await domain.tokens.issue(app, user.username, domain.apps.tokenTtlSeconds(app));
    const response: GuestResponse = {
      access_token: issued.token,
      expires_in: issued.ttlSeconds,
      user: {
        username: user.username,
        ...(user.nickname === null ? {} : { nickname: user.nickname }),
        guest: true,
      },
      password,
    };
    return response;
  });

  // `updateOwnUserInfo` sends a form: this route (alone, in its own plugin scope) reads one.
  await server.register(async (scoped) => {
    scoped.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    on(scoped, RestRoutes.updateMyMetadata, async (request) => {
      const { app, me } = await selfRoute(domain, request);
      const data = await domain.visitors.setMetadata(app, me, jsonObject(request.body));
      const response: UserMetadataResponse = { data };
      return response;
    });
  });

  on(server, RestRoutes.usersMetadata, async (request) => {
    const { app, me } = await authenticateCaller(domain, request);
    const body = jsonObject(request.body);
    const data = await domain.visitors.metadata(
      app,
      me,
      stringList(body, 'targets'),
      stringList(body, 'properties'),
    );
    const names = Object.keys(data);
    const online = await presence.online(app.key, names);
    const response: UsersMetadataResponse = {
      data,
      online: Object.fromEntries(names.map((name) => [name, online.has(name)])),
    };
    return response;
  });
}
