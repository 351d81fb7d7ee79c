// <chat-cues>: the widget's attention cues for a page without <chat-widget>, such as the team's
// inbox (issue 12), against a real server with a peer over the real protocol. The page is a
// same-origin iframe (cues-tab-page.ts) with its own store, recorded notifications and an
// AudioContext spy; it has no focus (the test page has it), so the person is not looking.
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { mainServer, uniqueName } from '../support/servers.js';
import type { CuesTab } from './cues-tab-page.js';
import { APP_KEY, PASSWORD, type Peer, connectPeer, registerUser } from './peer.js';

const { url } = await mainServer();
const frames: HTMLIFrameElement[] = [];
const peers: Peer[] = [];

async function openPage(): Promise<[CuesTab, HTMLIFrameElement]> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 320px; height: 240px';
  const module = new URL('./cues-tab-page.ts', import.meta.url).href;
  frame.srcdoc = `<!doctype html><title>Inbox</title><body style="margin:0;height:100vh"><script type="module" src="${module}"></script>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  frames.push(frame);
  await loaded;
  const tab = (frame.contentWindow as { cuesTab?: CuesTab } | null)?.cuesTab;
  if (!tab) throw new Error('the page did not load');
  return [tab, frame];
}

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  const last = (frames.at(-1)?.contentWindow as { cuesTab?: CuesTab } | null)?.cuesTab;
  await last?.store(APP_KEY, url).logout({ wipe: true });
  for (const frame of frames.splice(0)) frame.remove();
});

async function signedIn(attributes: Record<string, string>) {
  const me = uniqueName('me');
  await registerUser(url, me);
  const dan = uniqueName('dan');
  const peer = await connectPeer(url, dan);
  peers.push(peer);
  const [page, frame] = await openPage();
  await page.mountCues(APP_KEY, url, attributes);
  const store = page.store(APP_KEY, url);
  await store.login({ username: me, password: PASSWORD });
  await page.until(store.status$, (s) => s === 'online');
  // The person has used the page before (browsers allow sound only then); its focus goes back.
  const { left, top } = frame.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(left + 8), Math.round(top + 8)] });
  document.body.focus();
  window.focus();
  return { me, dan, peer, page, frame, store };
}

describe('chat-cues', function () {
  this.timeout(60_000);

  it('counts in the title, sounds and notifies; clicking the notification opens the conversation', async () => {
    const { me, dan, peer, page, frame, store } = await signedIn({ notifications: '' });
    const doc = frame.contentDocument!;
    expect(doc.hasFocus(), 'the page has no focus').to.equal(false);
    const notified = page.nextNotification();
    await peer.send(me, 'first');
    expect(await notified).to.equal('first');
    await page.until(store.totalUnread$, (n) => n === 1);
    expect(doc.title).to.equal('(1) Inbox');
    expect(page.tones(), 'a sound').to.be.greaterThan(0);

    page.clickNotification('first');
    expect(page.focusCalls(), 'the page focused').to.equal(1);
    await page.until(store.activeConversation$, (id) => id === dan);
    await page.until(store.totalUnread$, (n) => n === 0);
    expect(doc.title, 'restored once read').to.equal('Inbox');
    // The person looks at it now (it has focus): what comes is read there, and not cued.
    expect(doc.hasFocus(), 'the page has focus').to.equal(true);
    await peer.send(me, 'while looking');
    await page.until(store.messages$(dan), (l) => l.at(-1)?.text === 'while looking');
    expect(page.shown).to.deep.equal(['first']);
    expect(doc.title).to.equal('Inbox');
  });

  it('turns each cue off as the widget does', async () => {
    const { me, peer, page, frame, store } = await signedIn({
      sound: 'off',
      'title-count': 'off',
    });
    await peer.send(me, 'quiet');
    await page.until(store.totalUnread$, (n) => n === 1);
    expect(frame.contentDocument!.title).to.equal('Inbox');
    expect(page.tones()).to.equal(0);
    expect(page.shown, 'notifications are off unless asked for').to.deep.equal([]);
  });

  it('cues once with a widget of the same user in the page', async () => {
    const { me, peer, page, frame, store } = await signedIn({ notifications: '' });
    await page.mount(APP_KEY, url);
    const notified = page.nextNotification();
    await peer.send(me, 'once');
    expect(await notified).to.equal('once');
    await page.until(store.totalUnread$, (n) => n === 1);
    expect(frame.contentDocument!.title).to.equal('(1) Inbox');
    const last = page.nextNotification();
    await peer.send(me, 'twice?');
    expect(await last).to.equal('twice?');
    expect(page.shown).to.deep.equal(['once', 'twice?']);
  });
});
