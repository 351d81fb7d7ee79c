/**
 * The demo pages (`demo/*.html`, `/` = `demo/index.html`, `/inbox` = `demo/inbox.html`) and what the build puts in `dist/` for
 * pages: the loader `/chat-widget.js` and its chunks `/chat/*-[hash].js`, the single-file
 * `/chat-widget-standalone.js`, `/webim-sdk.js`, `/THIRD_PARTY_LICENSES.txt`, and the emoji
 * picker's data `/emoji/{language}.json` (build/emoji-data.ts). Names are matched against a strict
 * pattern, so no path can leave the two folders.
 *
 * Caching, as a site owner adding a script to every page expects of it:
 * - a chunk's name changes with its content, so it is `immutable` for a year: a returning visitor
 *   never asks for it again;
 * - everything else keeps its name across releases (the URL a site pasted, the emoji data the
 *   picker keeps in IndexedDB and revalidates by its ETag), so it is `no-cache`
 *   with an `ETag` (from the file's size and time: files are looked up on each request, so a
 *   rebuild shows at once), and a browser's `If-None-Match` revalidation costs a 304 and no body.
 *
 * Compression: the build writes `.br` and `.gz` beside every script and text file
 * (build/precompress.ts); the file sent is the best one the request's `Accept-Encoding` takes,
 * with `Vary: Accept-Encoding`, and nothing is compressed per request. A file without its
 * precompressed copies (a hand-copied dist/) is sent as is.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RestErrors } from '../../src/protocol/rest.js';
import { sendError } from './errors.js';

const pagePattern = /^[A-Za-z0-9_-]+\.html$/;
/** A chunk the build named after its content: `chat/{name}-{hash}.js` (vite.config.ts). */
export const chunkPattern = /^[A-Za-z0-9_]+-[A-Za-z0-9_-]{8,}\.js$/;
/** The emoji picker's data for one language: `emoji/{en, zh, pt…}.json`. */
const emojiDataPattern = /^[a-z]{2,3}(-[a-z]{2,4})?\.json$/;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** The encodings the build writes, best first, with their file suffix. */
const encodings = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Whether `Accept-Encoding` takes `coding` (by name or `*`, with a q-value above 0). */
export function accepts(header: string | undefined, coding: string): boolean {
  if (!header) return false;
  let wildcard: boolean | undefined;
  for (const item of header.split(',')) {
    const [token = '', ...params] = item.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const ok = q === undefined || Number(q.slice(2)) > 0;
    if (token === coding) return ok;
    if (token === '*') wildcard = ok;
  }
  return wildcard ?? false;
}

interface Found {
  path: string;
  encoding?: string;
  size: number;
  mtimeMs: number;
}

const statOf = async (path: string) => {
  try {
    const info = await stat(path);
    return info.isFile() ? info : undefined;
  } catch {
    return undefined;
  }
};

/** The best file for the request among `path` and its precompressed copies, or undefined. */
async function pick(request: FastifyRequest, path: string): Promise<Found | undefined> {
  const header = request.headers['accept-encoding'];
  for (const { name, suffix } of encodings) {
    if (!accepts(header, name)) continue;
    const info = await statOf(path + suffix);
    if (info)
      return { path: path + suffix, encoding: name, size: info.size, mtimeMs: info.mtimeMs };
  }
  const info = await statOf(path);
  return info && { path, size: info.size, mtimeMs: info.mtimeMs };
}

/** Whether `If-None-Match` names `etag` (or is `*`); weak comparison, as RFC 9110 asks for GET. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

async function sendFile(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  type: string,
  cacheControl: string,
): Promise<boolean> {
  const found = await pick(request, path);
  if (!found) return false;
  // Strong: the encoding is part of the file looked at, so each representation has its own tag.
  const etag = `"${found.size.toString(36)}-${Math.trunc(found.mtimeMs).toString(36)}${found.encoding ? `-${found.encoding}` : ''}"`;
  void reply
    .header('cache-control', cacheControl)
    .header('vary', 'Accept-Encoding')
    .header('etag', etag);
  if (matches(request.headers['if-none-match'], etag)) {
    void reply.code(304).send();
    return true;
  }
  let content: Buffer;
  try {
    content = await readFile(found.path);
  } catch {
    return false;
  }
  if (found.encoding) void reply.header('content-encoding', found.encoding);
  void reply.type(type).send(content);
  return true;
}

export function staticRoutes(server: FastifyInstance, root: string): void {
  const demo = join(root, 'demo');
  const dist = join(root, 'dist');
  const notFound = (reply: FastifyReply) =>
    sendError(reply, 404, RestErrors.notFound, 'Service resource not found');
  const notBuilt = (reply: FastifyReply, name: string) =>
    reply
      .code(404)
      .type('text/plain; charset=utf-8')
      .send(`dist/${name} is missing: run npm run build`);

  const page = async (request: FastifyRequest, name: string, reply: FastifyReply) => {
    if (!pagePattern.test(name)) return notFound(reply);
    const html = 'text/html; charset=utf-8';
    if (!(await sendFile(request, reply, join(demo, name), html, REVALIDATE))) notFound(reply);
    return reply;
  };

  server.get('/', (request, reply) => page(request, 'index.html', reply));
  // The team's inbox, full page (issue 9), under the short address the docs give.
  server.get('/inbox', (request, reply) => page(request, 'inbox.html', reply));
  server.get<{ Params: { page: string } }>('/:page', (request, reply) =>
    page(request, request.params.page, reply),
  );

  // What `npm run build` puts in dist/ for pages to load under a name that stays: the loader, the
  // single-file widget, the SDK alone, and the license notices the minified scripts point to.
  const javascript = 'text/javascript; charset=utf-8';
  const built: Record<string, string> = {
    'chat-widget.js': javascript,
    'chat-widget-standalone.js': javascript,
    'chat-widget-standalone.js.map': 'application/json',
    'webim-sdk.js': javascript,
    'THIRD_PARTY_LICENSES.txt': 'text/plain; charset=utf-8',
  };
  for (const [name, type] of Object.entries(built)) {
    server.get(`/${name}`, async (request, reply) => {
      if (!(await sendFile(request, reply, join(dist, name), type, REVALIDATE))) {
        void notBuilt(reply, name);
      }
      return reply;
    });
  }

  // The emoji picker's data, fetched (cross-origin: CORS is open for these paths, see cors.ts) by
  // the picker, which reads the ETag to skip downloading data it already holds.
  server.get<{ Params: { file: string } }>('/emoji/:file', async (request, reply) => {
    const { file } = request.params;
    if (!emojiDataPattern.test(file)) return notFound(reply);
    const json = 'application/json; charset=utf-8';
    if (!(await sendFile(request, reply, join(dist, 'emoji', file), json, REVALIDATE))) {
      return notFound(reply);
    }
    return reply;
  });

  // The loader's chunks, named after their content.
  server.get<{ Params: { chunk: string } }>('/chat/:chunk', async (request, reply) => {
    const { chunk } = request.params;
    if (!chunkPattern.test(chunk)) return notFound(reply);
    if (!(await sendFile(request, reply, join(dist, 'chat', chunk), javascript, IMMUTABLE))) {
      return notFound(reply);
    }
    return reply;
  });
}
