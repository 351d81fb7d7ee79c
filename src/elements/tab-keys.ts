/**
 * The tab an arrow key, Home or End moves to in a WAI-ARIA tab list (one tab stop; arrows wrap),
 * or `undefined` for any other key.
 */
export function tabForKey<T>(key: string, tabs: readonly T[], current: T): T | undefined {
  const i = tabs.indexOf(current);
  const n = tabs.length;
  const to: Record<string, number> = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: n - 1 };
  return key in to ? tabs[(to[key]! + n) % n] : undefined;
}
