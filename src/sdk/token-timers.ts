// setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days); tokens can live longer.
const MAX_DELAY = 2 ** 31 - 1;

export interface TokenTimers {
  /** Replaces both timers with those of a token expiring at `expiresAt` (ms since the epoch). */
  set(expiresAt: number): void;
  clear(): void;
}

/**
 * `onTokenWillExpire` at 80 % of the token's remaining lifetime, `onTokenExpired` at its end, as the
 * 4.x SDKs do. Setting a new expiry (login, `renewToken`) replaces both timers.
 */
export function tokenTimers(willExpire: () => void, expired: () => void): TokenTimers {
  let timers: ReturnType<typeof setTimeout>[] = [];
  const after = (ms: number, run: () => void): void => {
    timers.push(
      ms > MAX_DELAY
        ? setTimeout(() => after(ms - MAX_DELAY, run), MAX_DELAY)
        : setTimeout(run, Math.max(0, ms)),
    );
  };
  const clear = () => {
    timers.forEach(clearTimeout);
    timers = [];
  };
  return {
    set(expiresAt) {
      clear();
      const left = expiresAt - Date.now();
      after(left * 0.8, willExpire);
      after(left, expired);
    },
    clear,
  };
}
