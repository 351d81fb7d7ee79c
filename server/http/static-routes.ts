/**
 * The demo pages (`demo/*.html`, `/` = `demo/index.html`) and what the build puts in `dist/` for
 * pages: `/chat-widget.js`, `/webim-sdk.js` and `/THIRD_PARTY_LICENSES.txt`. Files are read on each request so a rebuild shows at once;
 * names are matched against a strict pattern, so no path can leave the two folders.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RestErrors } from '../../src/protocol/rest.js';
import { sendError } from './errors.js';

const pagePattern = /^[A-Za-z0-9_-]+\.html$/;

async function sendFile(reply: FastifyReply, path: string, type: string): Promise<boolean> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch {
    return false;
  }
  void reply.type(type).header('cache-control', 'no-cache').send(content);
  return true;
}

export function staticRoutes(server: FastifyInstance, root: string): void {
  const demo = join(root, 'demo');
  const dist = join(root, 'dist');
  const notFound = (reply: FastifyReply) =>
    sendError(reply, 404, RestErrors.notFound, 'Service resource not found');

  const page = async (name: string, reply: FastifyReply) => {
    if (!pagePattern.test(name)) return notFound(reply);
    if (!(await sendFile(reply, join(demo, name), 'text/html; charset=utf-8'))) notFound(reply);
    return reply;
  };

  server.get('/', (_request, reply) => page('index.html', reply));
  server.get<{ Params: { page: string } }>('/:page', (request, reply) =>
    page(request.params.page, reply),
  );

  // What `npm run build` puts in dist/ for pages to load: the widget, the SDK alone, and the
  // license notices the minified scripts point to.
  const built: Record<string, string> = {
    'chat-widget.js': 'text/javascript; charset=utf-8',
    'chat-widget.js.map': 'application/json',
    'webim-sdk.js': 'text/javascript; charset=utf-8',
    'THIRD_PARTY_LICENSES.txt': 'text/plain; charset=utf-8',
  };
  for (const [name, type] of Object.entries(built)) {
    server.get(`/${name}`, async (_request, reply) => {
      if (!(await sendFile(reply, join(dist, name), type))) {
        void reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send(`dist/${name} is missing: run npm run build`);
      }
      return reply;
    });
  }
}
