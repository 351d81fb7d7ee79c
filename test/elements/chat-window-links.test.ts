import { expect, fixture, html } from '@open-wc/testing';
import { filter, firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

describe('chat-window links', () => {
  let peer: Peer;

  beforeEach(async () => {
    const me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    peer = await connectPeer(url, uniqueName('peer'));
  });

  afterEach(async () => {
    peer.close();
    await store().logout({ wipe: true });
  });

  /** The window on the peer's conversation once `text` from the peer is in it. */
  async function received(text: string) {
    const el = await fixture<ChatWindow>(
      html`<chat-window
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer.username}
      ></chat-window>`,
    );
    const me = (await firstValueFrom(store().user$))!.username;
    const arrived = firstValueFrom(
      store()
        .messages$(peer.username)
        .pipe(filter((messages) => messages.some((m) => m.text === text))),
    );
    await peer.send(me, text);
    await arrived;
    await el.updateComplete;
    const bubble = [...el.shadowRoot!.querySelectorAll('[part~="message-text"]')].find(
      (p) => p.textContent === text,
    );
    expect(bubble, 'the message shows, its text whole').to.exist;
    return { el, bubble: bubble! };
  }

  it('makes URLs, www. and e-mail addresses links that open apart from the page', async () => {
    const { el, bubble } = await received(
      'Docs at https://docs.example/start?x=1. Or www.example.org, or write to help@example.com!',
    );
    const anchors = [...bubble.querySelectorAll('a')];
    expect(anchors.map((a) => a.getAttribute('href'))).to.deep.equal([
      'https://docs.example/start?x=1',
      'https://www.example.org/',
      'mailto:help@example.com',
    ]);
    for (const a of anchors) {
      expect(a.getAttribute('target')).to.equal('_blank');
      expect(a.getAttribute('rel')).to.equal('noopener noreferrer nofollow');
      expect(a.getAttribute('part')).to.equal('link');
    }
    expect(anchors.map((a) => a.textContent)).to.deep.equal([
      'https://docs.example/start?x=1',
      'www.example.org',
      'help@example.com',
    ]);
    await expect(el).to.be.accessible();
  });

  it('keeps javascript:, data: and markup as text', async () => {
    const hostile =
      'javascript:alert(1) data:text/html,<script>alert(2)</script> <a href="javascript:alert(3)">x</a> https://ok.example/"onclick="alert(4)';
    const { bubble } = await received(hostile);
    const anchors = [...bubble.querySelectorAll('a')];
    expect(anchors.map((a) => a.getAttribute('href'))).to.deep.equal(['https://ok.example/']);
    expect(bubble.querySelector('script, [onclick]')).to.equal(null);
    expect(anchors[0]!.getAttributeNames().sort()).to.deep.equal(['href', 'part', 'rel', 'target']);
  });
});
