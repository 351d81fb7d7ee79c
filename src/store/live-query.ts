/**
 * Live queries: an observable that reads from IndexedDB once on subscribe and again whenever a
 * "changed" signal fires, so what the UI shows is exactly what is stored.
 */
import { type ObservableInput, Observable, type Subscription, from } from 'rxjs';

/**
 * Re-runs `read` on every `changes` emission, with at most one read in flight: changes that arrive
 * during a read are coalesced into one more read after it. A burst of writes (a replay of hundreds
 * of messages) therefore costs a handful of reads, never drops the last state, and never emits an
 * older state after a newer one (which `mergeMap` could, and `switchMap` could starve).
 */
export function liveQuery<T>(
  changes: Observable<unknown>,
  read: () => ObservableInput<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    let started = false;
    let reading = false;
    let dirty = false;
    let current: Subscription | undefined;

    const run = (): void => {
      started = true;
      dirty = false;
      reading = true;
      const subscription = from(read()).subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          reading = false;
          current = undefined;
          if (dirty) run();
        },
      });
      // A synchronous read has already completed (and maybe started the next one) by now.
      if (reading && !subscription.closed) current = subscription;
    };

    const changed = changes.subscribe({
      next: () => {
        if (reading) dirty = true;
        else run();
      },
      error: (error: unknown) => subscriber.error(error),
    });
    // The first read, unless `changes` emitted synchronously on subscribe and started one already.
    if (!started) run();

    return () => {
      changed.unsubscribe();
      current?.unsubscribe();
    };
  });
}
