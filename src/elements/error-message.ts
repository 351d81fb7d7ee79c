import type { LocaleController } from './locale/locale-controller.js';
import type { MessageKey } from './locale/en.js';
import { en } from './locale/en.js';

/**
 * The sentence to show for a failed action, in the reader's language. The store rejects with a
 * `ChatError` whose `key` names what went wrong (its `message` is the English, for logs); anything
 * else (a bug, a browser error) gets a generic sentence rather than a stack trace or an
 * `[object Object]`.
 */
export function errorMessage(error: unknown, i18n: LocaleController): string {
  const { key, params } = (typeof error === 'object' && error !== null ? error : {}) as {
    key?: unknown;
    params?: Record<string, string>;
  };
  const id = `error.${String(key)}`;
  if (typeof key !== 'string' || !(id in en)) return i18n.t('common.unexpected');
  return i18n.message(id as MessageKey, params);
}
