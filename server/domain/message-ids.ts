/**
 * Server message ids (`mid`): decimal strings like Agora's, sortable by time. 41 bits of ms since
 * the epoch, 12 bits of a per-ms counter, 10 random bits so two gateway processes rarely collide
 * (the storage's unique constraint catches the rest).
 */
import { randomInt } from 'node:crypto';

let lastMs = 0;
let counter = 0;

export function newMessageId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else {
    // Same ms, or the clock stepped back: keep counting on the last ms.
    counter = (counter + 1) & 0xfff;
    // 4096 ids in one ms: borrow the next ms rather than repeat an id.
    if (counter === 0) lastMs += 1;
  }
  const id = (BigInt(lastMs) << 22n) | (BigInt(counter) << 10n) | BigInt(randomInt(1024));
  return id.toString();
}
