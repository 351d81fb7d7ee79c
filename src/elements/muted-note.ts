import type { LocaleController } from './locale/locale-controller.js';
import { formatTime } from './time-format.js';

/**
 * Whether someone muted until `until` (ms since the epoch, `-1` until unmuted) is still muted,
 * and how to say so: "muted until 14:05", "muted until unmuted"; `''` when not muted.
 */
export function mutedNote(
  until: number | undefined,
  i18n: LocaleController,
  now = Date.now(),
): string {
  if (until === undefined || (until !== -1 && until <= now)) return '';
  return until === -1
    ? i18n.t('muted.untilUnmuted')
    : i18n.t('muted.until', { time: formatTime(until, i18n.locale, true) });
}
