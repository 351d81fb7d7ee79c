// Right to left, measured rather than eyed: the same conversation in English and in Arabic lays
// out as mirror images (own bubbles at the end, the send button after the field), while each
// message's own text keeps its direction (dir="auto"): an English line stays left to right in the
// Arabic window and an Arabic line right to left in the English one.
import { expect, fixture, html } from '@open-wc/testing';
import { filter, firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;

/** Resolves once `el` shows `count` message bubbles (they come with the store's first read). */
function bubblesShown(el: ChatWindow, count: number): Promise<void> {
  return new Promise((resolve) => {
    const observer = new MutationObserver(check);
    function check() {
      if (el.shadowRoot!.querySelectorAll('.msg').length < count) return;
      observer.disconnect();
      resolve();
    }
    observer.observe(el.shadowRoot!, { childList: true, subtree: true });
    check();
  });
}

const english = 'See you at 10, ok?';
const arabic = 'أراك في العاشرة، اتفقنا؟ OK';

describe('chat-window right to left', () => {
  let peer: Peer;

  before(async () => {
    const me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    peer = await connectPeer(url, uniqueName('peer'));
    const both = firstValueFrom(
      store()
        .messages$(peer.username)
        .pipe(filter((m) => m.length >= 2 && m.every((x) => x.status !== 'pending'))),
    );
    await store().openConversation(peer.username);
    await store().send(peer.username, english);
    await peer.send(me, arabic);
    await both;
  });

  after(async () => {
    peer.close();
    await store().logout({ wipe: true });
  });

  async function layout(lang: string) {
    const el = await fixture<ChatWindow>(
      html`<chat-window
        lang=${lang}
        style="width: 400px; height: 400px; display: flex"
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer.username}
      ></chat-window>`,
    );
    await bubblesShown(el, 2);
    await el.updateComplete;
    const box = el.getBoundingClientRect();
    const texts = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="message-text"]')];
    const own = $(el, '[part~="message-own"]').getBoundingClientRect();
    const other = $(el, '[part~="message-other"]').getBoundingClientRect();
    const input = $(el, 'textarea').getBoundingClientRect();
    const send = $(el, '[part="send-button"]').getBoundingClientRect();
    return {
      el,
      dir: getComputedStyle(el).direction,
      // Distances from the element's left and right edges.
      ownLeft: own.left - box.left,
      ownRight: box.right - own.right,
      otherLeft: other.left - box.left,
      otherRight: box.right - other.right,
      sendBeforeField: send.right <= input.left,
      directions: Object.fromEntries(
        texts.map((t) => [t.textContent, getComputedStyle(t).direction]),
      ),
    };
  }

  it('mirrors the layout in Arabic and keeps each message’s own direction', async () => {
    const ltr = await layout('en');
    const rtl = await layout('ar');
    expect([ltr.dir, rtl.dir]).to.deep.equal(['ltr', 'rtl']);
    // Own bubbles at the end: the right in English, the left in Arabic, at the same distance.
    expect(ltr.ownRight).to.be.lessThan(ltr.ownLeft);
    expect(rtl.ownLeft).to.be.lessThan(rtl.ownRight);
    expect(rtl.ownLeft).to.be.closeTo(ltr.ownRight, 1);
    expect(rtl.otherRight).to.be.closeTo(ltr.otherLeft, 1);
    // The send button follows the field in reading order.
    expect(ltr.sendBeforeField).to.equal(false);
    expect(rtl.sendBeforeField).to.equal(true);
    for (const directions of [ltr.directions, rtl.directions]) {
      expect(directions[english]).to.equal('ltr');
      expect(directions[arabic]).to.equal('rtl');
    }
    await expect(rtl.el).to.be.accessible();
  });
});
