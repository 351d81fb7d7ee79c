// Faults the store must survive, against a real server: the network dropping with messages queued,
// a conversation opened on a device that has nothing of it, receipts on such a device, and a
// message this browser cannot store.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import type { ChatError } from '../../src/store/types.js';
import type { ChatStore } from '../../src/store/chat-store.js';
import { mainServer, resumeServer, serverSql, stopServer, uniqueName } from '../support/servers.js';
import {
  TestVisibility,
  anotherDevice,
  cleanUp,
  newStore,
  ownServer,
  signIn,
  signUp,
  signUpOnDevices,
  until,
} from './store-fixtures.js';

afterEach(cleanUp);

/**
 * The browser's network events, dispatched here, for the one case that cannot be made for real from
 * inside the page: the browser saying it is offline and back while the socket stays open (as it
 * often does through a short drop of Wi-Fi). web-test-runner drives the page over the network it
 * would take away, so the browser is not taken offline; the other test causes the fault itself.
 */
const network = (state: 'online' | 'offline') => window.dispatchEvent(new Event(state));

/**
 * Bob's first device signs in, is replayed the `count` messages alice sent him and says so at the
 * replay's end (sync-done); its reply is acked after that report is stored, so no later device is
 * replayed them. Then it goes away. (Closing alone may not report what came last.)
 */
async function bobsFirstDevice(url: string, alice: string, bob: string, count: number) {
  const b = newStore(url, uniqueName('pb'));
  await signIn(b, bob);
  await until(b.messages$(alice), (l) => l.length === count, 'bob’s first device has them');
  const reply = await b.send(alice, 'got them');
  await until(
    b.messages$(alice),
    (l) => l.some((m) => m.id === reply.id && m.status === 'sent'),
    'reply sent',
  );
  await b.dispose();
}

describe('store/chat-store: faults', function () {
  this.timeout(90_000);

  it('sends what was queued while the server was gone as soon as it is back, once each, in order', async () => {
    // The real fault: the server's process stops (every socket drops, nothing answers) and starts
    // again on the same port and data, so the socket reopens and its `opened` flushes the outbox.
    const server = await ownServer();
    const a = newStore(server.url, uniqueName('pa'));
    const b = newStore(server.url, uniqueName('pb'));
    const [alice, bob] = await signUpOnDevices([{ devices: [a] }, { devices: [b] }]);

    await stopServer(server.id);
    await until(a.status$, (s) => s !== 'online', 'alice sees the connection gone');
    const queued = [];
    for (let i = 1; i <= 5; i += 1) queued.push(await a.send(bob, `queued ${i}`));
    const pending = await until(a.messages$(bob), (l) => l.length === 5, 'queued shown');
    expect(pending.map((m) => m.status)).to.deep.equal(Array(5).fill('pending'));

    await resumeServer(server.id);
    const sent = await until(
      a.messages$(bob),
      (l) => l.length === 5 && l.every((m) => m.status === 'sent'),
      'all sent once the server is back',
      60_000,
    );
    expect(sent.map((m) => m.id)).to.deep.equal(queued.map((m) => m.id));
    const got = await until(b.messages$(alice), (l) => l.length === 5, 'bob has them', 60_000);
    expect(got.map((m) => m.text)).to.deep.equal([1, 2, 3, 4, 5].map((i) => `queued ${i}`));

    // Once each on the server too: a new device of Bob's pages the whole conversation in.
    const b2 = newStore(server.url, uniqueName('pb2'), anotherDevice());
    await signIn(b2, bob);
    await b2.openConversation(alice);
    const history = await until(b2.messages$(alice), (l) => l.length >= 5, 'history');
    expect(history.map((m) => m.id)).to.deep.equal(sent.map((m) => m.mid));
    expect((await b2.loadOlder(alice)).added).to.equal(0);
  });

  it('sends what was queued offline when the browser is back online with its socket still open', async () => {
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
    expect(history.map((m) => m.id)).to.deep.equal(sent.map((m) => m.mid));
    expect((await b2.loadOlder(alice)).added).to.equal(0);
  });

  it('opens a conversation with nothing stored on the newest page of history at once', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const alice = await signUp(a);
    await signIn(a, alice);
    const bob = await signUp(newStore(url, uniqueName('pb0')));
    for (const text of ['one', 'two', 'three']) await a.send(bob, text);
    await bobsFirstDevice(url, alice, bob, 3);

    // A new device (its own device id: see anotherDevice): the server replays it nothing that
    // another device had; the conversation list knows the chat, and nothing of it is stored.
    const fresh = newStore(url, uniqueName('pb2'), anotherDevice());
    await signIn(fresh, bob);
    await until(fresh.conversations$, (l) => l.some((c) => c.id === alice), 'conversation learnt');
    expect(await firstValueFrom(fresh.messages$(alice)), 'nothing stored').to.deep.equal([]);
    await fresh.openConversation(alice);
    const shown = await until(fresh.messages$(alice), (l) => l.length === 4, 'history at once');
    expect(shown.map((m) => m.text)).to.deep.equal(['one', 'two', 'three', 'got them']);
    expect((await until(fresh.conversations$, (l) => l[0]?.unread === 0, 'read'))[0]?.id).to.equal(
      alice,
    );
  });

  it('brings the newest page of a conversation opened while the server was gone once it is back', async () => {
    // The real fault: the server stops after the new device signed in, so the page cannot be
    // fetched on opening; once the server is back (the socket reopens) it comes without paging.
    const server = await ownServer();
    const a = newStore(server.url, uniqueName('pa'));
    const alice = await signUp(a);
    await signIn(a, alice);
    const bob = await signUp(newStore(server.url, uniqueName('pb0')));
    for (const text of ['one', 'two', 'three']) await a.send(bob, text);
    await bobsFirstDevice(server.url, alice, bob, 3);

    const fresh = newStore(server.url, uniqueName('pb2'), anotherDevice());
    await signIn(fresh, bob);
    await until(fresh.conversations$, (l) => l.some((c) => c.id === alice), 'conversation learnt');
    await stopServer(server.id);
    await until(fresh.status$, (s) => s !== 'online', 'the device sees the server gone');
    await fresh.openConversation(alice);
    expect(await firstValueFrom(fresh.messages$(alice)), 'nothing to show yet').to.deep.equal([]);

    await resumeServer(server.id);
    const shown = await until(
      fresh.messages$(alice),
      (l) => l.length === 4,
      'the page once the server is back',
      60_000,
    );
    expect(shown.map((m) => m.text)).to.deep.equal(['one', 'two', 'three', 'got them']);
  });

  it('opens a conversation that has only what the sync replayed on the newest page at once', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const alice = await signUp(a);
    await signIn(a, alice);
    const bob = await signUp(newStore(url, uniqueName('pb0')));
    for (const text of ['one', 'two', 'three']) await a.send(bob, text);
    await bobsFirstDevice(url, alice, bob, 3);
    // Two more come while no device of Bob's is on: the next one to sign in is replayed them.
    for (const text of ['four', 'five']) await a.send(bob, text);

    // A new device stores what it was replayed, and nothing older: opening the conversation
    // shows the newest page, not those under "Load older messages".
    const fresh = newStore(url, uniqueName('pb2'), anotherDevice());
    await signIn(fresh, bob);
    const replayed = await until(
      fresh.messages$(alice),
      (l) => l.at(-1)?.text === 'five',
      'replayed',
    );
    expect(
      replayed.map((m) => m.text),
      'only the newest were replayed',
    ).not.to.include('one');
    await fresh.openConversation(alice);
    const all = ['one', 'two', 'three', 'got them', 'four', 'five'];
    const shown = await until(
      fresh.messages$(alice),
      (l) => l.length >= 6,
      'newest page at once',
      10_000,
    );
    expect(shown.map((m) => m.text)).to.deep.equal(all);
    expect(await until(fresh.history$(alice), (h) => !h.loading, 'page done')).to.deep.equal({
      loading: false,
      exhausted: true,
    });
    // Nothing twice: a page older than that brings nothing.
    expect(await fresh.loadOlder(alice)).to.deep.equal({ added: 0, exhausted: true });
    expect((await firstValueFrom(fresh.messages$(alice))).map((m) => m.text)).to.deep.equal(all);
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

    // Another device of alice's (its own device id): nothing is replayed to it, it has history only.
    const other = newStore(url, uniqueName('pa2'), anotherDevice());
    await signIn(other, alice);
    await other.openConversation(bob);
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

  it('skips a message this browser cannot store, says so, and keeps every other of its batch', async () => {
    // An `ext` of objects nested 3,000 deep: IndexedDB cannot clone it (Chromium's put throws from
    // 2,500), while the server's JSON.stringify still can (to about 4,500). Today's server refuses
    // it at send (issue 11 bounds ext), so it stands
    // for one an older server stored: written into the stopped server's database, then replayed
    // from the inbox with the others, in one batch.
    const server = await ownServer();
    const a = newStore(server.url, uniqueName('pa'));
    const c = newStore(server.url, uniqueName('pc'));
    const [alice, carol] = await signUpOnDevices([{ devices: [a] }, { devices: [c] }]);
    const prefix = uniqueName('pb');
    const b = newStore(server.url, prefix);
    // Registered but not signed in: what is sent to bob waits in his inbox.
    const bob = await signUp(b);
    const sendAcked = async (from: ChatStore, text: string) => {
      const message = await from.send(bob, text);
      await until(
        from.messages$(bob),
        (l) => l.some((m) => m.id === message.id && m.status === 'sent'),
        `${text} acked`,
      );
      return message;
    };
    await sendAcked(a, 'one');
    await sendAcked(c, 'two');
    const deep = await sendAcked(a, 'deep');
    await sendAcked(c, 'three');
    await sendAcked(a, 'four');

    await stopServer(server.id);
    const depth = 3_000;
    const ext = `{"nested":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    expect(
      await serverSql(server.id, 'UPDATE messages SET ext = ? WHERE client_id = ?', [ext, deep.id]),
    ).to.equal(1);
    await resumeServer(server.id);

    const errors: ChatError[] = [];
    const watching = b.error$.subscribe((error) => errors.push(error));
    await signIn(b, bob);
    const fromAlice = await until(b.messages$(alice), (l) => l.length === 2, 'alice’s others');
    const fromCarol = await until(b.messages$(carol), (l) => l.length === 2, 'carol’s');
    expect(fromAlice.map((m) => m.text)).to.deep.equal(['one', 'four']);
    expect(fromCarol.map((m) => m.text)).to.deep.equal(['two', 'three']);
    const conversations = await until(b.conversations$, (l) => l.length === 2, 'both listed');
    // Alice's count is the server's, 3 with the one skipped, whether the server's counts (asked
    // at the socket's open) landed before the replay was stored or after it (issue 11: it was 2
    // until they came, and the server's count came last in some runs only).
    expect(conversations.map(({ id, unread }) => [id, unread])).to.deep.equal([
      [alice, 3],
      [carol, 2],
    ]);
    expect(errors.map((error) => [error.key, error.params])).to.deep.equal([
      ['messageNotStored', { from: alice }],
    ]);
    watching.unsubscribe();

    // Skipped for good: the cursor moved past it, so the next sign-in is not replayed it again
    // (it would be said again before carol's next message, which comes after it on the socket).
    await b.dispose();
    const again = newStore(server.url, prefix);
    const later: ChatError[] = [];
    const watchingAgain = again.error$.subscribe((error) => later.push(error));
    await signIn(again, bob);
    await sendAcked(c, 'five');
    await until(again.messages$(carol), (l) => l.length === 3, 'carol’s next');
    expect(later).to.deep.equal([]);
    watchingAgain.unsubscribe();
  });
});
