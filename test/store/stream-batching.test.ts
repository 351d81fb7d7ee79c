import { expect } from '@open-wc/testing';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { latestPerKey, sampleProgress, writeInBatches } from '../../src/store/stream-batching.js';

describe('store/stream-batching', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  describe('writeInBatches', () => {
    // Messages are lowercase (batch key "m"); an uppercase item is an event, written alone.
    const key = (item: string) => (item === item.toLowerCase() ? 'm' : undefined);

    it('writes one item at once, and what arrived during a write as one batch next', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const source = hot('-a-bc-d------|');
        // Each write takes three frames.
        const written = source.pipe(
          writeInBatches(key, () => cold('---|')),
          map((batch) => batch.join('')),
        );
        // a (1–4), b+c waited (4–7), d waited (7–10).
        expectObservable(written).toBe('----x--y--z--|', { x: 'a', y: 'bc', z: 'd' });
      });
    });

    it('never batches across an event, so order is kept', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const source = hot('-abRcd--------|');
        const written = source.pipe(
          writeInBatches(key, () => cold('--|')),
          map((batch) => batch.join('')),
        );
        // a alone (1–3); b waited, R is an event so it stops the run (3–5); R (5–7); c+d (7–9).
        expectObservable(written).toBe('---w-x-y-z----|', { w: 'a', x: 'b', y: 'R', z: 'cd' });
      });
    });

    it('caps a batch at maxBatch', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const source = hot('-a(bcde)------|');
        const written = source.pipe(
          writeInBatches(key, () => cold('--|'), 3),
          map((batch) => batch.join('')),
        );
        expectObservable(written).toBe('---x-y-z------|', { x: 'a', y: 'bcd', z: 'e' });
      });
    });

    it('completes only after the last write', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const written = hot('-a|').pipe(
          writeInBatches(key, () => cold('-----|')),
          map((batch) => batch.join('')),
        );
        expectObservable(written).toBe('------(x|)', { x: 'a' });
      });
    });
  });

  describe('latestPerKey', () => {
    it('sends the newest request per key once per window', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const requests = hot('-a-b-c---------d', {
          a: 'ann:1',
          b: 'bob:1',
          c: 'ann:2',
          d: 'ann:3',
        });
        const sent = requests.pipe(latestPerKey((r) => r.split(':')[0] ?? '', 5));
        // ann: 1 and 2 within 5 frames of the first → only 2; bob alone; ann:3 in a later window.
        expectObservable(sent).toBe('------a-b-----------c', {
          a: 'ann:2',
          b: 'bob:1',
          c: 'ann:3',
        });
      });
    });
  });

  describe('sampleProgress', () => {
    type P = { loaded: number; total: number } | null;
    const isFinal = (p: P) => p === null || p.loaded >= p.total;
    const values = {
      a: { loaded: 1, total: 10 },
      b: { loaded: 2, total: 10 },
      c: { loaded: 3, total: 10 },
      d: { loaded: 4, total: 10 },
      f: { loaded: 10, total: 10 },
      n: null,
    };

    it('emits the first at once and the latest of a burst at the end of its window', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const progress = hot<P>('a-b-c-------d', values);
        expectObservable(progress.pipe(sampleProgress(5, isFinal, scheduler))).toBe(
          'a----c------d',
          values,
        );
      });
    });

    it('lets 100 % and the end through at once, dropping what waited', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const progress = hot<P>('ab-fn', values);
        expectObservable(progress.pipe(sampleProgress(5, isFinal, scheduler))).toBe(
          'a--fn',
          values,
        );
      });
    });
  });
});
