/**
 * Message formatting for the catalogs: `{name}` placeholders, and plural entries chosen with
 * `Intl.PluralRules` (one string per CLDR category the locale uses: Arabic has six, Japanese one).
 * Numbers in placeholders are formatted with `Intl.NumberFormat`. The result is plain text, bound
 * into templates as text: a translation or a site's string can never inject markup.
 */

/** A plural message: a string per CLDR plural category; `other` is always there. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** One catalog entry. */
export type Entry = string | PluralForms;

/** Values for an entry's placeholders; a plural entry's `count` picks its form. */
export type MessageParams = Record<string, string | number>;

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

const cached = <T>(cache: Map<string, T>, locale: string, make: () => T): T => {
  let value = cache.get(locale);
  if (!value) cache.set(locale, (value = make()));
  return value;
};

/** `Intl.NumberFormat` of `locale`, made once. */
export const numberFormat = (locale: string): Intl.NumberFormat =>
  cached(numberFormats, locale, () => new Intl.NumberFormat(locale));

/** The CLDR plural categories `locale` uses for whole numbers ("one", "other"…). */
export const pluralCategories = (locale: string): Intl.LDMLPluralRule[] =>
  cached(pluralRules, locale, () => new Intl.PluralRules(locale)).resolvedOptions()
    .pluralCategories;

/** The form of a plural entry for `count` in `locale`, falling back to `other`. */
function pluralForm(entry: PluralForms, locale: string, count: number): string {
  const category = cached(pluralRules, locale, () => new Intl.PluralRules(locale)).select(count);
  return entry[category] ?? entry.other;
}

/** The placeholder names of a message, `{name}` → `name`. */
export function placeholders(entry: Entry): string[] {
  const text = typeof entry === 'string' ? entry : Object.values(entry).join(' ');
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

/** Formats one entry in `locale`; a placeholder with no value is left as it is, to be noticed. */
export function formatMessage(entry: Entry, locale: string, params: MessageParams = {}): string {
  const count = typeof params.count === 'number' ? params.count : 0;
  const text = typeof entry === 'string' ? entry : pluralForm(entry, locale, count);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numberFormat(locale).format(value) : value;
  });
}
