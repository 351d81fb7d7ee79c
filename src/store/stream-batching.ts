/**
 * Stream shapes the store needs beyond RxJS's own operators, kept pure so they can be marble-tested:
 * writing a burst of events in a few batches, and coalescing per-key requests (read receipts,
 * upload progress) so the network and the UI see a sensible rate, not every event.
 */
import {
  type MonoTypeOperatorFunction,
  Observable,
  type ObservableInput,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  auditTime,
  from,
  groupBy,
  mergeMap,
  type Subscription,
} from 'rxjs';

/**
 * Feeds `write` one batch at a time, in order. While a batch is being written, what arrives waits;
 * when it is done, the longest run of waiting items with the same batch key is written next as one
 * batch (at most `maxBatch`), so a replay of hundreds of messages costs a handful of writes while
 * one message alone is written at once. Items whose key is `undefined` are written alone, and a run
 * never crosses one: an event (a recall) after some messages is handled after them.
 * Emits each batch once its write has completed. An error from `write` ends the stream: callers
 * catch inside `write` what they can survive.
 */
export function writeInBatches<T>(
  batchKey: (item: T) => unknown,
  write: (batch: T[]) => ObservableInput<unknown>,
  maxBatch = 500,
): OperatorFunction<T, T[]> {
  return (source) =>
    new Observable<T[]>((subscriber) => {
      const waiting: T[] = [];
      let writing = false;
      let sourceDone = false;

      const next = (): void => {
        if (writing) return;
        if (waiting.length === 0) {
          if (sourceDone) subscriber.complete();
          return;
        }
        const first = waiting[0] as T;
        const key = batchKey(first);
        let size = 1;
        if (key !== undefined)
          while (size < waiting.length && size < maxBatch && batchKey(waiting[size] as T) === key)
            size += 1;
        const batch = waiting.splice(0, size);
        writing = true;
        from(write(batch)).subscribe({
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            writing = false;
            subscriber.next(batch);
            next();
          },
        });
      };

      const subscription = source.subscribe({
        next: (item) => {
          waiting.push(item);
          next();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          next();
        },
      });
      return () => subscription.unsubscribe();
    });
}

/**
 * For each key, the latest request of every `ms` window (the first one waits the window too), so a
 * burst of "read up to here" for one conversation sends one receipt, for its newest message.
 */
export function latestPerKey<T>(
  key: (item: T) => string,
  ms: number,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    source.pipe(
      groupBy(key),
      mergeMap((group) => group.pipe(auditTime(ms, scheduler))),
    );
}

/**
 * At most one value per `ms` (the first at once, the latest of a burst at the end of its window),
 * except that a final value (`isFinal`: 100 %, or `null` when the upload ends) goes out at once and
 * drops whatever was waiting, so progress never shows 80 % after 100 % and always ends on its last
 * word.
 */
export function sampleProgress<T>(
  ms: number,
  isFinal: (value: T) => boolean,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let lastEmit = -Infinity;
      let pending: { value: T } | undefined;
      let timer: Subscription | undefined;
      const emit = (value: T) => {
        lastEmit = scheduler.now();
        subscriber.next(value);
      };
      const cancelTimer = () => {
        timer?.unsubscribe();
        timer = undefined;
      };
      const subscription = source.subscribe({
        next: (value) => {
          if (isFinal(value)) {
            cancelTimer();
            pending = undefined;
            emit(value);
          } else if (!timer && scheduler.now() - lastEmit >= ms) {
            emit(value);
          } else {
            pending = { value };
            timer ??= scheduler.schedule(
              () => {
                timer = undefined;
                const waiting = pending;
                pending = undefined;
                if (waiting) emit(waiting.value);
              },
              Math.max(0, ms - (scheduler.now() - lastEmit)),
            );
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          cancelTimer();
          if (pending) subscriber.next(pending.value);
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        cancelTimer();
      };
    });
}
