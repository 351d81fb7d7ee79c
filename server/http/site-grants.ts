/**
 * The site's backend grants of `POST /{org}/{app}/token` (issue 9; src/protocol/visitors.ts):
 * `client_credentials` answers an app token, `inherit` (Bearer: that app token) a user token.
 */
import type { FastifyRequest } from 'fastify';
import type { TokenResponse } from '../../src/protocol/rest.js';
import type { AppTokenResponse } from '../../src/protocol/visitors.js';
import type { Domain } from '../domain/domain.js';
import type { AppRecord } from '../storage/storage.js';
import { optionalBoolean, optionalNumber, requiredString, type JsonObject } from './body-fields.js';
import { userEntity } from './entities.js';
import { bearerToken, rateLimit } from './request-context.js';

export async function siteGrant(
  domain: Domain,
  request: FastifyRequest,
  app: AppRecord,
  grantType: 'client_credentials' | 'inherit',
  body: JsonObject,
): Promise<AppTokenResponse | TokenResponse> {
  if (grantType === 'client_credentials') {
    const clientId = requiredString(body, 'client_id');
    const clientSecret = requiredString(body, 'client_secret');
    // Guessing secrets costs as guessing passwords does: failures per address are limited.
    rateLimit(await domain.limits.tokenFailures.take(request.ip));
    const issued = await domain.siteSignIn.appToken(
      app,
      clientId,
      clientSecret,
      optionalNumber(body, 'ttl'),
    );
    await domain.limits.tokenFailures.refund(request.ip);
    return { access_token: issued.token, expires_in: issued.ttlSeconds, application: app.uuid };
  }
  await domain.siteSignIn.verifyAppToken(app, bearerToken(request));
  const { user, issued } = await domain.siteSignIn.inherit(
    app,
    requiredString(body, 'username'),
    optionalBoolean(body, 'autoCreateUser') ?? false,
    optionalNumber(body, 'ttl'),
  );
  const guest = await domain.visitors.isGuest(app, user.username);
  return {
    access_token: issued.token,
    expires_in: issued.ttlSeconds,
    user: userEntity(user, undefined, guest),
  };
}
