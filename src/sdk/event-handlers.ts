import { logger } from './logger.js';

/** A set of `on*` callbacks, as given to `listen` or `addEventHandler`. */
export type HandlerSet = object;

// Names one SDK generation renamed; a listener written for either is called.
const ALIASES: Record<string, string> = {
  onPictureMessage: 'onImageMessage',
  onImageMessage: 'onPictureMessage',
  onDeliveredMessage: 'onDeliverdMessage',
};

/** Calls `fn` if it is a function; an exception in app code must never break the SDK. */
export function safely(fn: unknown, ...args: unknown[]): void {
  if (typeof fn !== 'function') return;
  try {
    fn(...args);
  } catch (error) {
    logger.error(error);
  }
}

/**
 * Runs `work` for a caller that may use callbacks, the Promise, or both. Callback-style callers
 * (the seed's code) never look at the Promise, so when an `error` callback is given the rejection
 * is marked handled instead of surfacing as an unhandled rejection.
 */
export function withCallbacks<T, E>(
  work: Promise<T>,
  { success, error }: { success?: (value: T) => void; error?: (failure: E) => void },
): Promise<T> {
  const result = work.then(
    (value) => {
      safely(success, value);
      return value;
    },
    (failure: unknown) => {
      safely(error, failure);
      throw failure;
    },
  );
  if (error) result.catch(() => {});
  return result;
}

/**
 * The connection's listeners: the legacy set of `listen()` (replaced on each call) and the 4.x
 * sets of `addEventHandler(id, …)`. Every `on*` function is kept, known to this version or not.
 */
export class EventHandlers {
  legacy: HandlerSet = {};
  private readonly byId = new Map<string, HandlerSet>();

  add(id: string, handlers: HandlerSet): void {
    this.byId.set(id, handlers);
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  emit(name: string, ...args: unknown[]): void {
    for (const set of [this.legacy, ...this.byId.values()]) {
      const handlers = set as Record<string, unknown>;
      safely(handlers[name] ?? handlers[ALIASES[name] ?? ''], ...args);
    }
  }
}
