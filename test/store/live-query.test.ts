import { expect } from '@open-wc/testing';
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { liveQuery } from '../../src/store/live-query.js';

describe('store/live-query', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('reads once on subscribe and again after each change', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      let version = 0;
      const read = () => cold('-v|', { v: ++version });
      expectObservable(liveQuery(hot('---c---c--'), read)).toBe('-1--2---3-', {
        1: 1,
        2: 2,
        3: 3,
      });
    });
  });

  it('coalesces changes during a read into one more read, and never emits stale state', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      let version = 0;
      const read = () => cold('---v|', { v: ++version });
      // Reads start at 0, then 4 (one read for the three changes at 1-3), then nothing more.
      expectObservable(liveQuery(hot('-ccc------'), read)).toBe('---1---2--', { 1: 1, 2: 2 });
    });
  });

  it('stops reading on unsubscribe', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      let reads = 0;
      const read = () => {
        reads += 1;
        return cold('-v|', { v: reads });
      };
      expectObservable(liveQuery(hot('--c--c--c'), read), '^----!').toBe('-1-2--', { 1: 1, 2: 2 });
    });
  });

  it('handles synchronous reads without reading twice on subscribe', () => {
    let reads = 0;
    const values: number[] = [];
    const subscription = liveQuery(of('initial change'), () => of(++reads)).subscribe((v) =>
      values.push(v),
    );
    subscription.unsubscribe();
    expect(values).to.deep.equal([1]);
  });
});
