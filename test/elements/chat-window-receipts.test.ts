import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, serverCli, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

const { id: serverId, url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const bubbles = (el: Element) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.msg')];
const bubble = (el: Element, text: string) =>
  bubbles(el).find((b) => b.querySelector('.text')?.textContent?.trim() === text);
/** Two animation frames: IntersectionObserver has delivered what the last layout showed. */
const frames = () =>
  new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

describe('chat-window receipts and recall', () => {
  let me: string;
  let peer: Peer;

  beforeEach(async () => {
    me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    await waitUntil(async () => (await firstValueFrom(store().status$)) === 'online', 'online');
    peer = await connectPeer(url, uniqueName('peer'));
  });

  afterEach(async () => {
    peer.close();
    await store().logout({ wipe: true });
  });

  const open = (height = 480) =>
    fixture<ChatWindow>(
      html`<chat-window
        style="height: ${height}px"
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer.username}
      ></chat-window>`,
    );

  it('shows sent, delivered and read on own messages as the peer acknowledges them', async () => {
    const el = await open();
    await store().send(peer.username, 'did you get this?');
    const receipt = () => bubble(el, 'did you get this?')?.querySelector('[part="receipt"]');
    await waitUntil(() => receipt()?.textContent?.includes('Sent'), 'sent', { timeout: 8000 });
    const received = await peer.nextMessage();
    peer.delivered(received.mid, me);
    await waitUntil(() => receipt()?.textContent?.includes('Delivered'), 'delivered', {
      timeout: 8000,
    });
    peer.read(received.mid, me);
    await waitUntil(() => receipt()?.textContent?.includes('Read'), 'read', { timeout: 8000 });
    expect(bubble(el, 'did you get this?')!.dataset.receipt).to.equal('read');
    await expect(el).to.be.accessible();
  });

  it('acknowledges as read only the messages that were on screen while the page was visible', async () => {
    const el = await open(200);
    el.hidden = true;
    await peer.send(me, 'while hidden');
    await waitUntil(() => bubble(el, 'while hidden'), 'stored and rendered', { timeout: 8000 });
    await frames();
    expect(peer.events.filter((e) => e.kind === 'read')).to.deep.equal([]);
    el.hidden = false;
    await waitUntil(() => peer.events.some((e) => e.kind === 'read'), 'read once shown', {
      timeout: 8000,
    });
    const [firstRead] = peer.events.filter((e) => e.kind === 'read');
    const stored = await firstValueFrom(store().messages$(peer.username));
    expect(firstRead!.mid).to.equal(stored.at(-1)!.mid);

    // Enough messages to scroll, then the reader scrolls up: a new one arrives out of sight.
    let lastFiller: Awaited<ReturnType<typeof peer.send>> | undefined;
    for (let i = 0; i < 15; i += 1) lastFiller = await peer.send(me, `filler ${i}`);
    await waitUntil(() => bubble(el, 'filler 14'), 'fillers', { timeout: 8000 });
    // The fillers may be read in more than one receipt; the last one names the newest.
    const newest = lastFiller?.t === 'ack' ? lastFiller.mid : undefined;
    expect(newest).to.be.a('string');
    await waitUntil(() => peer.events.some((e) => e.kind === 'read' && e.mid === newest), 'seen');
    const log = $(el, '[part="message-list"]');
    log.scrollTop = 0;
    await frames();
    const readsBefore = peer.events.filter((e) => e.kind === 'read').length;
    const answer = await peer.send(me, 'out of sight');
    await waitUntil(async () => {
      const messages = await firstValueFrom(store().messages$(peer.username));
      return messages.some((m) => m.text === 'out of sight');
    }, 'stored');
    await el.updateComplete;
    await frames();
    expect(peer.events.filter((e) => e.kind === 'read').length).to.equal(readsBefore);
    log.scrollTop = log.scrollHeight;
    await waitUntil(
      () =>
        peer.events.some((e) => e.kind === 'read' && answer.t === 'ack' && e.mid === answer.mid),
      'read once scrolled into view',
      { timeout: 8000 },
    );
  });

  it('recalls an own message from the keyboard; the peer sees it recalled too', async () => {
    const el = await open();
    await store().send(peer.username, 'oops, wrong chat');
    await waitUntil(
      () => bubble(el, 'oops, wrong chat')?.querySelector('[part="recall-button"]'),
      '',
      {
        timeout: 8000,
      },
    );
    const recall = bubble(el, 'oops, wrong chat')!.querySelector<HTMLButtonElement>(
      '[part="recall-button"]',
    )!;
    recall.focus();
    expect(getComputedStyle(recall).opacity).to.equal('1');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bubble(el, 'You recalled a message'), 'recalled here', {
      timeout: 8000,
    });
    expect(bubble(el, 'oops, wrong chat')).to.equal(undefined);
    await waitUntil(() => peer.events.some((e) => e.kind === 'recall'), 'the peer is told');
    await expect(el).to.be.accessible();
  });

  it('offers Recall within the app’s own window only, and takes it away when the window ends', async () => {
    const app = `${uniqueName('org')}#chat`;
    const added = await serverCli(serverId, ['app', 'add', app, '--recall-seconds', '2']);
    expect(added.code, added.stderr).to.equal(0);
    const short = getChatStore(app, url);
    const [author, reader] = [uniqueName('me'), uniqueName('peer')];
    await short.register({ username: author, password: PASSWORD });
    await short.register({ username: reader, password: PASSWORD });
    await short.login({ username: author, password: PASSWORD });
    try {
      await waitUntil(
        async () => (await firstValueFrom(short.limits$)).recallSeconds === 2,
        'the app’s recall window',
      );
      const el = await fixture<ChatWindow>(
        html`<chat-window app-key=${app} api-url=${url} conversation=${reader}></chat-window>`,
      );
      await short.send(reader, 'quick, take it back');
      const button = () =>
        bubble(el, 'quick, take it back')?.querySelector('[part="recall-button"]');
      await waitUntil(button, 'Recall offered', { timeout: 8000 });
      await waitUntil(() => !button(), 'Recall withdrawn after two seconds', { timeout: 8000 });
    } finally {
      await short.logout({ wipe: true });
    }
  });

  it("shows the peer's recalled message as a notice", async () => {
    const el = await open();
    const answer = await peer.send(me, 'I take that back');
    await waitUntil(() => bubble(el, 'I take that back'), 'arrives', { timeout: 8000 });
    expect(answer.t).to.equal('ack');
    if (answer.t !== 'ack') return;
    const reply = await peer.recall(answer.mid, me);
    expect(reply.t).to.equal('recalled');
    await waitUntil(() => bubble(el, 'Message recalled'), 'recalled', { timeout: 8000 });
    expect(bubble(el, 'I take that back')).to.equal(undefined);
    expect(bubble(el, 'Message recalled')!.querySelector('[part="recall-button"]')).to.equal(null);
  });
});
