// The message menu's "Report" against the real server: offered on someone else's message, a
// dialog (its chunk loaded when first chosen) asking why, the server's answer said in it, focus
// back where it was; a report of a message the server does not know is refused and said.
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer } from '../support/servers.js';
import { APP_KEY } from './peer.js';
import { signedIn } from './signed-in.js';
import { bubble, items, menu, openMenu, openWindow, root } from './window-fixture.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const session = signedIn(url);

const dialog = (el: Element) =>
  root(el).querySelector<HTMLDialogElement>('dialog[part~="report-dialog"]');

describe('chat-window: report a message', () => {
  it('reports a message of the peer from its menu, says so, and returns focus', async () => {
    const peer = await session.peer();
    const el = await openWindow(url, peer.username);
    await peer.send(session.me, 'buy cheap pills');
    await waitUntil(() => bubble(el, 'buy cheap pills'), 'received', { timeout: 8000 });
    const mine = await store().send(peer.username, 'no thanks');
    await waitUntil(() => bubble(el, 'no thanks')?.dataset.status === 'sent', 'sent');

    // My own message has no Report.
    await openMenu(el, 'no thanks');
    expect(items(el)).to.not.include('report');
    menu(el)!.hidePopover();

    await openMenu(el, 'buy cheap pills');
    expect(items(el)).to.include('report');
    menu(el)!.querySelector<HTMLElement>('[data-action="report"]')!.click();
    await waitUntil(() => dialog(el)?.open, 'the report dialog');
    const shown = dialog(el)!;
    await expect(shown).to.be.accessible();
    expect(shown.querySelector<HTMLInputElement>('input[value="spam"]')!.checked).to.equal(true);
    shown.querySelector<HTMLInputElement>('input[value="abuse"]')!.click();
    shown.querySelector('textarea')!.value = 'keeps selling';
    shown.querySelector<HTMLButtonElement>('button:not([type])')!.click();
    await waitUntil(() => shown.querySelector('[role=status]'), 'the result', { timeout: 8000 });
    expect(shown.querySelector('[role=status]')!.textContent).to.contain('moderators');
    shown.querySelector<HTMLButtonElement>('button')!.click();
    await waitUntil(() => !dialog(el), 'closed and removed');
    expect(mine.id).to.be.a('string');
  });

  it('a report the server refuses rejects in plain words', async () => {
    const error = await store()
      .reportMessage('999999999999', 'spam', '')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).to.include({ key: 'noSuchMessage' });
  });
});
