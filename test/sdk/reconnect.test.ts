import { expect } from '@open-wc/testing';
import WebIM, { type ErrorEvent, type TextMessage } from '../../src/sdk/index.js';
import { backoffDelay } from '../../src/sdk/reconnect.js';
import { disposeServer, resumeServer, startServer, stopServer } from '../support/servers.js';
import { closeAll, loggedIn, until, type Recorder } from './sdk-fixtures.js';

const texts = (events: Recorder) =>
  events.all('onTextMessage').map(([message]) => (message as TextMessage).msg);
const text = (to: string, msg: string) => WebIM.message.create({ type: 'txt', to, msg });
/** The connection's life as a sequence, without message traffic. */
const lifecycle = (events: Recorder) =>
  events
    .names()
    .filter((name) => ['onOpened', 'onReconnecting', 'onClosed', 'onError'].includes(name));

describe('reconnection', function () {
  // These start, stop and resume server processes of their own: at a load of 28 on this 2-core
  // machine one start took 8.3 s and a resume 7.6 s, past the default 20 s for the test.
  this.timeout(60_000);
  afterEach(closeAll);

  it('backs off exponentially with jitter, capped', () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const ceiling = Math.min(30_000, 1000 * 2 ** (attempt - 1));
      const delay = backoffDelay(attempt, 1000);
      expect(delay).to.be.within(ceiling / 2, ceiling);
    }
  });

  it('survives a server restart: messages sent meanwhile arrive once each, in order', async () => {
    const own = await startServer();
    try {
      const options = { autoReconnectInterval: 0.1, autoReconnectNumMax: 30 };
      const alice = await loggedIn(own, options);
      const bob = await loggedIn(own, options);

      // Sent as the server goes down: it may be stored before, or resent after the restart.
      const racing = alice.conn.send(text(bob.username, 'zero'));
      await stopServer(own.id);
      await alice.events.wait('onReconnecting');
      await bob.events.wait('onReconnecting');
      expect(alice.conn.isOpened()).to.equal(false);
      const queued = ['one', 'two', 'three'].map((msg) => alice.conn.send(text(bob.username, msg)));

      await resumeServer(own.id);
      const results = await Promise.all([racing, ...queued]);
      await alice.events.wait('onOpened', 2);
      await bob.events.wait('onOpened', 2);
      // A message sent after the reconnect closes the window: a duplicate would arrive before it.
      results.push(await alice.conn.send(text(bob.username, 'four')));
      await until(() => texts(bob.events).includes('four'), 'the last message');

      expect(texts(bob.events)).to.deep.equal(['zero', 'one', 'two', 'three', 'four']);
      const mids = bob.events.all('onTextMessage').map(([m]) => (m as TextMessage).id);
      expect(mids).to.deep.equal(results.map((r) => r.serverMsgId));
      for (const events of [alice.events, bob.events]) {
        const flow = lifecycle(events);
        expect(flow[0]).to.equal('onOpened');
        expect(flow.at(-1)).to.equal('onOpened');
        const between = flow.slice(1, -1);
        expect(between).to.not.be.empty;
        expect(
          between.every((name) => name === 'onReconnecting'),
          between.join(),
        ).to.equal(true);
      }
    } finally {
      await disposeServer(own.id);
    }
  });

  it('gives up after autoReconnectNumMax attempts: onError 16, onClosed; queued sends fail 510', async () => {
    const own = await startServer();
    const alice = await loggedIn(own, { autoReconnectInterval: 0.05, autoReconnectNumMax: 2 });
    await disposeServer(own.id);
    await alice.events.wait('onReconnecting');
    const pending = alice.conn.send(text('bob', 'lost?')).catch((e: ErrorEvent) => e);
    await alice.events.wait('onClosed');

    expect(alice.events.count('onReconnecting')).to.equal(2);
    expect(alice.events.all('onError')).to.deep.equal([
      [{ type: 16, message: 'reconnection failed' }],
    ]);
    expect(alice.events.names().slice(-3)).to.deep.equal(['onError', 'onClosed', 'onDisconnected']);
    expect(((await pending) as ErrorEvent).type).to.equal(510);
    expect(alice.conn.isOpened()).to.equal(false);
    // Once it has given up, a send fails at once rather than waiting for a login nobody started.
    const late = await alice.conn.send(text('bob', 'later')).catch((e: ErrorEvent) => e);
    expect((late as ErrorEvent).type).to.equal(510);
  });

  it('window online/offline: onOffline, then onOnline and an immediate attempt', async () => {
    const own = await startServer();
    try {
      // The first attempt after the drop is planned 60-120 s away: only `online` can make it sooner.
      const alice = await loggedIn(own, { autoReconnectInterval: 120, autoReconnectNumMax: 3 });
      await stopServer(own.id);
      await alice.events.wait('onReconnecting');
      await resumeServer(own.id);

      // These are the events the browser itself fires on window when the network goes and comes.
      window.dispatchEvent(new Event('offline'));
      window.dispatchEvent(new Event('online'));
      await alice.events.wait('onOpened', 2, 5000);
      const names = alice.events.names();
      expect(names.indexOf('onOffline')).to.be.lessThan(names.indexOf('onOnline'));
      expect(names.lastIndexOf('onOpened')).to.be.greaterThan(names.indexOf('onOnline'));

      // After close() the window listeners are gone.
      alice.conn.close();
      window.dispatchEvent(new Event('online'));
      expect(alice.events.count('onOnline')).to.equal(1);
    } finally {
      await disposeServer(own.id);
    }
  });
});
