// The message menu of <chat-window> against the real server: edit (shown as edited, at the peer
// too), reply (quoted in the 4.x UI kit's ext.msgQuote, the quote jumping to the message), copy,
// the keyboard, and refusals that change nothing.
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer } from '../support/servers.js';
import { resetPermissions, setPermission } from './browser-permissions.js';
import { APP_KEY } from './peer.js';
import { signedIn } from './signed-in.js';
import {
  bubble,
  item,
  items,
  menu as menuOf,
  menuShown as shown,
  openMenu,
  openWindow,
  root,
} from './window-fixture.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const session = signedIn(url);
const menu = (el: Element) => menuOf(el)!;

describe('chat-window message actions', () => {
  const open = (peer: string) => openWindow(url, peer);

  it('copies a message’s text to the clipboard', async () => {
    // The browser's real clipboard: the page is granted reading it, so the test reads back what
    // Copy wrote (navigator.clipboard.writeText, focus in the page as a click gives it).
    await setPermission('clipboard-read', 'granted');
    await setPermission('clipboard-write', 'granted');
    try {
      const peer = await session.peer();
      const el = await open(peer.username);
      await peer.send(session.me, 'the code is 4711');
      await waitUntil(() => bubble(el, 'the code is 4711'), 'received', { timeout: 8000 });
      await navigator.clipboard.writeText('something else');
      await openMenu(el, 'the code is 4711');
      item(el, 'copy').click();
      await waitUntil(
        async () => (await navigator.clipboard.readText()) === 'the code is 4711',
        'on the clipboard',
      );
      expect(root(el).querySelector('[part~="error"]')?.textContent?.trim() ?? '').to.equal('');
    } finally {
      await resetPermissions();
    }
  });

  it('edits an own text message from its menu: the new text, marked edited, here and at the peer', async () => {
    const peer = await session.peer();
    const el = await open(peer.username);
    await store().send(peer.username, 'meet at 5');
    await waitUntil(() => bubble(el, 'meet at 5')?.dataset.status === 'sent', 'sent');
    const received = await peer.nextMessage();

    await openMenu(el, 'meet at 5');
    expect(items(el)).to.deep.equal(['react', 'edit', 'reply', 'copy', 'delete']);
    // Its styles came with its chunk (an adopted sheet): a popover placed beside the message.
    expect(getComputedStyle(menu(el)).position).to.equal('fixed');
    await expect(el).to.be.accessible();
    item(el, 'edit').click();
    const field = root(el).querySelector('textarea')!;
    await waitUntil(() => field.value === 'meet at 5', 'the text in the field');
    expect(root(el).querySelector('[part~="compose-context"]')?.textContent).to.include(
      'Editing your message',
    );
    field.value = 'meet at 6';
    field.form!.requestSubmit();

    await waitUntil(() => bubble(el, 'meet at 6'), 'the edit shown', { timeout: 8000 });
    const edited = bubble(el, 'meet at 6')!;
    expect(edited.querySelector('[part~="edited"]')?.textContent).to.equal('edited');
    expect(bubble(el, 'meet at 5')).to.equal(undefined);
    expect(root(el).querySelector('[part~="compose-context"]')).to.equal(null);
    await waitUntil(
      () => peer.allEvents.some((e) => e.kind === 'modify' && e.mid === received.mid),
      'the peer told',
    );
    const event = peer.allEvents.find((e) => e.kind === 'modify');
    expect(event).to.deep.include({ mid: received.mid });
    expect((event as { message: { msg: string } }).message.msg).to.equal('meet at 6');
  });

  it('shows "edited" on a message the peer edited, and offers no Edit on it', async () => {
    const peer = await session.peer();
    const el = await open(peer.username);
    const ack = await peer.send(session.me, 'hello wrold');
    if (ack.t !== 'ack') throw new Error('not acked');
    await waitUntil(() => bubble(el, 'hello wrold'), 'received', { timeout: 8000 });
    await peer.modify(ack.mid, session.me, 'hello world');
    await waitUntil(() => bubble(el, 'hello world'), 'the edit', { timeout: 8000 });
    expect(bubble(el, 'hello world')!.querySelector('[part~="edited"]')).to.not.equal(null);

    await openMenu(el, 'hello world');
    expect(items(el)).to.deep.equal(['react', 'reply', 'copy', 'report', 'delete']);
    // Refused before it reaches anyone: not mine. Nothing changes.
    const [stored] = await firstValueFrom(store().messages$(peer.username));
    const error = await store()
      .edit(stored!.id, 'my words in your mouth')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).to.include({ key: 'editNotMine', type: 603 });
    const [after] = await firstValueFrom(store().messages$(peer.username));
    expect(after).to.deep.equal(stored);
  });

  it('refuses to edit a recalled message, changing nothing', async () => {
    const peer = await session.peer();
    const el = await open(peer.username);
    const mine = await store().send(peer.username, 'oops');
    await waitUntil(() => bubble(el, 'oops')?.dataset.status === 'sent', 'sent');
    await store().recall(mine.id);
    await waitUntil(() => root(el).querySelector('.recalled'), 'recalled');
    const error = await store()
      .edit(mine.id, 'not oops')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).to.include({ key: 'editGone', type: 1302 });
    const [stored] = await firstValueFrom(store().messages$(peer.username));
    expect(stored).to.include({ recalled: true, text: '' });
    // A recalled message has no menu at all.
    expect(
      root(el).querySelector('.recalled')!.closest('.msg')!.querySelector('[part~="menu-button"]'),
    ).to.equal(null);
  });

  it('replies with a quote (ext.msgQuote) shown above the reply; the quote shows the quoted message', async () => {
    const peer = await session.peer();
    const el = await open(peer.username);
    const ack = await peer.send(session.me, 'what time?');
    if (ack.t !== 'ack') throw new Error('not acked');
    for (let i = 0; i < 12; i++) await peer.send(session.me, `filler ${i}`);
    await waitUntil(() => bubble(el, 'filler 11'), 'all received', { timeout: 8000 });

    // Scroll to the quoted one's menu through the store's list: the quote must work when it is
    // far above, so reply to it while it is in view first.
    const log = root(el).querySelector<HTMLElement>('[role="log"]')!;
    log.scrollTop = 0;
    await waitUntil(() => bubble(el, 'what time?'), 'the first in view');
    await openMenu(el, 'what time?');
    item(el, 'reply').click();
    await waitUntil(
      () =>
        root(el).querySelector('[part~="compose-context"]')?.textContent?.includes('Replying to'),
      'replying',
    );
    const field = root(el).querySelector('textarea')!;
    field.value = 'at six';
    field.form!.requestSubmit();

    const reply = await peer.nextMessage((m) => m.type === 'txt' && m.msg === 'at six');
    expect(reply.ext?.msgQuote).to.deep.equal({
      msgID: ack.mid,
      msgPreview: 'what time?',
      msgSender: peer.username,
      msgType: 'txt',
    });
    await waitUntil(() => bubble(el, 'at six'), 'the reply shown');
    const quote = bubble(el, 'at six')!.querySelector<HTMLElement>('[part~="quote"]')!;
    expect(quote.textContent).to.include('what time?');
    expect(quote.getAttribute('aria-label')).to.include('what time?');
    await expect(el).to.be.accessible();

    quote.click();
    await waitUntil(() => root(el).activeElement === bubble(el, 'what time?'), 'jumped to it');
  });

  it('works from the keyboard: Shift+F10 opens, arrows move, Escape closes back to the button', async () => {
    const peer = await session.peer();
    const el = await open(peer.username);
    await peer.send(session.me, 'keyboard');
    await waitUntil(() => bubble(el, 'keyboard'), 'received', { timeout: 8000 });
    const button = bubble(el, 'keyboard')!.querySelector<HTMLElement>('[part~="menu-button"]')!;
    button.focus();
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'F10' });
    await sendKeys({ up: 'Shift' });
    await waitUntil(() => shown(el), 'menu open');
    // The quick reactions' row comes first (chat-window-reactions tests it), then the items.
    const first = menu(el).querySelector<HTMLElement>('[part~="quick-reaction"]');
    await waitUntil(() => root(el).activeElement === first, 'first item focused');
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'End' });
    expect(root(el).activeElement === item(el, 'delete'), 'End: the last').to.equal(true);
    await sendKeys({ press: 'ArrowUp' });
    expect(root(el).activeElement === item(el, 'report'), 'up: report').to.equal(true);
    await sendKeys({ press: 'ArrowUp' });
    expect(root(el).activeElement === item(el, 'copy'), 'up: copy').to.equal(true);
    await sendKeys({ press: 'ArrowUp' });
    expect(root(el).activeElement === item(el, 'reply'), 'up: reply').to.equal(true);
    await sendKeys({ press: 'End' });
    await sendKeys({ press: 'ArrowDown' });
    expect(root(el).activeElement === first, 'down from the last: the first').to.equal(true);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !shown(el), 'closed');
    expect(root(el).activeElement).to.equal(button);
  });

  it('opens the menu on a long press on touch, holding back the browser’s own menu', async () => {
    const peer = await session.peer();
    const el = await open(peer.username);
    await peer.send(session.me, 'press me');
    await waitUntil(() => bubble(el, 'press me'), 'received', { timeout: 8000 });
    const target = bubble(el, 'press me')!;
    const touch = { bubbles: true, composed: true, pointerType: 'touch', isPrimary: true };
    // A touch that moves (a scroll) is no press.
    target.dispatchEvent(new PointerEvent('pointerdown', touch));
    target.dispatchEvent(new PointerEvent('pointermove', touch));
    // One that rests opens the menu, as the button would.
    target.dispatchEvent(new PointerEvent('pointerdown', touch));
    await waitUntil(() => shown(el), 'menu open after a long press', { timeout: 4000 });
    expect(items(el)).to.deep.equal(['react', 'reply', 'copy', 'report', 'delete']);
    const contextMenu = new MouseEvent('contextmenu', { bubbles: true, cancelable: true });
    target.dispatchEvent(contextMenu);
    expect(contextMenu.defaultPrevented).to.equal(true);
    target.dispatchEvent(new PointerEvent('pointerup', touch));
  });
});
