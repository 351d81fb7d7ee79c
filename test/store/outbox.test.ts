import { expect } from '@open-wc/testing';
import { TestScheduler } from 'rxjs/testing';
import { type OutboxEntry, flushOnOpen, orderOutbox } from '../../src/store/outbox.js';

const entry = (id: string, order: number, queuedAt = 1000): OutboxEntry => ({
  id,
  order,
  to: 'peer',
  chatType: 'singleChat',
  type: 'txt',
  text: `text ${id}`,
  queuedAt,
});

const a = entry('a', 1);
const b = entry('b', 2);
const c = entry('c', 3);

describe('store/outbox', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('orders entries by queue position, whatever order the database returns', () => {
    expect(orderOutbox([c, a, b]).map((e) => e.id)).to.deep.equal(['a', 'b', 'c']);
    // Equal positions (a hand-edited database) fall back to time, then id.
    const early = entry('z', 5, 1);
    const late = entry('y', 5, 2);
    expect(orderOutbox([late, early]).map((e) => e.id)).to.deep.equal(['z', 'y']);
  });

  it('flushes every entry in order each time the connection opens', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const opened = hot('--o-----o---');
      // Reading the outbox takes two frames; the second read finds `a` gone (acked meanwhile).
      let reads = 0;
      const read = () => {
        reads += 1;
        return reads === 1 ? cold('--x|', { x: [c, a, b] }) : cold('--y|', { y: [c, b] });
      };
      expectObservable(flushOnOpen(opened, read)).toBe('----(abc)-(bc)', { a, b, c });
    });
  });

  it('abandons a flush when the connection opens again before it is read', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const opened = hot('--oo------');
      const read = () => cold('---x|', { x: [b, a] });
      // Only the read for the second open emits: nothing is sent twice on the same socket.
      expectObservable(flushOnOpen(opened, read)).toBe('------(ab)', { a, b });
    });
  });

  it('sends nothing while the connection never opens', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const read = () => cold('x|', { x: [a] });
      expectObservable(flushOnOpen(hot('-----'), read)).toBe('-----');
    });
  });
});
