// <chat-widget>'s sound and notifications come once per message across the tabs of one user, in
// the tab the visitor used last (issue 12), against a real server with a peer over the real
// protocol. The tabs are same-origin iframes, each with its widget and store in its own realm
// (cues-tab-page.ts); a click in one is the visitor's own (sendMouse); removing an iframe is
// closing its tab.
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { mainServer, uniqueName } from '../support/servers.js';
import type { ChatWidget } from '../../src/elements/index.js';
import type { CuesTab } from './cues-tab-page.js';
import { APP_KEY, PASSWORD, type Peer, connectPeer, registerUser } from './peer.js';

const { url } = await mainServer();
const frames: HTMLIFrameElement[] = [];
const peers: Peer[] = [];

async function openTab(): Promise<[CuesTab, HTMLIFrameElement]> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 320px; height: 240px';
  const module = new URL('./cues-tab-page.ts', import.meta.url).href;
  frame.srcdoc = `<!doctype html><body style="margin:0;height:100vh"><script type="module" src="${module}"></script>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  frames.push(frame);
  await loaded;
  const tab = (frame.contentWindow as { cuesTab?: CuesTab } | null)?.cuesTab;
  if (!tab) throw new Error('the tab page did not load');
  return [tab, frame];
}

/** A click of the visitor's own in the tab (its top left corner, away from the launcher). */
async function clickIn(frame: HTMLIFrameElement): Promise<void> {
  const { left, top } = frame.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(left + 8), Math.round(top + 8)] });
}

/** Every notification of every tab, by body, in the order shown (a closed tab's too). */
const everywhere: string[] = [];
let onAnyShown: ((body: string) => void) | undefined;
(window as { cueShown?: (body: string) => void }).cueShown = (body) => {
  everywhere.push(body);
  onAnyShown?.(body);
};
/** The next notification `body` shown in any tab. */
const shownAnywhere = (body: string) =>
  new Promise<void>((resolve) => {
    onAnyShown = (shown) => shown === body && resolve();
  });

/** Closes the tab of `frame`, as the browser does: its document, channel and locks go at once. */
function closeTab(frame: HTMLIFrameElement): void {
  frame.remove();
  frames.splice(frames.indexOf(frame), 1);
}

/** The visitor clicks in `tab`; resolves once its click has taken the cue lock. */
async function useTab(
  tab: { tab: CuesTab; frame: HTMLIFrameElement; widget: ChatWidget },
  me: string,
): Promise<void> {
  const name = `openwebim:cues:${APP_KEY}:${me}`;
  await tab.tab.sharing(tab.widget, name);
  await clickIn(tab.frame);
  // The cue lock is granted in the order asked: once this is answered, the click has taken it.
  await navigator.locks.request(name, { ifAvailable: true }, () => 0);
}

afterEach(async () => {
  everywhere.length = 0;
  onAnyShown = undefined;
  for (const peer of peers.splice(0)) peer.close();
  const last = (frames.at(-1)?.contentWindow as { cuesTab?: CuesTab } | null)?.cuesTab;
  await last?.store(APP_KEY, url).logout({ wipe: true });
  for (const frame of frames.splice(0)) frame.remove();
});

describe('chat-widget attention cues across tabs', function () {
  this.timeout(60_000);

  it('sounds and notifies once per message, in the tab used last, and in another once it closes', async () => {
    const me = uniqueName('me');
    await registerUser(url, me);
    const peer = await connectPeer(url, uniqueName('dan'));
    peers.push(peer);
    const storeOf = (tab: CuesTab) => tab.store(APP_KEY, url);
    // Tab A signs in; tab B, opened next, resumes the session and shares tab A's socket.
    const [tabA] = await openTab();
    await tabA.mount(APP_KEY, url);
    await storeOf(tabA).login({ username: me, password: PASSWORD });
    await tabA.until(storeOf(tabA).status$, (s) => s === 'online');
    const [tabB, frameB] = await openTab();
    const widgetB = await tabB.mount(APP_KEY, url);
    await tabB.until(storeOf(tabB).status$, (s) => s === 'online');

    // The visitor clicks in tab B: B cues from now on, whichever tab's store takes the message.
    await useTab({ tab: tabB, frame: frameB, widget: widgetB }, me);
    let notified = tabB.nextNotification();
    await peer.send(me, 'first');
    expect(await notified).to.equal('first');
    notified = tabB.nextNotification();
    await peer.send(me, 'second');
    expect(await notified).to.equal('second');
    await tabA.until(storeOf(tabA).totalUnread$, (n) => n === 2);
    expect(tabB.shown).to.deep.equal(['first', 'second']);
    expect(tabA.shown, 'none in the other tab').to.deep.equal([]);
    expect(tabB.tones()).to.be.greaterThan(0);
    expect(tabA.tones()).to.equal(0);

    // Tab B closes: tab A cues what comes next.
    frameB.remove();
    frames.splice(frames.indexOf(frameB), 1);
    notified = tabA.nextNotification();
    await peer.send(me, 'third');
    expect(await notified).to.equal('third');
    expect(tabA.shown).to.deep.equal(['third']);
  });

  it('cues each message once while the lock moves: the tab that cues closes as a message comes', async () => {
    const me = uniqueName('me');
    await registerUser(url, me);
    const peer = await connectPeer(url, uniqueName('dan'));
    peers.push(peer);
    const storeOf = (tab: CuesTab) => tab.store(APP_KEY, url);
    const open = async () => {
      const [tab, frame] = await openTab();
      const widget = await tab.mount(APP_KEY, url);
      await tab.until(storeOf(tab).status$, (s) => s === 'online');
      return { tab, frame, widget };
    };
    // Tab A signs in and holds the socket; the others resume its session and share it.
    const [tabA, frameA] = await openTab();
    const widgetA = await tabA.mount(APP_KEY, url);
    await storeOf(tabA).login({ username: me, password: PASSWORD });
    await tabA.until(storeOf(tabA).status$, (s) => s === 'online');
    const tabs = [{ tab: tabA, frame: frameA, widget: widgetA }, await open(), await open()];

    /**
     * The visitor uses `holder`'s tab; `text` comes, and that tab closes the moment the first tab
     * stores it (that tab's store says it is new): at once when it is another tab, which hands the
     * message to the closing one, or right after its own task when it is the holder itself.
     */
    const round = async (holder: (typeof tabs)[number], text: string) => {
      // Every tab shares its cues (a tab alone cues what it stores itself).
      for (const { tab, widget } of tabs)
        await tab.sharing(widget, `openwebim:cues:${APP_KEY}:${me}`);
      await useTab(holder, me);
      let closed = false;
      for (const { tab, frame } of tabs)
        tab.onIncoming(storeOf(tab), (message) => {
          if (message.text !== text || closed) return;
          closed = true;
          if (frame === holder.frame) setTimeout(() => closeTab(holder.frame));
          else closeTab(holder.frame);
        });
      const cued = shownAnywhere(text);
      await peer.send(me, text);
      await cued;
      expect(closed, 'the tab closed as the message came').to.equal(true);
      tabs.splice(tabs.indexOf(holder), 1);
      tabs.push(await open());
    };
    // A follower tab cues: the socket's tab stores the message and hands it over as it closes.
    await round(tabs[1]!, 'one');
    // The tab that cues holds the socket too: both locks move at once.
    await round(tabs[0]!, 'two');
    await round(tabs[1]!, 'three');
    const cued = shownAnywhere('last');
    await peer.send(me, 'last');
    await cued;
    expect(everywhere, 'each once, in all the tabs').to.deep.equal(['one', 'two', 'three', 'last']);
  });

  it('notifies once for two widgets of the user in one tab, and counts the title once', async () => {
    const me = uniqueName('me');
    await registerUser(url, me);
    const peer = await connectPeer(url, uniqueName('dan'));
    peers.push(peer);
    const [tab, frame] = await openTab();
    await tab.mount(APP_KEY, url);
    await tab.mountAnother(APP_KEY, url);
    const store = tab.store(APP_KEY, url);
    await store.login({ username: me, password: PASSWORD });
    await tab.until(store.status$, (s) => s === 'online');
    const title = 'Shop';
    frame.contentDocument!.title = title;
    let notified = tab.nextNotification();
    await peer.send(me, 'first');
    expect(await notified).to.equal('first');
    notified = tab.nextNotification();
    await peer.send(me, 'second');
    expect(await notified).to.equal('second');
    expect(tab.shown).to.deep.equal(['first', 'second']);
    expect(frame.contentDocument!.title).to.equal(`(2) ${title}`);
  });

  it('shows a notification in the tab used last; clicking it focuses that tab and opens the conversation', async () => {
    const me = uniqueName('me');
    await registerUser(url, me);
    const dan = uniqueName('dan');
    const peer = await connectPeer(url, dan);
    peers.push(peer);
    const storeOf = (tab: CuesTab) => tab.store(APP_KEY, url);
    const [tabA] = await openTab();
    const widgetA = await tabA.mount(APP_KEY, url);
    await storeOf(tabA).login({ username: me, password: PASSWORD });
    await tabA.until(storeOf(tabA).status$, (s) => s === 'online');
    const [tabB, frameB] = await openTab();
    const widgetB = await tabB.mount(APP_KEY, url);
    await tabB.until(storeOf(tabB).status$, (s) => s === 'online');
    const [tabC] = await openTab();
    const widgetC = await tabC.mount(APP_KEY, url);
    await tabC.until(storeOf(tabC).status$, (s) => s === 'online');

    await useTab({ tab: tabB, frame: frameB, widget: widgetB }, me);
    const notified = tabB.nextNotification();
    await peer.send(me, 'hello there');
    expect(await notified).to.equal('hello there');
    expect(everywhere).to.deep.equal(['hello there']);

    tabB.clickNotification('hello there');
    expect(tabB.focusCalls(), 'tab B focused').to.equal(1);
    await tabB.until(storeOf(tabB).activeConversation$, (id) => id === dan);
    await tabB.until(storeOf(tabB).totalUnread$, (n) => n === 0);
    await widgetB.updateComplete;
    expect(widgetB.open, 'tab B’s panel opened').to.equal(true);
    expect([widgetA.open, widgetC.open], 'the other tabs’ panels stay closed').to.deep.equal([
      false,
      false,
    ]);
    expect([tabA.focusCalls(), tabC.focusCalls()]).to.deep.equal([0, 0]);
  });
});
