// <chat-widget>'s sound and notifications come once per message across the tabs of one user, in
// the tab the visitor used last (issue 12), against a real server with a peer over the real
// protocol. The tabs are same-origin iframes, each with its widget and store in its own realm
// (cues-tab-page.ts); a click in one is the visitor's own (sendMouse); removing an iframe is
// closing its tab.
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { mainServer, uniqueName } from '../support/servers.js';
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

afterEach(async () => {
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
    await tabB.mount(APP_KEY, url);
    await tabB.until(storeOf(tabB).status$, (s) => s === 'online');

    // The visitor clicks in tab B: B cues from now on, whichever tab's store takes the message.
    await clickIn(frameB);
    // The cue lock is granted in the order asked: once this is answered, B's click has taken it.
    await navigator.locks.request(
      `openwebim:cues:${APP_KEY}:${me}`,
      { ifAvailable: true },
      () => undefined,
    );
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
});
