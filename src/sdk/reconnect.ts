/**
 * Delay before reconnection attempt `attempt` (1-based): doubling from `baseMs`, capped at `capMs`,
 * then a random point in the upper half, so clients dropped by the same server restart do not all
 * come back in the same instant.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** Counts reconnection attempts and spaces them out; the connection decides what an attempt does. */
export class Reconnector {
  attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly max: () => number,
    private readonly baseMs: () => number,
    /** Called when an attempt is scheduled (before its delay). */
    private readonly scheduled: () => void,
    private readonly attempt: () => void,
    private readonly exhausted: () => void,
  ) {}

  /** Plans the next attempt, or gives up once `max` attempts have failed. */
  schedule(): void {
    if (this.timer) return;
    if (this.attempts >= this.max()) {
      this.exhausted();
      return;
    }
    this.attempts += 1;
    this.scheduled();
    this.timer = setTimeout(() => this.fire(), backoffDelay(this.attempts, this.baseMs()));
  }

  /** Runs a planned attempt at once (the browser says the network is back). */
  now(): void {
    if (this.timer) this.fire();
  }

  /** A session was established: the next drop starts counting from zero again. */
  reset(): void {
    this.cancel();
    this.attempts = 0;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.cancel();
    this.attempt();
  }
}
