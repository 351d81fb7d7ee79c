/**
 * CORS per app: an app without an origins list may be used from any page; otherwise only from the
 * listed origins. The app comes from the path (`/{org}/{app}/…`) or, for the DNS list, from
 * `app_key`. Requests for unknown apps and for the static files get CORS so a page can read the
 * 404 or load the script.
 */
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Domain } from '../domain/domain.js';

const allowedHeaders = [
  'Authorization',
  'Content-Type',
  'Accept',
  'X-Requested-With',
  'restrict-access',
  'share-secret',
];

function appKeyOf(request: FastifyRequest): string | undefined {
  const [path = '', query = ''] = request.url.split('?');
  const segments = path.split('/').filter(Boolean);
  try {
    if (segments[0] === 'easemob') {
      return new URLSearchParams(query).get('app_key') ?? undefined;
    }
    if (segments.length >= 3) {
      return `${decodeURIComponent(segments[0] ?? '')}#${decodeURIComponent(segments[1] ?? '')}`;
    }
  } catch {
    // A malformed escape: the route itself will answer; treat it as naming no app.
  }
  return undefined;
}

export async function installCors(server: FastifyInstance, domain: Domain): Promise<void> {
  await server.register(cors, {
    delegator: async (request: FastifyRequest) => {
      const key = appKeyOf(request);
      const app = key === undefined ? undefined : await domain.apps.get(key);
      const allowed = !app || domain.apps.allowsOrigin(app, request.headers.origin);
      return {
        origin: allowed,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
        allowedHeaders,
        // Downloads (utils.download) read the file's name and size; the emoji picker reads the
        // ETag of its data (/emoji/*.json) to tell whether what it holds is current.
        exposedHeaders: ['Content-Disposition', 'Content-Length', 'ETag'],
        maxAge: 600,
        // A malformed preflight gets the route's answer (in Agora's shape), not a text/plain 400.
        strictPreflight: false,
      };
    },
  });
}
