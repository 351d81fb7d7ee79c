// setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days); tokens can live longer.
const MAX_DELAY = 2 ** 31 - 1;

/**
 * `onTokenWillExpire` at 80 % of the token's remaining lifetime, `onTokenExpired` at its end, as the
 * 4.x SDKs do. Setting a new expiry (login, `renewToken`) replaces both timers.
 */
export class TokenTimers {
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    private readonly willExpire: () => void,
    private readonly expired: () => void,
  ) {}

  set(expiresAt: number): void {
    this.clear();
    const left = expiresAt - Date.now();
    this.after(left * 0.8, this.willExpire);
    this.after(left, this.expired);
  }

  clear(): void {
    this.timers.forEach(clearTimeout);
    this.timers = [];
  }

  private after(ms: number, run: () => void): void {
    this.timers.push(
      ms > MAX_DELAY
        ? setTimeout(() => this.after(ms - MAX_DELAY, run), MAX_DELAY)
        : setTimeout(run, Math.max(0, ms)),
    );
  }
}
