/**
 * `POST /{org}/{app}/chatfiles` (multipart field `file`) and `GET /{org}/{app}/chatfiles/{uuid}`.
 * Uploads are streamed to disk (server/domain/chatfiles.ts), never buffered whole. Downloads are
 * served so that an uploaded HTML or SVG file can never run script on this origin: its own
 * content type, `nosniff`, a sandboxing CSP, and `attachment` for anything but plain media.
 */
import type { FastifyInstance } from 'fastify';
import { RestErrors, type ChatfileEntity } from '../../src/protocol/rest.js';
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Domain } from '../domain/domain.js';
import { DomainError, Failures, invalid } from '../domain/errors.js';
import type { ChatfileRecord } from '../storage/storage.js';
import { entitiesResponse } from './entities.js';
import { sendError } from './errors.js';
import { authenticate, rateLimit, requireApp } from './request-context.js';
import { on } from './rest-route.js';

/** Media a browser shows without running anything; SVG is an image that can hold script. */
const inlineTypes =
  /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+)$/;

/** `Content-Disposition` with an ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(record: ChatfileRecord): string {
  const kind = inlineTypes.test(record.contentType) ? 'inline' : 'attachment';
  const ascii = record.filename.replace(/[^A-Za-z0-9._ -]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(record.filename)}`;
}

/** Whether `If-None-Match` names `etag` or is `*`. */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  return !!header && header.split(',').some((tag) => ['*', etag].includes(tag.trim()));
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads a multipart body (only the upload does). */
    multipart?: boolean;
  }
}

/**
 * The multipart parser is global, but only the upload reads such a body: everywhere else it stays
 * the 415 a JSON route answers to any other content type.
 */
export function refuseMultipartOutsideUploads(server: FastifyInstance): void {
  server.addHook('preValidation', async (request, reply) => {
    if (request.isMultipart() && request.routeOptions.config.multipart !== true) {
      return sendError(reply, 415, RestErrors.unsupportedMedia, 'Unsupported Media Type');
    }
  });
}

export function chatfilesRoutes(server: FastifyInstance, domain: Domain): void {
  on(
    server,
    RestRoutes.upload,
    async (request, reply) => {
      const app = await requireApp(domain, request);
      // Authenticated before a byte of the file is read.
      const token = await authenticate(domain, request, app);
      rateLimit(await domain.limits.uploads.take(`${app.key}\n${token.username}`));
      if (!request.isMultipart()) {
        throw invalid('send multipart/form-data with the file in a field named "file"');
      }
      const max = domain.apps.maxFileBytes(app);
      const part = await request.file({
        // One byte more than allowed, so our own count (not busboy's silent cut) refuses it.
        limits: { fileSize: max + 1, files: 1, fields: 16, parts: 20 },
      });
      if (!part) throw invalid('the multipart body has no file; send it in a field named "file"');
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw invalid(`the file must be in a field named "file", not "${part.fieldname}"`);
      }
      try {
        const { record, secret } = await domain.chatfiles.upload(app, token.username, {
          stream: part.file,
          filename: part.filename,
          contentType: part.mimetype,
        });
        const entity: ChatfileEntity = {
          uuid: record.uuid,
          type: 'chatfile',
          'share-secret': secret,
        };
        return entitiesResponse(request, reply, app, '/chatfiles', [entity]);
      } catch (error) {
        if (error instanceof DomainError && error.failure === Failures.tooLarge) {
          // Let the client finish sending (discarded) so it can read the 413, then hang up.
          void reply.header('connection', 'close');
          request.raw.resume();
        }
        throw error;
      }
    },
    { multipart: true },
  );

  on(server, RestRoutes.chatfile, async (request, reply) => {
    const app = await requireApp(domain, request);
    const token = await authenticate(domain, request, app);
    const header = request.headers['share-secret'];
    const query = request.query['share-secret'];
    const secret =
      typeof header === 'string' ? header : typeof query === 'string' ? query : undefined;
    const record = await domain.chatfiles.forDownload(
      app,
      request.params.uuid,
      token.username,
      secret,
    );
    // Never from the browser's cache without asking: people share a browser, and the cache keys
    // on the URL, not on who asks (`private, max-age` handed user A's file to user B unasked).
    // Each use is revalidated with the asker's own token and secret, checked above; a file never
    // changes under its uuid, so an allowed asker who has it gets a 304 and no body.
    const etag = `"${record.uuid}"`;
    void reply
      .header('cache-control', 'private, no-cache')
      .header('vary', 'Authorization, share-secret')
      .header('etag', etag);
    if (ifNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply
      .header('content-type', record.contentType)
      .header('content-length', record.size)
      .header('content-disposition', contentDisposition(record))
      .header('content-security-policy', "sandbox; default-src 'none'; media-src 'self'")
      .send(domain.chatfiles.open(record));
  });
}
