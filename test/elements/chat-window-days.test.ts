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
const separators = (el: Element) =>
  [...el.shadowRoot!.querySelectorAll('[part="day-separator"]')].map((p) => p.textContent!.trim());

describe('chat-window days and empty state', () => {
  let peer: Peer;
  let me: string;

  beforeEach(async () => {
    me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    peer = await connectPeer(url, uniqueName('peer'));
  });

  afterEach(async () => {
    peer.close();
    await store().logout({ wipe: true });
  });

  const open = (lang = 'en') =>
    fixture<ChatWindow>(
      html`<chat-window
        lang=${lang}
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer.username}
      ></chat-window>`,
    );

  /** Resolves once the store holds `count` messages of the conversation. */
  const stored = (count: number) =>
    firstValueFrom(
      store()
        .messages$(peer.username)
        .pipe(filter((m) => m.length >= count)),
    );

  it('shows an empty state for a new conversation, not "Load older messages"', async () => {
    const el = await open();
    await firstValueFrom(store().messages$(peer.username));
    await el.updateComplete;
    expect($(el, '[part="load-older-button"]')).to.equal(null);
    expect($(el, '[part="empty-conversation"]').textContent!.trim()).to.equal(
      'No messages yet. Say hello!',
    );
    await expect(el).to.be.accessible();
    const first = stored(1);
    await peer.send(me, 'hello');
    await first;
    await el.updateComplete;
    expect($(el, '[part="empty-conversation"]')).to.equal(null);
  });

  it('puts "Today" above the first message of today, once, in the reader’s language', async () => {
    const el = await open();
    const two = stored(2);
    await peer.send(me, 'one');
    await peer.send(me, 'two');
    await two;
    await el.updateComplete;
    expect(separators(el)).to.deep.equal(['Today']);
    const today = new Date();
    const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect($(el, '[part="day-separator"] time').getAttribute('datetime')).to.equal(iso);
    el.lang = 'es';
    await Promise.resolve(); // the lang change's MutationObserver record
    await el.updateComplete;
    expect(separators(el)).to.deep.equal(['Hoy']);
    el.lang = 'zh-CN';
    await Promise.resolve();
    await el.updateComplete;
    expect(separators(el)).to.deep.equal(['今天']);
  });
});
