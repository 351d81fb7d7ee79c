/** What every `/{org}/{app}/…` route establishes first: the app, the caller's origin and token. */
import type { FastifyRequest } from 'fastify';
import type { Domain } from '../domain/domain.js';
import { appKeyOf } from '../domain/app-keys.js';
import { DomainError, Failures } from '../domain/errors.js';
import { corruptTokenDescription } from '../domain/tokens.js';
import { rateLimitedDescription } from './errors.js';
import type { AppRecord, TokenRecord } from '../storage/storage.js';

export interface AppParams {
  org: string;
  app: string;
}

/** A request with these path params (for handlers written apart from their route). */
export type ParamsRequest<P> = FastifyRequest<{ Params: P }>;

/** The params of `/{org}/{app}/users/{me}/…`: only the token's own user may use these paths. */
export interface MeParams extends AppParams {
  me: string;
}

const pathOf = (request: FastifyRequest) => request.url.split('?')[0]?.replace(/^\/+/, '') ?? '';

/**
 * The app named by the path, refusing an unknown app (404) and a browser Origin the app does not
 * allow (403: the browser would hide the answer anyway, and the request must not act).
 */
export async function requireApp(
  domain: Domain,
  request: FastifyRequest<{ Params: AppParams }>,
): Promise<AppRecord> {
  const { org, app: name } = request.params;
  const app = await domain.apps.get(appKeyOf(org, name));
  if (!app) {
    throw new DomainError(
      Failures.appNotFound,
      `Could not find application for ${org}/${name} from URI: ${pathOf(request)}`,
    );
  }
  const origin = request.headers.origin;
  if (!domain.apps.allowsOrigin(app, origin)) {
    throw new DomainError(Failures.forbidden, `origin ${origin} may not use app ${app.key}`);
  }
  return app;
}

/** The Bearer token as sent; 401 without one. */
export function bearerToken(request: FastifyRequest): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1]) throw new DomainError(Failures.badToken, corruptTokenDescription);
  return match[1];
}

/** The Bearer token's record; 401 for a missing, unknown, foreign or expired token. */
export async function authenticate(
  domain: Domain,
  request: FastifyRequest,
  app: AppRecord,
): Promise<TokenRecord> {
  return domain.tokens.verify(app, bearerToken(request));
}

/** The app of the path and the token's user (`me`): what most routes of a logged-in user need. */
export async function authenticateCaller(
  domain: Domain,
  request: FastifyRequest<{ Params: AppParams }>,
): Promise<{ app: AppRecord; me: string }> {
  const app = await requireApp(domain, request);
  const token = await authenticate(domain, request, app);
  return { app, me: token.username };
}

/** The token's user, who must be the `{me}` of the path. */
async function authenticateSelf(
  domain: Domain,
  request: FastifyRequest,
  app: AppRecord,
  username: string,
): Promise<TokenRecord> {
  const token = await authenticate(domain, request, app);
  if (token.username !== username) {
    throw new DomainError(Failures.forbidden, `user ${token.username} may not act as ${username}`);
  }
  return token;
}

/**
 * What every `/{org}/{app}/users/{me}/…` route establishes first: the app of the path and `{me}`,
 * who must be the token's user (403 otherwise), with the token's record.
 */
export async function selfRoute(
  domain: Domain,
  request: ParamsRequest<MeParams>,
): Promise<{ app: AppRecord; me: string; token: TokenRecord }> {
  const app = await requireApp(domain, request);
  const { me } = request.params;
  const token = await authenticateSelf(domain, request, app, me);
  return { app, me, token };
}

/** Refuses the request with 429 `reach_limit` unless the limiter `allowed` it. */
export function rateLimit(allowed: boolean): void {
  if (!allowed) throw new DomainError(Failures.rateLimited, rateLimitedDescription);
}
