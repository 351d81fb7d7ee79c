/**
 * Whether the person can see the page. The store asks it to decide if a message in the open
 * conversation is read on arrival, and marks the open conversation read when the page shows again.
 * The default reads `document.visibilityState`, only when asked (never at import), and counts a
 * document-less environment as visible.
 */
import { Observable } from 'rxjs';

export interface Visibility {
  isVisible(): boolean;
  /** Emits on every change, `true` when the page became visible. */
  readonly changes$: Observable<boolean>;
}

const visibleNow = (): boolean =>
  typeof document === 'undefined' || document.visibilityState !== 'hidden';

export const documentVisibility: Visibility = {
  isVisible: visibleNow,
  changes$: new Observable<boolean>((subscriber) => {
    if (typeof document === 'undefined') return undefined;
    const onChange = () => subscriber.next(visibleNow());
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }),
};
