// "Delete conversation" in <chat-roster> against the real server: each conversation's delete button
// asks first in a dialog (its chunk loaded when first pressed; Cancel keeps it), then the
// conversation leaves the list here and on my other device (a second store of mine, its own
// device id), focus returns to the list; the peer keeps it.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatRoster } from '../../src/elements/index.js';
import { ChatStore, getChatStore } from '../../src/store/index.js';
import { createSharedConnection } from '../../src/store/tab-sharing/shared-connection.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const session = signedIn(url);

const root = (el: Element) => el.shadowRoot!;
const names = (el: Element) =>
  [...root(el).querySelectorAll('[part~="conversation"] .name')].map((n) => n.textContent);
const dialog = (el: Element) =>
  root(el).querySelector<HTMLDialogElement>('dialog[part~="confirm-dialog"]');

describe('chat-roster: delete a conversation', () => {
  it('asks, then deletes it here and on my other device; the peer keeps it', async () => {
    const deviceId = uniqueName('device');
    const other = new ChatStore({
      appKey: APP_KEY,
      apiUrl: url,
      databasePrefix: uniqueName('other'),
      resume: false,
      createConnection: (config) => createSharedConnection(config, { deviceId }),
    });
    try {
      await other.login({ username: session.me, password: PASSWORD });
      const bob = await session.peer('bob');
      const carol = await session.peer('carol');
      await bob.send(session.me, 'hi from bob');
      await carol.send(session.me, 'hi from carol');
      const el = await fixture<ChatRoster>(
        html`<chat-roster app-key=${APP_KEY} api-url=${url}></chat-roster>`,
      );
      await waitUntil(() => names(el).length === 2, 'both listed', { timeout: 8000 });
      const listedOn = (store: ChatStore, want: string[]) =>
        firstValueFrom(
          store.conversations$.pipe(
            filter((l) => l.map((c) => c.id).join() === want.join()),
            timeout(10_000),
          ),
        );
      await listedOn(other, [carol.username, bob.username]);

      const button = () =>
        [...root(el).querySelectorAll<HTMLElement>('[part~="delete-button"]')].find((b) =>
          b.getAttribute('aria-label')?.includes(bob.username),
        )!;
      expect(button().getAttribute('aria-label')).to.equal(`Delete chat with ${bob.username}`);

      // Cancel keeps it, and focus goes back to the button.
      button().focus();
      button().click();
      await waitUntil(() => dialog(el)?.open, 'the dialog asks');
      expect(dialog(el)!.textContent).to.include(
        `Delete the chat with ${bob.username} on all your devices?`,
      );
      expect(root(el).activeElement?.getAttribute('part')).to.equal('cancel-button');
      await expect(el).to.be.accessible();
      root(el).querySelector<HTMLElement>('[part~="cancel-button"]')!.click();
      await waitUntil(() => !dialog(el), 'closed');
      expect(root(el).activeElement).to.equal(button());
      expect(names(el)).to.have.length(2);

      // Confirmed: gone here and on my other device; focus on the list.
      button().click();
      await waitUntil(() => dialog(el)?.open, 'asks again');
      root(el).querySelector<HTMLElement>('[part~="confirm-button"]')!.click();
      await waitUntil(() => !dialog(el), 'done', { timeout: 8000 });
      await waitUntil(() => names(el).length === 1, 'gone here', { timeout: 8000 });
      expect(names(el)).to.deep.equal([carol.username]);
      expect(root(el).activeElement?.getAttribute('part')).to.equal('conversation');
      await listedOn(other, [carol.username]);
      await listedOn(getChatStore(APP_KEY, url), [carol.username]);

      // Bob keeps his.
      const history = await bob.rest<{ messages: { msg?: string }[] }>(
        'GET',
        `/users/{me}/messages?peer=${session.me}&chatType=singleChat&limit=50`,
      );
      expect(history.messages.map((m) => m.msg)).to.deep.equal(['hi from bob']);
    } finally {
      await other.dispose();
    }
  });
});
