/**
 * Why a domain operation refused. The HTTP layer maps each kind to Agora's status and `error`
 * code in one place (server/http/errors.ts); `message` becomes the `error_description`. On the
 * socket a refused message is a {@link MessageRejected} instead.
 */
export const Failures = {
  appNotFound: 'app-not-found',
  invalidArgument: 'invalid-argument',
  duplicate: 'duplicate',
  registrationClosed: 'registration-closed',
  limitReached: 'limit-reached',
  invalidGrant: 'invalid-grant',
  badToken: 'bad-token',
  expiredToken: 'expired-token',
  forbidden: 'forbidden',
  notFound: 'not-found',
  rateLimited: 'rate-limited',
  tooLarge: 'too-large',
  expired: 'expired',
  /** A token of the wrong kind (an app token on a user route or the reverse): 401 `unauthorized`. */
  unauthorized: 'unauthorized',
} as const;
export type Failure = (typeof Failures)[keyof typeof Failures];

/**
 * A message (or a receipt) the socket refused; `code` is the `WebIM.statusCode` its nack carries.
 * Thrown by the messages, groups and rooms domains alike.
 */
export class MessageRejected extends Error {
  readonly code: number;

  constructor(code: number, reason: string) {
    super(reason);
    this.name = 'MessageRejected';
    this.code = code;
  }
}

export class DomainError extends Error {
  readonly failure: Failure;

  constructor(failure: Failure, description: string) {
    super(description);
    this.name = 'DomainError';
    this.failure = failure;
  }
}

/** The refusals most checks make: a bad argument (400), not allowed (403), no such thing (404). */
export const invalid = (description: string) =>
  new DomainError(Failures.invalidArgument, description);
export const forbidden = (description: string) => new DomainError(Failures.forbidden, description);
export const notFound = (description: string) => new DomainError(Failures.notFound, description);
