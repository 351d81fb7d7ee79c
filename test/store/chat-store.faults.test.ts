// Faults the store must survive, against a real server: the network dropping with messages queued,
// a conversation opened on a device that has nothing of it, and receipts on such a device.
import { expect } from '@open-wc/testing';
import { mainServer, uniqueName } from '../support/servers.js';
import {
  TestVisibility,
  cleanUp,
  newStore,
  signIn,
  signUpOnDevices,
  until,
} from './store-fixtures.js';

afterEach(cleanUp);

/**
 * The browser's network events, dispatched here: the one fault these tests cannot cause for real
 * from inside the page (web-test-runner talks to the page over the network it would take away).
 * The socket to the server stays open, as it often does through a short drop of Wi-Fi; this is
 * the case that stayed "Sending…", since no new `opened` follows.
 */
const network = (state: 'online' | 'offline') => window.dispatchEvent(new Event(state));

describe('store/chat-store: faults', function () {
  this.timeout(90_000);

  it('sends what was queued offline as soon as the network is back, once each, in order', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const b = newStore(url, uniqueName('pb'));
    const [alice, bob] = await signUpOnDevices([{ devices: [a] }, { devices: [b] }]);

    network('offline');
    await until(a.status$, (s) => s !== 'online', 'alice sees the network gone');
    const queued = [];
    for (let i = 1; i <= 5; i += 1) queued.push(await a.send(bob, `offline ${i}`));
    const pending = await until(a.messages$(bob), (l) => l.length === 5, 'queued shown');
    expect(pending.map((m) => m.status)).to.deep.equal(Array(5).fill('pending'));

    network('online');
    await until(a.status$, (s) => s === 'online', 'alice back online');
    const sent = await until(
      a.messages$(bob),
      (l) => l.length === 5 && l.every((m) => m.status === 'sent'),
      'all sent once the network is back',
    );
    expect(sent.map((m) => m.id)).to.deep.equal(queued.map((m) => m.id));
    const got = await until(b.messages$(alice), (l) => l.length === 5, 'bob has them');
    expect(got.map((m) => m.text)).to.deep.equal([1, 2, 3, 4, 5].map((i) => `offline ${i}`));

    // Once each on the server too: a new device of Bob's pages the whole conversation in.
    const b2 = newStore(url, uniqueName('pb2'));
    await signIn(b2, bob);
    await b2.openConversation(alice);
    const history = await until(b2.messages$(alice), (l) => l.length >= 5, 'history');
    expect(history.map((m) => m.id)).to.deep.equal(queued.map((m) => m.id));
    expect((await b2.loadOlder(alice)).added).to.equal(0);
  });

  it('opens a conversation with nothing stored on the newest page of history at once', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const b = newStore(url, uniqueName('pb'));
    const [alice, bob] = await signUpOnDevices([{ devices: [a] }, { devices: [b] }]);
    for (const text of ['one', 'two', 'three']) await a.send(bob, text);
    await until(b.messages$(alice), (l) => l.length === 3, 'bob’s first device has them');

    // A new device: the server replays nothing another device had; the list knows the chat.
    const fresh = newStore(url, uniqueName('pb2'));
    await signIn(fresh, bob);
    await until(fresh.conversations$, (l) => l.some((c) => c.id === alice), 'conversation learnt');
    await fresh.openConversation(alice);
    const shown = await until(fresh.messages$(alice), (l) => l.length === 3, 'history at once');
    expect(shown.map((m) => m.text)).to.deep.equal(['one', 'two', 'three']);
    expect((await until(fresh.conversations$, (l) => l[0]?.unread === 0, 'read'))[0]?.id).to.equal(
      alice,
    );
  });

  it('brings delivery and read state with history, so another device shows them too', async () => {
    const { url } = await mainServer();
    const bobSees = new TestVisibility();
    bobSees.visible = false;
    const a = newStore(url, uniqueName('pa'));
    const b = newStore(url, uniqueName('pb'), { visibility: bobSees });
    const [alice, bob] = await signUpOnDevices([{ devices: [a] }, { devices: [b] }]);

    await a.send(bob, 'read one');
    await a.send(bob, 'delivered one');
    const bobs = await until(b.messages$(alice), (l) => l.length === 2, 'bob has both');
    await b.markSeen(alice, bobs[0]!.id);
    await until(
      a.messages$(bob),
      (l) => l[0]?.receipt === 'read' && l[1]?.receipt === 'delivered',
      'receipts on alice’s device',
    );

    const other = newStore(url, uniqueName('pa2'));
    await signIn(other, alice);
    await other.openConversation(bob);
    // The messages may show before the receipts that follow them are applied (this page's stores
    // share a device id, so the server also replays alice's inbox here): wait for the receipts.
    const shown = await until(
      other.messages$(bob),
      (l) => l.length === 2 && l[0]?.receipt === 'read' && l[1]?.receipt === 'delivered',
      'history with its receipts',
    );
    expect(shown.map((m) => [m.text, m.status, m.receipt])).to.deep.equal([
      ['read one', 'sent', 'read'],
      ['delivered one', 'sent', 'delivered'],
    ]);
  });
});
