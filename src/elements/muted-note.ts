import { formatTime } from './time-format.js';

/**
 * Whether someone muted until `until` (ms since the epoch, `-1` until unmuted) is still muted,
 * and how to say so: "muted until 14:05", "muted until unmuted"; `''` when not muted.
 */
export function mutedNote(until: number | undefined, now = Date.now()): string {
  if (until === undefined || (until !== -1 && until <= now)) return '';
  return until === -1 ? 'muted until unmuted' : `muted until ${formatTime(until, true)}`;
}
