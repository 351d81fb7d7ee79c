// The loader (chat-widget.js) draws the launcher and the loading panel before any catalog is
// loaded, from its own small table (src/loader/strings.ts). This checks that table against the
// widget's catalogs: the same locales, and each of its words the catalog's string for the key it
// copies, so a translation changed in one place and not the other fails here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOADER_STRINGS } from '../../src/loader/strings.js';
import { en, type Translation } from '../../src/elements/locale/en.js';
import { panelStrings } from '../../src/elements/locale/en-panels.js';
import { shippedLocales } from '../../src/elements/locale/locale-controller.js';

const KEYS = [
  'widget.open',
  'widget.close',
  'widget.chat',
  'common.loading',
  'widget.loadFailed',
] as const;

async function catalog(locale: string): Promise<Partial<Translation>> {
  if (locale === 'en') return { ...en, ...panelStrings };
  return ((await import(`../../src/elements/locale/${locale}.ts`)) as { default: Translation })
    .default;
}

describe("the loader's words", () => {
  it('are there for every shipped locale, and only those', () => {
    assert.deepEqual(Object.keys(LOADER_STRINGS).sort(), [...shippedLocales].sort());
  });

  for (const locale of shippedLocales) {
    it(`are the ${locale} catalog's`, async () => {
      const strings = await catalog(locale);
      const words = LOADER_STRINGS[locale]!;
      KEYS.forEach((key, i) => assert.equal(words[i], strings[key], `${locale} ${key}`));
    });
  }
});
