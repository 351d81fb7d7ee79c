/**
 * Message and conversation times in the reader's locale: the time of day for today, the date
 * (and time, when `withTime`) before that.
 */
export function formatTime(ms: number, withTime = false): string {
  const date = new Date(ms);
  const today = new Date().toDateString() === date.toDateString();
  const options: Intl.DateTimeFormatOptions = today
    ? { hour: '2-digit', minute: '2-digit' }
    : withTime
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
      : { month: 'short', day: 'numeric' };
  return date.toLocaleString(undefined, options);
}
