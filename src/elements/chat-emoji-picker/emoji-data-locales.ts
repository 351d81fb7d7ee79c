/**
 * The languages whose emoji names and keywords the build copies from `emoji-picker-element-data`
 * into `dist/emoji/{locale}.json` (build/emoji-data.ts), for the picker's search: those of the
 * shipped catalogs. Arabic has no such data (emojibase has none), so an Arabic reader searches by
 * the English names; a locale a page adds gets the names of its language when listed here, else
 * English. Each file is about 430 KB (60 KB brotli), fetched once per visitor and kept by the picker
 * in IndexedDB, so the list stays short rather than copying all 28 languages into every build.
 */
export const emojiDataLocales = ['en', 'zh', 'es', 'fr', 'de', 'pt', 'ja'] as const;

/** The data's path under the chat server: `/emoji/{locale}.json` (server/http/static-routes.ts). */
export const emojiDataPath = (locale: string): string => `/emoji/${locale}.json`;
