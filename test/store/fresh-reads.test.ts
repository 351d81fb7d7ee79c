// Reads of a stored list from the server (social.ts's freshRead) against a real server whose
// answer reaches the store late: the proxy passes the request on at once and holds the answer, so
// the server's list is older than an event that reaches the store's socket (through the same
// proxy) first. The store must not write that older answer back over the event.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import type { ChatStore } from '../../src/store/chat-store.js';
import {
  disposeProxy,
  mainServer,
  proxyHold,
  proxyRelease,
  startNoWebSocketProxy,
} from '../support/servers.js';
import { cleanUp, newStore, signUpOnDevices, until } from './store-fixtures.js';

const allMuted = async (store: ChatStore, id: string) =>
  (await firstValueFrom(store.groups$)).find((g) => g.id === id)?.allMuted;

describe('store/fresh-reads', function () {
  this.timeout(120_000);

  after(cleanUp);

  it('a group list read before an event landed is not written back over it', async () => {
    const { url } = await mainServer();
    const proxy = await startNoWebSocketProxy(url, true);
    try {
      const m = newStore(proxy.url, 'fresh-reads-m');
      const o = newStore(url, 'fresh-reads-o');
      await signUpOnDevices([{ devices: [m] }, { devices: [o] }]);
      const { id } = await o.createGroup({ name: 'Fresh', public: true });
      expect(await m.joinGroup(id)).to.equal('joined');
      await until(m.groups$, (l) => l.some((g) => g.id === id), 'max in the group');
      // The reads the join started are done once the member count they carry is stored.
      await until(m.groups$, (l) => l.some((g) => g.id === id && g.memberCount === 2), '2');

      // The owner's change of the description makes max's store read its groups again: the
      // server answers at once, the proxy holds the answer.
      const held = proxyHold(proxy.id, 'joined_chatgroups', 1, true);
      await o.updateGroup(id, { description: 'changed' });
      await held;
      // Everyone muted meanwhile: the event reaches max's store before that answer.
      await o.muteEveryone('groupChat', id, true);
      await until(m.groups$, (l) => l.some((g) => g.id === id && g.allMuted), 'muted, live');

      // The older answer arrives. Whatever the store does with it is done once it reads again
      // (the mute's event asked for a read too), which the proxy holds in turn.
      await proxyRelease(proxy.id, 1);
      await proxyHold(proxy.id, 'joined_chatgroups', 1, true);
      expect(await allMuted(m, id)).to.equal(true);

      await proxyRelease(proxy.id);
      await until(m.groups$, (l) => l.some((g) => g.description === 'changed'), 'the new read');
      expect(await allMuted(m, id)).to.equal(true);
    } finally {
      await disposeProxy(proxy.id);
    }
  });
});
