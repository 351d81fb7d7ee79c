/**
 * One write per socket per turn of the event loop (issue 11): a session corks its socket before
 * its first frame in a turn, and every corked socket is uncorked once, after the turn's I/O
 * callbacks (setImmediate), so the acks of one commit, or the deliveries of several senders to one
 * receiver, leave in one `writev` instead of one system call per frame. Under the throughput bench
 * the per-frame `writev` was the server's largest single cost (17 % of its CPU at 50 pairs).
 *
 * The frames still count in the socket's `bufferedAmount` while corked, so backpressure sees them.
 */
import type { Duplex } from 'node:stream';

const corked = new Set<Duplex>();
let scheduled = false;

function uncorkAll(): void {
  scheduled = false;
  const streams = [...corked];
  corked.clear();
  for (const stream of streams) stream.uncork();
}

/** Holds the stream's writes until the end of this turn (idempotent within a turn). */
export function corkForTurn(stream: Duplex): void {
  if (corked.has(stream)) return;
  stream.cork();
  corked.add(stream);
  if (!scheduled) {
    scheduled = true;
    setImmediate(uncorkAll);
  }
}
