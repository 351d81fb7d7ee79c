/**
 * `POST /{org}/{app}/token` (password login), `GET …/sdk/users/{me}/token/expires`, logout
 * (`DELETE …/sdk/users/{me}/token`) and `PUT …/users/{me}/password`, which revoke tokens and kick
 * the sessions that held them.
 */
import type { FastifyInstance } from 'fastify';
import type { OkResponse, TokenExpiresResponse, TokenResponse } from '../../src/protocol/rest.js';
import { StatusCodes } from '../domain/status-codes.js';
import type { Fanout } from '../bus/fanout.js';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Domain } from '../domain/domain.js';
import { DomainError, Failures } from '../domain/errors.js';
import { jsonObject, optionalString, requiredString } from './body-fields.js';
import { userEntity } from './entities.js';
import { bearerToken, rateLimit, requireApp, selfRoute } from './request-context.js';
import { on } from './rest-route.js';
import { siteGrant } from './site-grants.js';

const ok: OkResponse = { data: { result: true } };

export function tokenRoutes(
  server: FastifyInstance,
  { domain, fanout }: { domain: Domain; fanout: Fanout },
): void {
  on(server, RestRoutes.token, async (request) => {
    const app = await requireApp(domain, request);
    rateLimit(await domain.limits.token.take(app.key));
    const body = jsonObject(request.body);
    const grantType = optionalString(body, 'grant_type');
    if (grantType === 'client_credentials' || grantType === 'inherit') {
      return siteGrant(domain, request, app, grantType, body);
    }
    if (grantType !== 'password') {
      throw new DomainError(
        Failures.invalidArgument,
        `unsupported grant_type "${grantType ?? ''}"; use "password", "client_credentials" or "inherit"`,
      );
    }
    const username = requiredString(body, 'username');
    const password = requiredString(body, 'password');
    // Guessing passwords costs the guesser: too many failures from one address wait a minute.
    // The attempt counts as a failure before the hash is computed (a success gives it back), so a
    // burst of concurrent guesses is held to the limit instead of all being evaluated.
    rateLimit(await domain.limits.tokenFailures.take(request.ip));
    const user = await domain.users.authenticate(app, username, password, request.ip);
    await domain.limits.tokenFailures.refund(request.ip);
    const issued = await domain.tokens.issue(app, user.username, domain.apps.tokenTtlSeconds(app));
    // A guest signing in again (a return visit) starts its retention over.
    const guest = await domain.visitors.isGuest(app, user.username);
    if (guest) await domain.visitors.touch(app, user.username);
    const response: TokenResponse = {
      access_token: issued.token,
      expires_in: issued.ttlSeconds,
      user: userEntity(user, undefined, guest),
    };
    return response;
  });

  on(server, RestRoutes.tokenExpires, async (request) => {
    const { token } = await selfRoute(domain, request);
    const response: TokenExpiresResponse = { expire_timestamp: token.expiresAt };
    return response;
  });

  on(server, RestRoutes.revokeToken, async (request) => {
    const { app, me } = await selfRoute(domain, request);
    const tokenHash = await domain.tokens.revoke(app, bearerToken(request));
    await fanout.toUser(app.key, me, {
      kind: 'revoked',
      tokenHash,
      code: StatusCodes.WEBIM_CONNCTION_CLIENT_LOGOUT,
      reason: 'logged out',
    });
    return ok;
  });

  on(server, RestRoutes.changePassword, async (request) => {
    const { app, me } = await selfRoute(domain, request);
    const body = jsonObject(request.body);
    const oldPassword = requiredString(body, 'oldpassword');
    const newPassword = requiredString(body, 'newpassword');
    rateLimit(await domain.limits.tokenFailures.take(request.ip));
    await domain.users.changePassword(app, me, oldPassword, newPassword, request.ip);
    await domain.limits.tokenFailures.refund(request.ip);
    await fanout.toUser(app.key, me, {
      kind: 'revoked',
      code: StatusCodes.WEBIM_CONNCTION_USER_KICKED_BY_CHANGE_PASSWORD,
      reason: 'the password was changed',
    });
    return ok;
  });
}
