/**
 * `chat/words-[hash].js`, imported by the loader for a widget whose nearest language is not
 * English: its words (strings.ts) in the locale the widget would pick, picked the widget's way
 * (match-locale.ts), with that locale's writing direction.
 */
import { directionOf, matchLocale } from '../elements/locale/match-locale.js';
import { LOADER_STRINGS, type LoaderWords } from './strings.js';

export function wordsFor(requested: string[]): [words: LoaderWords, locale: string, dir: string] {
  const locale = matchLocale(requested, Object.keys(LOADER_STRINGS));
  return [LOADER_STRINGS[locale]!, locale, directionOf(locale)];
}
