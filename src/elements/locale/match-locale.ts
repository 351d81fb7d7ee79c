/**
 * Picks the catalog for the languages a reader asked for (the element's or page's `lang`, then the
 * browser's languages): the first tag that one of `available` serves, by exact tag, else by
 * language with the script it implies (`zh`, `zh-SG` → `zh-CN`, simplified; `zh-TW` is Traditional,
 * so it does not take `zh-CN`), else by language alone (`pt-PT` → `pt-BR`, `es-MX` → `es`).
 */
export function matchLocale(
  requested: readonly string[],
  available: readonly string[],
  fallback = 'en',
): string {
  for (const tag of requested) {
    const found = matchOne(tag, available);
    if (found) return found;
  }
  return fallback;
}

function matchOne(tag: string, available: readonly string[]): string | undefined {
  const wanted = parse(tag);
  if (!wanted) return undefined;
  const exact = available.find((a) => a.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  let byLanguage: string | undefined;
  for (const candidate of available) {
    const offered = parse(candidate);
    if (!offered || offered.language !== wanted.language) continue;
    if (offered.script !== wanted.script) continue;
    if (offered.region && offered.region === wanted.region) return candidate;
    byLanguage ??= candidate;
  }
  return byLanguage;
}

function parse(tag: string): { language: string; script: string; region: string } | undefined {
  try {
    const locale = new Intl.Locale(tag).maximize();
    return {
      language: locale.language,
      script: locale.script ?? '',
      region: locale.region ?? '',
    };
  } catch {
    // Not a BCP 47 tag (`lang="english"`): asks for nothing.
    return undefined;
  }
}

/** Scripts written right to left (ISO 15924). */
const RTL_SCRIPTS = new Set(['Adlm', 'Arab', 'Hebr', 'Nkoo', 'Rohg', 'Syrc', 'Thaa']);

/** The writing direction of a locale, from the script it is (likely) written in. */
export function directionOf(tag: string): 'ltr' | 'rtl' {
  try {
    return RTL_SCRIPTS.has(new Intl.Locale(tag).maximize().script ?? '') ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
}
