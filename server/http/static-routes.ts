/**
 * The demo pages (`demo/*.html`, `/` = `demo/index.html`) and the classic script
 * `/chat-widget.js` built into `dist/`. Files are read on each request so a rebuild shows at once;
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

  server.get('/chat-widget.js', async (_request, reply) => {
    const sent = await sendFile(
      reply,
      join(dist, 'chat-widget.js'),
      'text/javascript; charset=utf-8',
    );
    if (!sent) {
      void reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('dist/chat-widget.js is missing: run npm run build');
    }
    return reply;
  });

  server.get('/chat-widget.js.map', async (_request, reply) => {
    if (!(await sendFile(reply, join(dist, 'chat-widget.js.map'), 'application/json'))) {
      notFound(reply);
    }
    return reply;
  });
}
