/**
 * Delay before reconnection attempt `attempt` (1-based): doubling from `baseMs`, capped at `capMs`,
 * then a random point in the upper half, so clients dropped by the same server restart do not all
 * come back in the same instant.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

export interface Reconnector {
  /** Plans the next attempt, or gives up once `max` attempts have failed. */
  schedule(): void;
  /** Runs a planned attempt at once (the browser says the network is back). */
  now(): void;
  /** A session was established (or ended): no attempt planned, the next drop counts from zero. */
  reset(): void;
}

/**
 * Counts reconnection attempts and spaces them out; the connection decides what an attempt does.
 * `scheduled` is called when an attempt is planned (before its delay). A closure, not a class: its
 * state is local names, which the minifier shortens (webim-sdk.js's budget).
 */
export function reconnector(
  max: () => number,
  baseMs: () => number,
  scheduled: () => void,
  attempt: () => void,
  exhausted: () => void,
): Reconnector {
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const fire = () => {
    cancel();
    attempt();
  };
  return {
    schedule() {
      if (timer) return;
      if (attempts >= max()) return exhausted();
      attempts += 1;
      scheduled();
      timer = setTimeout(fire, backoffDelay(attempts, baseMs()));
    },
    now() {
      if (timer) fire();
    },
    reset() {
      cancel();
      attempts = 0;
    },
  };
}
