import { expect } from '@open-wc/testing';
import { en } from '../../src/elements/locale/en.js';
// English as the elements have it once all of them loaded (those loaded when first shown add theirs).
import '../../src/elements/locale/en-panels.js';
import '../../src/elements/locale/en-visitors.js';
import { placeholders, pluralCategories, type Entry } from '../../src/elements/locale/format.js';
import { shippedLocales } from '../../src/elements/locale/locale-controller.js';
import ar from '../../src/elements/locale/ar.js';
import de from '../../src/elements/locale/de.js';
import es from '../../src/elements/locale/es.js';
import fr from '../../src/elements/locale/fr.js';
import ja from '../../src/elements/locale/ja.js';
import ptBR from '../../src/elements/locale/pt-BR.js';
import zhCN from '../../src/elements/locale/zh-CN.js';

const catalogs: Record<string, Record<string, Entry>> = {
  'zh-CN': zhCN,
  es,
  fr,
  de,
  'pt-BR': ptBR,
  ja,
  ar,
};

const english = en as Record<string, Entry>;

/** The keys English has that `catalog` lacks. */
const missingKeys = (catalog: Record<string, Entry>) =>
  Object.keys(english).filter((key) => !(key in catalog));

describe('locale catalogs', () => {
  it('ships English, Simplified Chinese, Spanish, French, German, Brazilian Portuguese, Japanese and Arabic', () => {
    expect([...shippedLocales].sort()).to.deep.equal(['en', ...Object.keys(catalogs)].sort());
  });

  for (const [locale, catalog] of Object.entries(catalogs)) {
    describe(locale, () => {
      it('has every string English has, and no other', () => {
        const missing = missingKeys(catalog);
        const extra = Object.keys(catalog).filter((key) => !(key in english));
        expect(missing, `${locale} lacks`).to.deep.equal([]);
        expect(extra, `${locale} has strings English does not`).to.deep.equal([]);
      });

      it('keeps each string’s placeholders, and is not left empty', () => {
        for (const [key, entry] of Object.entries(catalog)) {
          expect(placeholders(entry), `${locale} ${key}`).to.deep.equal(
            placeholders(english[key]!),
          );
          const texts = typeof entry === 'string' ? [entry] : Object.values(entry);
          for (const text of texts) expect(text.trim(), `${locale} ${key}`).not.to.equal('');
        }
      });

      it('has every plural form its language uses where English has plural forms', () => {
        const needed = pluralCategories(locale);
        for (const [key, source] of Object.entries(english)) {
          const entry = catalog[key]!;
          if (typeof source === 'string') {
            expect(typeof entry, `${locale} ${key}`).to.equal('string');
            continue;
          }
          expect(entry, `${locale} ${key}`).to.be.an('object');
          const forms = Object.keys(entry as object);
          for (const category of needed) {
            expect(forms, `${locale} ${key} lacks the ${category} form`).to.include(category);
          }
        }
      });
    });
  }

  it('the completeness check fails for a locale that lacks a string', () => {
    const { ['window.send']: _dropped, ...partial } = fr as Record<string, Entry>;
    expect(missingKeys(partial)).to.deep.equal(['window.send']);
  });
});
