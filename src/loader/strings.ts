/**
 * The loader's own words, in every locale the widget ships: the launcher's label (open, close),
 * the panel's title and its loading and failure text (`{reason}`: the error). A copy of the
 * catalogs' `widget.open`, `widget.close`, `widget.chat`, `common.loading` and `widget.loadFailed`
 * (src/elements/locale/), since the loader cannot import the catalogs without loading them all;
 * test/build/loader-strings.test.ts fails when the two disagree.
 *
 * The loader carries English; the others are in `chat/words-[hash].js` (words.ts), which it
 * imports only for a widget in another language: every page pays the loader, so it does not carry
 * eight languages and the widget's way of picking one (about 480 B brotli).
 */

export type LoaderWords = [
  open: string,
  close: string,
  chat: string,
  loading: string,
  failed: string,
];

export const LOADER_STRINGS: Record<string, LoaderWords> = {
  en: ['Open chat', 'Close chat', 'Chat', 'Loading…', 'The chat could not load: {reason}'],
  'zh-CN': ['打开聊天', '关闭聊天', '聊天', '正在加载…', '无法加载聊天：{reason}'],
  es: [
    'Abrir el chat',
    'Cerrar el chat',
    'Chat',
    'Cargando…',
    'No se pudo cargar el chat: {reason}',
  ],
  fr: [
    'Ouvrir le chat',
    'Fermer le chat',
    'Chat',
    'Chargement…',
    'Le chat n’a pas pu se charger : {reason}',
  ],
  de: [
    'Chat öffnen',
    'Chat schließen',
    'Chat',
    'Wird geladen…',
    'Der Chat konnte nicht geladen werden: {reason}',
  ],
  'pt-BR': [
    'Abrir chat',
    'Fechar chat',
    'Chat',
    'Carregando…',
    'Não foi possível carregar o chat: {reason}',
  ],
  ja: [
    'チャットを開く',
    'チャットを閉じる',
    'チャット',
    '読み込み中…',
    'チャットを読み込めませんでした: {reason}',
  ],
  ar: ['فتح الدردشة', 'إغلاق الدردشة', 'الدردشة', 'جارٍ التحميل…', 'تعذّر تحميل الدردشة: {reason}'],
};
