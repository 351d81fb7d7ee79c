// One connection per browser (issue 12): two tabs of one origin, signed in as the same user, share
// one WebSocket. The tabs are two same-origin iframes, each with its own store in its own realm
// (tab-page.ts); the server counts the sockets in its own request log; removing the iframe that
// holds the socket is the tab closing, and the other takes over with nothing lost or doubled.
import { expect } from '@open-wc/testing';
import type { ChatStore } from '../../src/store/chat-store.js';
import type { ChatMessage } from '../../src/store/types.js';
import { serverLog, uniqueName } from '../support/servers.js';
import type { TabPage } from './tab-page.js';
import {
  cleanUp,
  deleteAfter,
  newStore,
  ownServer,
  signIn,
  signUp,
  until,
} from './store-fixtures.js';

const frames: HTMLIFrameElement[] = [];

afterEach(async () => {
  for (const frame of frames.splice(0)) frame.remove();
  await cleanUp();
});

/** A new tab: a same-origin iframe running tab-page.ts. */
async function openTab(): Promise<TabPage> {
  const frame = document.createElement('iframe');
  const module = new URL('./tab-page.ts', import.meta.url).href;
  frame.srcdoc = `<!doctype html><script type="module" src="${module}"></script>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  frames.push(frame);
  await loaded;
  const page = (frame.contentWindow as { tabPage?: TabPage } | null)?.tabPage;
  if (!page) throw new Error('the tab page did not load');
  return page;
}

/** Closes the tab of `page`, as the browser does: its document, socket and locks go at once. */
function closeTab(page: TabPage): void {
  const frame = frames.find((f) => (f.contentWindow as { tabPage?: TabPage }).tabPage === page);
  if (!frame) throw new Error('no such tab');
  frame.remove();
  frames.splice(frames.indexOf(frame), 1);
}

/** WebSocket upgrades the server has served so far, by its own log of requests. */
async function socketsOpened(serverId: string): Promise<number> {
  const log = await serverLog(serverId);
  return log
    .split('\n')
    .filter((line) => line.includes('incoming request') && line.includes('/websocket?')).length;
}

const texts = (list: ChatMessage[]) => list.map((m) => m.text);

describe('store: one connection per browser', function () {
  this.timeout(120_000);

  it('shares one socket between two tabs, hands it over when its tab closes, loses and doubles nothing', async () => {
    const server = await ownServer({ OPENWEBIM_LOG_LEVEL: 'debug' });
    const bobStore = newStore(server.url, uniqueName('pbob'));
    const alice = await signUp(bobStore);
    const bob = await signUp(bobStore);
    await signIn(bobStore, bob);
    expect(await socketsOpened(server.id)).to.equal(1);

    // Two tabs of one browser: the first signs in, the second resumes the saved session.
    const prefix = deleteAfter(uniqueName('ptabs'));
    const page1 = await openTab();
    const page2 = await openTab();
    const tab1 = page1.store(server.url, prefix);
    await tab1.login({ username: alice, password: 'correct horse battery' });
    await page1.until(tab1.status$, (s) => s === 'online', 'tab 1 online');
    const tab2 = page2.store(server.url, prefix);
    await page2.until(tab2.status$, (s) => s === 'online', 'tab 2 online');
    expect(await socketsOpened(server.id), 'one socket for both tabs').to.equal(2);

    // Both show what arrives, and what either sends goes out on tab 1's socket.
    await bobStore.send(alice, 'hello tabs');
    for (const [page, tab] of [
      [page1, tab1],
      [page2, tab2],
    ] as [TabPage, ChatStore][])
      await page.until(tab.messages$(bob), (l) => texts(l).includes('hello tabs'), 'both show it');
    await tab2.send(bob, 'from tab 2');
    await until(bobStore.messages$(alice), (l) => texts(l).includes('from tab 2'), 'bob has it');
    await page1.until(tab1.messages$(bob), (l) => texts(l).includes('from tab 2'), 'tab 1 too');
    expect(await socketsOpened(server.id)).to.equal(2);

    // Tab 1 closes; messages go both ways while tab 2 takes the socket over.
    closeTab(page1);
    const mine = ['after 1', 'after 2', 'after 3'];
    const theirs = ['back 1', 'back 2', 'back 3'];
    for (let i = 0; i < 3; i += 1) {
      await tab2.send(bob, mine[i]!);
      await bobStore.send(alice, theirs[i]!);
    }
    const all = ['hello tabs', 'from tab 2', ...mine, ...theirs];
    const shown = await page2.until(
      tab2.messages$(bob),
      (l) =>
        all.every((t) => texts(l).includes(t)) &&
        l.every((m) => m.from !== alice || m.status === 'sent'),
      'tab 2 has everything, its own sent',
    );
    expect(texts(shown).filter((t) => mine.includes(t))).to.deep.equal(mine);
    expect(texts(shown).filter((t) => theirs.includes(t))).to.deep.equal(theirs);
    expect(shown.length, 'nothing shown twice').to.equal(all.length);
    const bobs = await until(
      bobStore.messages$(alice),
      (l) => mine.every((t) => texts(l).includes(t)),
      'bob has what tab 2 sent',
    );
    expect(texts(bobs).filter((t) => mine.includes(t))).to.deep.equal(mine);
    expect(bobs.length).to.equal(all.length);
    expect(await socketsOpened(server.id), 'one new socket, tab 2’s').to.equal(3);

    // Once each on the server too: a new device of Bob's pages the conversation in.
    const other = newStore(server.url, uniqueName('pbob2'));
    await signIn(other, bob);
    await other.openConversation(alice);
    const history = await until(other.messages$(alice), (l) => l.length >= all.length, 'history');
    expect(texts(history).sort()).to.deep.equal([...all].sort());
    expect((await other.loadOlder(alice)).added).to.equal(0);
  });
});
