/**
 * Message and conversation times in the element's locale: the time of day for today, the date
 * (and time, when `withTime`) before that.
 */
export function formatTime(ms: number, locale: string, withTime = false): string {
  const date = new Date(ms);
  const today = new Date().toDateString() === date.toDateString();
  const options: Intl.DateTimeFormatOptions = today
    ? { hour: '2-digit', minute: '2-digit' }
    : withTime
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
      : { month: 'short', day: 'numeric' };
  return date.toLocaleString(locale, options);
}
