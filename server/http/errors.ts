/**
 * The one place that turns failures into Agora's error body
 * `{error, error_description, timestamp, duration}` with Agora's HTTP status. Nothing else in the
 * server writes an error response, and no stack trace ever leaves it.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { Limits, RestErrors, type ErrorBody, type RestError } from '../../src/protocol/rest.js';
import { DomainError, Failures, type Failure } from '../domain/errors.js';
import { StorageUnavailable } from '../storage/storage.js';

const byFailure: Record<Failure, { status: number; error: RestError }> = {
  [Failures.appNotFound]: { status: 404, error: RestErrors.appNotFound },
  [Failures.invalidArgument]: { status: 400, error: RestErrors.illegalArgument },
  [Failures.duplicate]: { status: 400, error: RestErrors.duplicate },
  [Failures.registrationClosed]: { status: 401, error: RestErrors.unauthorized },
  [Failures.limitReached]: { status: 429, error: RestErrors.resourceLimited },
  [Failures.invalidGrant]: { status: 400, error: RestErrors.invalidGrant },
  [Failures.badToken]: { status: 401, error: RestErrors.badToken },
  [Failures.expiredToken]: { status: 401, error: RestErrors.unauthorized },
  [Failures.forbidden]: { status: 403, error: RestErrors.forbidden },
  [Failures.notFound]: { status: 404, error: RestErrors.notFound },
  [Failures.rateLimited]: { status: 429, error: RestErrors.rateLimited },
  [Failures.tooLarge]: { status: 413, error: RestErrors.tooLarge },
  [Failures.expired]: { status: 404, error: RestErrors.fileExpired },
  [Failures.unauthorized]: { status: 401, error: RestErrors.unauthorized },
};

export const rateLimitedDescription = 'This request has reached api limit';

/** Fastify's own refusals (body parsing, limits) in Agora's words. */
const byFastifyCode: Record<string, { status: number; error: RestError; description: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    error: RestErrors.tooLarge,
    description: `Request body is larger than ${Limits.restBodyMaxBytes} bytes`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    error: RestErrors.unsupportedMedia,
    description: 'Unsupported Media Type',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    error: RestErrors.illegalArgument,
    description: 'the request body is empty; send a JSON object',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    error: RestErrors.illegalArgument,
    description: 'the request body is not valid JSON',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    error: RestErrors.illegalArgument,
    description: 'Content-Length does not match the body',
  },
};

export function sendError(
  reply: FastifyReply,
  status: number,
  error: RestError,
  description: string,
): FastifyReply {
  const body: ErrorBody = {
    error,
    error_description: description,
    timestamp: Date.now(),
    duration: Math.round(reply.elapsedTime),
  };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      const { status, error: code } = byFailure[error.failure];
      return sendError(reply, status, code, error.message);
    }
    const known = error.code ? byFastifyCode[error.code] : undefined;
    if (known) return sendError(reply, known.status, known.error, known.description);
    if (error instanceof StorageUnavailable) {
      request.log.warn({ err: error.cause }, 'storage unreachable');
      return sendError(reply, 503, RestErrors.serverError, error.message);
    }
    if (error instanceof SyntaxError && error.statusCode === 400) {
      return sendError(
        reply,
        400,
        RestErrors.illegalArgument,
        'the request body is not valid JSON',
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, status, RestErrors.illegalArgument, error.message);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, RestErrors.serverError, 'internal server error');
  });

  app.setNotFoundHandler((_request, reply) =>
    sendError(reply, 404, RestErrors.notFound, 'Service resource not found'),
  );
}
