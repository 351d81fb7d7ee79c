/** `POST /{org}/{app}/users` (register), `GET|PUT /{org}/{app}/users/{username}`. */
import type { FastifyInstance } from 'fastify';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Domain } from '../domain/domain.js';
import { DomainError, Failures, forbidden } from '../domain/errors.js';
import { jsonObject, optionalString, requiredString } from './body-fields.js';
import { entitiesResponse, userEntity } from './entities.js';
import { authenticate, rateLimit, requireApp, selfRoute } from './request-context.js';
import { on } from './rest-route.js';

const pushFields = ['device_id', 'device_token', 'notifier_name'] as const;

export function usersRoutes(server: FastifyInstance, domain: Domain): void {
  on(server, RestRoutes.register, async (request, reply) => {
    const app = await requireApp(domain, request);
    rateLimit(await domain.limits.register.take(app.key));
    const body = jsonObject(request.body);
    const user = await domain.users.register(
      app,
      {
        username: optionalString(body, 'username'),
        password: optionalString(body, 'password'),
        nickname: optionalString(body, 'nickname'),
      },
      request.ip,
    );
    return entitiesResponse(request, reply, app, '/users', [userEntity(user)]);
  });

  on(server, RestRoutes.user, async (request, reply) => {
    const app = await requireApp(domain, request);
    const token = await authenticate(domain, request, app);
    const { username } = request.params;
    // A guest sees no directory: only itself and those it has a conversation with.
    if (!(await domain.visitors.maySee(app, token.username, username))) {
      throw forbidden("guests cannot read other users' profiles");
    }
    const user = await domain.users.get(app, username);
    // Push tokens are the user's own business.
    const pushTokens =
      token.username === username ? await domain.users.pushTokens(app, username) : undefined;
    return entitiesResponse(request, reply, app, `/users/${username}`, [
      userEntity(user, pushTokens),
    ]);
  });

  on(server, RestRoutes.updateMe, async (request, reply) => {
    const { app, me: username } = await selfRoute(domain, request);
    const body = jsonObject(request.body);
    const keys = Object.keys(body).sort().join(',');
    let user;
    if (keys === 'nickname') {
      user = await domain.users.updateNickname(app, username, requiredString(body, 'nickname'));
    } else if (keys === [...pushFields].sort().join(',')) {
      user = await domain.users.savePushToken(app, username, {
        deviceId: requiredString(body, 'device_id'),
        deviceToken: requiredString(body, 'device_token'),
        notifierName: requiredString(body, 'notifier_name'),
      });
    } else {
      throw new DomainError(
        Failures.invalidArgument,
        `send either {nickname} or {${pushFields.join(', ')}}`,
      );
    }
    const pushTokens = await domain.users.pushTokens(app, username);
    return entitiesResponse(request, reply, app, `/users/${username}`, [
      userEntity(user, pushTokens),
    ]);
  });
}
