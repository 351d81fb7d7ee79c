// The typing indicator between two users over a real server, in the 4.x SDKs' convention: `cmd`
// messages with the action TypingBegin / TypingEnd, sent online only (stored nowhere) and never
// unread. The other user is a peer over the real protocol (peer.ts), the way a 4.x SDK would send
// and receive them.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import type { ServerMessage } from '../../src/protocol/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer } from '../support/servers.js';
import { APP_KEY } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const user = signedIn(url);

const indicator = (el: ChatWindow) => el.shadowRoot!.querySelector<HTMLElement>('[part="typing"]');
/** Resolves once the window shows (or stops showing) the indicator. */
function indicatorShown(el: ChatWindow, shown: boolean): Promise<HTMLElement | null> {
  return new Promise((resolve) => {
    const check = () => {
      if (!!indicator(el) !== shown) return false;
      observer.disconnect();
      resolve(indicator(el));
      return true;
    };
    const observer = new MutationObserver(check);
    observer.observe(el.shadowRoot!, { subtree: true, childList: true });
    check();
  });
}
const isAction = (action: string) => (m: ServerMessage) =>
  m.type === 'cmd' && 'action' in m && m.action === action;

describe('chat-window typing indicator', function () {
  this.timeout(60_000);

  it('shows the peer typing, and tells the peer while I type, never as a message', async () => {
    const peer = await user.peer('ann');
    await store().openConversation(peer.username);
    const el = await fixture<ChatWindow>(
      html`<chat-window app-key=${APP_KEY} api-url=${url}></chat-window>`,
    );

    let shown = indicatorShown(el, true);
    await peer.sendBody(user.me, { type: 'cmd', action: 'TypingBegin' });
    expect((await shown)?.textContent?.trim()).to.equal(`${peer.username} is typing…`);
    expect((await shown)?.getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();
    let hidden = indicatorShown(el, false);
    await peer.sendBody(user.me, { type: 'cmd', action: 'TypingEnd' });
    await hidden;

    // A message from them ends it too.
    shown = indicatorShown(el, true);
    await peer.sendBody(user.me, { type: 'cmd', action: 'TypingBegin' });
    await shown;
    hidden = indicatorShown(el, false);
    await peer.send(user.me, 'done typing');
    await hidden;
    // Commands are neither stored nor counted.
    const messages = await firstValueFrom(store().messages$(peer.username));
    expect(messages.map((m) => m.text)).to.deep.equal(['done typing']);

    // My side: typing says TypingBegin once (throttled), sending says TypingEnd.
    const begin = peer.nextMessage(isAction('TypingBegin'));
    el.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'hel' });
    expect((await begin).from).to.equal(user.me);
    // Online only: the server stores it nowhere, so it reaches the peer with no seq of its inbox.
    expect((await begin).deliverOnlineOnly).to.equal(true);
    expect((await begin).seq).to.equal(0);
    const end = peer.nextMessage(isAction('TypingEnd'));
    const text = peer.nextMessage((m) => m.type === 'txt');
    await sendKeys({ type: 'lo' });
    await sendKeys({ press: 'Enter' });
    expect((await end).from).to.equal(user.me);
    expect(((await text) as { msg?: string }).msg).to.equal('hello');
  });
});
