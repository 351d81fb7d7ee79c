/**
 * Per-account back-off after failed logins, on top of the per-address limit: an attacker with many
 * addresses still gets a handful of guesses at one account, then waits 1 s, 2 s, 4 s… (at most
 * {@link MAX_WAIT_MS}) between guesses. A failure is counted when the attempt starts, before the
 * password is hashed, so a burst of concurrent guesses cannot all slip past the check; a success
 * takes its count back and clears the account.
 *
 * Unknown usernames are tracked the same way, so the answers do not tell which accounts exist.
 */
const FREE_FAILURES = 5;
const MAX_WAIT_MS = 5 * 60_000;
/** An account's count is forgotten this long after its last failure. */
const FORGET_MS = 15 * 60_000;
const MAX_ENTRIES = 100_000;

interface Entry {
  failures: number;
  last: number;
}

export class LoginBackoff {
  readonly #entries = new Map<string, Entry>();

  /**
   * Starts an attempt on `account`: counts it as a failure and answers `0`, or answers how many
   * ms the account must still wait (nothing counted).
   */
  begin(account: string, now = Date.now()): number {
    let entry = this.#entries.get(account);
    if (entry && now - entry.last >= FORGET_MS) entry = undefined;
    const wait = entry ? this.#waitUntil(entry) - now : 0;
    if (wait > 0) return wait;
    if (!entry) {
      if (this.#entries.size >= MAX_ENTRIES) this.#prune(now);
      entry = { failures: 0, last: now };
    }
    entry.failures += 1;
    entry.last = now;
    // Re-inserted at the end: the map stays ordered by last failure, so pruning stops early.
    this.#entries.delete(account);
    this.#entries.set(account, entry);
    return 0;
  }

  /** The attempt succeeded: the account starts afresh. */
  succeeded(account: string): void {
    this.#entries.delete(account);
  }

  #waitUntil(entry: Entry): number {
    if (entry.failures < FREE_FAILURES) return 0;
    return entry.last + Math.min(MAX_WAIT_MS, 1000 * 2 ** (entry.failures - FREE_FAILURES));
  }

  #prune(now: number): void {
    for (const [account, entry] of this.#entries) {
      if (now - entry.last < FORGET_MS) break;
      this.#entries.delete(account);
    }
    // Still full of recent failures (an attack on many accounts): drop the oldest tenth.
    if (this.#entries.size >= MAX_ENTRIES) {
      let drop = MAX_ENTRIES / 10;
      for (const account of this.#entries.keys()) {
        if (drop-- <= 0) break;
        this.#entries.delete(account);
      }
    }
  }
}
