/**
 * The token a session logged in (or renewed) with: when it expires (the session is kicked then,
 * unless a `renew` frame brought a newer one), and its hash, by which a logout revokes it.
 */
import { CloseCode, type RenewFrame } from '../../src/protocol/frames.js';
import { DomainError, Failures } from '../domain/errors.js';
import { StatusCodes } from '../domain/status-codes.js';
import { hashOf } from '../domain/tokens.js';
import type { SessionPort } from './session-port.js';

/** setTimeout's ceiling (~24.8 days); longer token lives re-arm the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SessionToken {
  readonly #port: SessionPort;
  #expiresAt = 0;
  /** SHA-256 of the token this session logged in (or renewed) with: a logout revokes it. */
  #hash = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(port: SessionPort) {
    this.#port = port;
  }

  get expiresAt(): number {
    return this.#expiresAt;
  }

  /** Whether a revoke of `tokenHash` (`undefined`: every token of the user) ends this session. */
  revokedBy(tokenHash: string | undefined): boolean {
    return tokenHash === undefined || tokenHash === this.#hash;
  }

  /** The session holds `token` now, until `expiresAt`: then it is kicked. */
  hold(token: string, expiresAt: number): void {
    this.#expiresAt = expiresAt;
    this.#hash = hashOf(token);
    this.#arm();
  }

  /** A `renew` frame: a valid token of the same user replaces the one held. */
  async renew(frame: RenewFrame): Promise<void> {
    const port = this.#port;
    const { user } = port;
    let token;
    try {
      token = await port.ctx.domain.tokens.verify(port.app, frame.token);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return error.failure === Failures.expiredToken
        ? port.error(StatusCodes.WEBIM_TOKEN_EXPIRED, 'the new token has expired')
        : port.error(StatusCodes.WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR, 'invalid token');
    }
    if (token.username !== user) {
      return port.error(
        StatusCodes.WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR,
        'the token belongs to another user',
      );
    }
    this.hold(frame.token, token.expiresAt);
    port.send({ t: 'renewed', expiresAt: this.#expiresAt });
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const left = this.#expiresAt - Date.now();
    if (left <= 0) {
      this.#port.send({
        t: 'kicked',
        code: StatusCodes.WEBIM_TOKEN_EXPIRED,
        reason: 'token expired',
      });
      this.#port.close(CloseCode.TokenExpired, 'token expired');
      return;
    }
    this.#timer = setTimeout(() => this.#arm(), Math.min(left, MAX_TIMER_MS));
  }
}
