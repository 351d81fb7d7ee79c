// The message menu's "Delete for me" against the real server: it asks first in a modal alert dialog
// (a chunk; Cancel, Escape keep the message; focus starts on Cancel, stays in the dialog and comes
// back), then the message leaves the window and my other device (a second store of mine, its own
// device id), the peer keeps it; offline it leaves at once and my other device follows once the
// connection is back (the store keeps the deletion); a refusal (a group I left) is said in the
// dialog, which stays, and the message stays.
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
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
import {
  bubble,
  items,
  menu,
  menuShown,
  openMenu,
  openWindow,
  root,
  texts,
} from './window-fixture.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const session = signedIn(url);

const dialog = (el: ChatWindow) =>
  root(el).querySelector<HTMLDialogElement>('dialog[part~="confirm-dialog"]');
const focused = (el: ChatWindow) => root(el).activeElement as HTMLElement | null;

/** Chooses "Delete for me" in the menu of the message reading `text`; the dialog asks. */
async function askDelete(el: ChatWindow, text: string): Promise<string[]> {
  await openMenu(el, text);
  const offered = items(el);
  menu(el)!.querySelector<HTMLElement>('[data-action="delete"]')!.click();
  await waitUntil(() => dialog(el)?.open, 'the dialog asks');
  return offered as string[];
}

/** Asks, then confirms. */
async function deleteFromMenu(el: ChatWindow, text: string): Promise<string[]> {
  const offered = await askDelete(el, text);
  dialog(el)!.querySelector<HTMLElement>('[part~="confirm-button"]')!.click();
  return offered;
}

/** The refusal said in the dialog, which stays open. */
const refusal = (el: ChatWindow) =>
  dialog(el)?.querySelector('[role="alert"]')?.textContent?.trim() ?? '';

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
      await waitUntil(() => !dialog(el), 'the dialog closed');
      expect(focused(el)?.getAttribute('role')).to.equal('log');
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

  it('asks first: Cancel and Escape keep the message and give focus back; the keyboard deletes', async () => {
    const peer = await session.peer();
    const el = await openWindow(url, peer.username);
    await peer.send(session.me, 'first');
    await peer.send(session.me, 'think twice');
    await waitUntil(() => bubble(el, 'think twice'), 'received', { timeout: 8000 });
    const opener = () =>
      bubble(el, 'think twice')!.querySelector<HTMLElement>('[part~="menu-button"]')!;

    await askDelete(el, 'think twice');
    const d = dialog(el)!;
    expect(d.getAttribute('role')).to.equal('alertdialog');
    expect(d.matches(':modal')).to.equal(true);
    expect(root(el).getElementById(d.getAttribute('aria-labelledby')!)!.textContent).to.equal(
      'Delete this message on all your devices? The others in the chat keep it.',
    );
    expect(focused(el)?.getAttribute('part')).to.equal('cancel-button');
    await expect(el).to.be.accessible();
    d.querySelector<HTMLElement>('[part~="cancel-button"]')!.click();
    await waitUntil(() => !dialog(el), 'cancelled');
    expect(focused(el)).to.equal(opener());
    expect(texts(el)).to.deep.equal(['first', 'think twice']);

    await askDelete(el, 'think twice');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog(el), 'Escape cancels');
    expect(focused(el)).to.equal(opener());
    expect(texts(el)).to.deep.equal(['first', 'think twice']);

    // All from the keyboard: the menu's last item, then Tab from Cancel to the confirm button.
    opener().focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => menuShown(el), 'menu open');
    await sendKeys({ press: 'End' });
    expect(focused(el)?.dataset.action).to.equal('delete');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog(el)?.open, 'asks');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)?.getAttribute('part')).to.equal('confirm-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !bubble(el, 'think twice'), 'deleted', { timeout: 8000 });
    expect(texts(el)).to.deep.equal(['first']);
    expect(focused(el)?.getAttribute('role')).to.equal('log');
  });

  it('deletes offline at once, and my other device follows once the connection is back', async () => {
    const peer = await session.peer();
    const other = await otherDevice();
    try {
      const el = await openWindow(url, peer.username);
      await peer.send(session.me, 'keep this');
      await peer.send(session.me, 'drop this offline');
      await waitUntil(() => bubble(el, 'drop this offline'), 'received', { timeout: 8000 });
      const both = (l: ChatMessage[]) => textsOf(l).join() === 'keep this,drop this offline';
      await firstValueFrom(other.messages$(peer.username).pipe(filter(both), timeout(10_000)));
      // The browser saying it is offline (dispatched here: web-test-runner drives the page over the
      // network it would take away, as in chat-store.faults): the store cannot ask the server now,
      // so it deletes here at once and keeps the deletion for when the connection is back. Nothing
      // to refuse: the dialog closes as after any deletion.
      window.dispatchEvent(new Event('offline'));
      try {
        await firstValueFrom(store().status$.pipe(filter((s) => s !== 'online')));
        await deleteFromMenu(el, 'drop this offline');
        await waitUntil(() => !bubble(el, 'drop this offline'), 'gone here at once', {
          timeout: 8000,
        });
        await waitUntil(() => !dialog(el), 'the dialog closed');
        expect(focused(el)?.getAttribute('role')).to.equal('log');
        expect(texts(el)).to.deep.equal(['keep this']);
        // Not asked yet: my other device still has it.
        expect(both(await firstValueFrom(other.messages$(peer.username)))).to.equal(true);
      } finally {
        window.dispatchEvent(new Event('online'));
      }
      // Back online: the server is asked, my other device follows, the peer keeps it.
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
      expect(history.messages.map((m) => m.msg)).to.deep.equal(['drop this offline', 'keep this']);
      expect(texts(el)).to.deep.equal(['keep this']);
    } finally {
      await other.dispose();
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
    await waitUntil(() => refusal(el) !== '', 'the refusal said', { timeout: 8000 });
    expect(refusal(el)).to.equal('You are not a member of this group any more.');
    expect(texts(el)).to.deep.equal(['noon?']);
    await expect(el).to.be.accessible();
  });
});
