// Paging back through a conversation across the IndexedDB / server boundary, on a real server.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import { startServer, disposeServer, uniqueName } from '../support/servers.js';
import { cleanUp, newStore, signIn, signUp, until } from './store-fixtures.js';

let serverId: string | undefined;
afterEach(async () => {
  await cleanUp();
  if (serverId) await disposeServer(serverId);
  serverId = undefined;
});

/** A server that lets one session send hundreds of messages a second (the default allows 50). */
async function fastServer() {
  const server = await startServer({ OPENWEBIM_RATE_MESSAGES: '100000' });
  serverId = server.id;
  return server;
}

const numbers = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describe('store/chat-store: loadOlder', function () {
  this.timeout(120_000);

  it('pages 120 messages from IndexedDB and then the server, with no gaps or duplicates', async () => {
    const { url } = await fastServer();
    const a = newStore(url, uniqueName('pa'));
    const desk = newStore(url, uniqueName('pb'));
    const alice = await signUp(a);
    const bob = await signUp(desk);
    await signIn(a, alice);
    await signIn(desk, bob);

    // Bob's desk gets the first 70, then goes away; 50 more come while no device of his is on.
    for (let i = 1; i <= 70; i += 1) await a.send(bob, `m${i}`);
    await until(desk.messages$(alice), (l) => l.length === 70, 'desk has 70');
    await desk.logout();
    for (let i = 71; i <= 120; i += 1) await a.send(bob, `m${i}`);
    await until(
      a.messages$(bob),
      (l) => l.length === 120 && l.every((m) => m.status === 'sent'),
      'all sent',
    );

    // A new device: the sync brings what no device had (the newest 50), the server keeps the rest.
    const phone = newStore(url, uniqueName('pb'));
    await signIn(phone, bob);
    // The replay is in order: once the newest is here, the sync is done.
    const synced = await until(
      phone.messages$(alice),
      (l) => l.at(-1)?.text === 'm120',
      'phone synced',
    );
    const texts = () => firstValueFrom(phone.messages$(alice)).then((l) => l.map((m) => m.text));
    const start = synced.length;
    expect(synced.map((m) => m.text)).to.deep.equal(numbers(121 - start, 120));
    // All 120 when the desk's last cursor report did not reach the server before its sign-out
    // revoked the token (the report is sent every 500 ms and at the close, racing that request).
    expect(start).to.be.within(50, 120);

    let exhausted = false;
    let rounds = 0;
    while (!exhausted) {
      const before = (await texts()).length;
      const page = await phone.loadOlder(alice);
      rounds += 1;
      expect(page.added).to.be.at.most(50);
      expect((await texts()).length).to.equal(before + page.added);
      exhausted = page.exhausted;
      expect(rounds).to.be.below(6);
    }
    expect(await texts()).to.deep.equal(numbers(1, 120));
    expect(await firstValueFrom(phone.history$(alice))).to.deep.equal({
      loading: false,
      exhausted: true,
    });
    const again = await phone.loadOlder(alice);
    expect(again).to.deep.equal({ added: 0, exhausted: true });

    // What came from the server is stored like the rest.
    const messages = await firstValueFrom(phone.messages$(alice));
    expect(new Set(messages.map((m) => m.id)).size).to.equal(120);
    expect(messages.every((m) => m.status === 'received' && m.mid)).to.equal(true);
  });

  it('pages inside IndexedDB first: a long stored conversation opens on its newest 200', async () => {
    const { url } = await fastServer();
    const a = newStore(url, uniqueName('pa'));
    const b = newStore(url, uniqueName('pb'));
    const alice = await signUp(a);
    const bob = await signUp(b);
    await signIn(a, alice);
    await signIn(b, bob);
    for (let i = 1; i <= 230; i += 1) await a.send(bob, `m${i}`);
    await until(b.conversations$, (l) => l[0]?.lastMessage?.text === 'm230', 'bob has all');
    const shown = await until(b.messages$(alice), (l) => l.at(-1)?.text === 'm230', 'newest');
    expect(shown.map((m) => m.text)).to.deep.equal(numbers(31, 230));
    const page = await b.loadOlder(alice);
    expect(page.added).to.equal(30);
    expect((await firstValueFrom(b.messages$(alice))).map((m) => m.text)).to.deep.equal(
      numbers(1, 230),
    );
    // Nothing older on the server either.
    expect(page.exhausted || (await b.loadOlder(alice)).exhausted).to.equal(true);
  });
});
