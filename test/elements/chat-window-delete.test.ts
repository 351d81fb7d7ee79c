// The message menu's "Delete for me" against the real server: the message leaves the window and my
// other device (a second store of mine, its own device id), the peer keeps it; a refusal (offline)
// is said under the composer, or in a group I left under the notice that replaced the composer,
// and the message stays.
import { expect, waitUntil } from '@open-wc/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import type { GroupIdResponse } from '../../src/protocol/index.js';
import { type ChatMessage, ChatStore, getChatStore } from '../../src/store/index.js';
import { createSharedConnection } from '../../src/store/tab-sharing/shared-connection.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { openGroupWindow, sayInGroup } from './group-window.js';
import { APP_KEY, PASSWORD } from './peer.js';
import { signedIn } from './signed-in.js';
import { bubble, items, menu, openMenu, openWindow, root, texts } from './window-fixture.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const session = signedIn(url);

/** Chooses "Delete for me" in the menu of the message reading `text`. */
async function deleteFromMenu(el: ChatWindow, text: string): Promise<string[]> {
  await openMenu(el, text);
  const offered = items(el);
  menu(el)!.querySelector<HTMLElement>('[data-action="delete"]')!.click();
  return offered as string[];
}

/** Another device of mine: a store with its own data and device id, signed in as me. */
async function otherDevice(): Promise<ChatStore> {
  const deviceId = uniqueName('device');
  const other = new ChatStore({
    appKey: APP_KEY,
    apiUrl: url,
    databasePrefix: uniqueName('other'),
    resume: false,
    createConnection: (config) => createSharedConnection(config, { deviceId }),
  });
  await other.login({ username: session.me, password: PASSWORD });
  return other;
}

const textsOf = (list: ChatMessage[]) => list.map((m) => m.text);

describe('chat-window: delete for me', () => {
  it('deletes a message from its menu, here and on my other device; the peer keeps it', async () => {
    const peer = await session.peer();
    const other = await otherDevice();
    try {
      const el = await openWindow(url, peer.username);
      await peer.send(session.me, 'keep this');
      await peer.send(session.me, 'drop this');
      await store().send(peer.username, 'and mine');
      await waitUntil(() => bubble(el, 'and mine')?.dataset.status === 'sent', 'all in', {
        timeout: 8000,
      });

      expect(await deleteFromMenu(el, 'drop this')).to.deep.equal([
        'react',
        'reply',
        'copy',
        'report',
        'delete',
      ]);
      await waitUntil(() => !bubble(el, 'drop this'), 'gone here', { timeout: 8000 });
      expect(await deleteFromMenu(el, 'and mine')).to.deep.equal([
        'react',
        'edit',
        'reply',
        'copy',
        'delete',
      ]);
      await waitUntil(() => !bubble(el, 'and mine'), 'mine gone here', { timeout: 8000 });
      expect(texts(el)).to.deep.equal(['keep this']);
      await expect(el).to.be.accessible();

      // My other device follows; the peer keeps both.
      await firstValueFrom(
        other.messages$(peer.username).pipe(
          filter((l) => textsOf(l).join() === 'keep this'),
          timeout(10_000),
        ),
      );
      const history = await peer.rest<{ messages: { msg?: string }[] }>(
        'GET',
        `/users/{me}/messages?peer=${session.me}&chatType=singleChat&limit=50`,
      );
      expect(history.messages.map((m) => m.msg)).to.deep.equal([
        'and mine',
        'drop this',
        'keep this',
      ]);
    } finally {
      await other.dispose();
    }
  });

  it('says why it cannot delete, and keeps the message', async () => {
    const peer = await session.peer();
    const el = await openWindow(url, peer.username);
    await peer.send(session.me, 'still here');
    await waitUntil(() => bubble(el, 'still here'), 'received', { timeout: 8000 });
    // The browser saying it is offline (dispatched here: web-test-runner drives the page over the
    // network it would take away, as in chat-store.faults): the store refuses before asking.
    window.dispatchEvent(new Event('offline'));
    try {
      await firstValueFrom(store().status$.pipe(filter((s) => s !== 'online')));
      await deleteFromMenu(el, 'still here');
      const alert = () => root(el).querySelector('[part~="error"]')?.textContent?.trim() ?? '';
      await waitUntil(() => alert() !== '', 'the refusal said');
      expect(alert()).to.equal(
        'Cannot reach the chat server. Check your connection and try again.',
      );
      expect(texts(el)).to.deep.equal(['still here']);
    } finally {
      window.dispatchEvent(new Event('online'));
    }
  });

  it('says why it cannot delete in a group I left, where the composer is gone', async () => {
    const bob = await session.peer('bob');
    const { data } = await bob.rest<GroupIdResponse>('POST', '/chatgroups', {
      groupname: uniqueName('Lunch '),
      public: false,
      members: [session.me],
    });
    await store().acceptGroupInvitation(data.groupid);
    const el = await openGroupWindow(url, data.groupid);
    const ack = await sayInGroup(bob, data.groupid, 'noon?');
    if (ack.t !== 'ack') throw new Error('not acked');
    await waitUntil(() => bubble(el, 'noon?'), 'received', { timeout: 8000 });

    await store().leaveGroup(data.groupid);
    await waitUntil(() => root(el).querySelector('[part~="left-notice"]'), 'left', {
      timeout: 8000,
    });
    expect(root(el).querySelector('[part~="composer"]')).to.equal(null);
    await deleteFromMenu(el, 'noon?');
    const alert = () => root(el).querySelector('[part~="error"]')?.textContent?.trim() ?? '';
    await waitUntil(() => alert() !== '', 'the refusal said', { timeout: 8000 });
    expect(alert()).to.equal('You are not a member of this group any more.');
    expect(texts(el)).to.deep.equal(['noon?']);
    await expect(el).to.be.accessible();
  });
});
