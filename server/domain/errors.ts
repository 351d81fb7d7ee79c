/**
 * Why a domain operation refused. The HTTP layer maps each kind to Agora's status and `error`
 * code in one place (server/http/errors.ts); `message` becomes the `error_description`.
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
} as const;
export type Failure = (typeof Failures)[keyof typeof Failures];

export class DomainError extends Error {
  readonly failure: Failure;

  constructor(failure: Failure, description: string) {
    super(description);
    this.name = 'DomainError';
    this.failure = failure;
  }
}
