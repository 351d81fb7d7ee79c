import { expect } from '@open-wc/testing';
import { TestScheduler } from 'rxjs/testing';
import { type StatusEvent, deriveStatus, nextStatus } from '../../src/store/status.js';
import type { ConnectionStatus } from '../../src/store/types.js';

const events: Record<string, StatusEvent> = {
  l: { type: 'login' },
  o: { type: 'opened' },
  r: { type: 'reconnecting' },
  d: { type: 'disconnected' },
  f: { type: 'offline' },
  n: { type: 'online', opened: false },
  N: { type: 'online', opened: true },
  c: { type: 'closed' },
  s: { type: 'signed-out' },
};

const statuses: Record<string, ConnectionStatus> = {
  S: 'signed-out',
  C: 'connecting',
  O: 'online',
  R: 'reconnecting',
  F: 'offline',
};

describe('store/status', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('goes signed-out → connecting → online on a login', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-l-o-', events).pipe(deriveStatus())).toBe('SC-O-', statuses);
    });
  });

  it('reports a dropped socket as reconnecting and recovers on the next open', () => {
    scheduler.run(({ cold, expectObservable }) => {
      // onDisconnected then onReconnecting are one change; a repeat of `opened` is not a change.
      const input = cold('-l-o-d-r-r-o-o-', events);
      expectObservable(input.pipe(deriveStatus())).toBe('SC-O-R-----O---', statuses);
    });
  });

  it('stays offline after reconnection gave up (onClosed, then onDisconnected)', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const input = cold('-l-o-r-c-d-', events);
      expectObservable(input.pipe(deriveStatus())).toBe('SC-O-R-F---', statuses);
    });
  });

  it('follows the browser: offline, then back online with or without the socket', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-l-o-f-n-o-', events).pipe(deriveStatus())).toBe(
        'SC-O-F-R-O-',
        statuses,
      );
      // A socket that survived a short network blip is online again at once.
      expectObservable(cold('-l-o-f-N-', events).pipe(deriveStatus())).toBe('SC-O-F-O-', statuses);
    });
  });

  it('ignores callbacks of a connection after sign-out until the next login', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const input = cold('-l-o-s-o-r-c-l-', events);
      expectObservable(input.pipe(deriveStatus())).toBe('SC-O-S-------C-', statuses);
    });
  });

  it('starts from the given status', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-s-', events).pipe(deriveStatus('connecting'))).toBe('CS-', statuses);
    });
  });

  it('leaves a reconnecting status alone on a disconnect', () => {
    expect(nextStatus('reconnecting', { type: 'disconnected' })).to.equal('reconnecting');
    expect(nextStatus('connecting', { type: 'online', opened: false })).to.equal('connecting');
  });
});
