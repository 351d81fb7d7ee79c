// Right to left, as seen: the same conversation in English, in Arabic (shipped) and in Hebrew (a
// locale the site adds with `strings`) is compared pixel by pixel with screenshots committed in
// test/elements/screenshots/baseline/ (@web/test-runner-visual-regression, pixelmatch). A window
// that lays out the wrong way (the bubbles or the composer not mirrored, a name or a message
// re-ordered by the bidi algorithm) differs from its baseline and fails.
//
// Stable by construction: one font (DejaVu Sans, which Debian's fontconfig installs with Chromium
// and .ci/run makes sure of), a fixed size, a server of the file's own (so the peer's name is the
// same every run, not a generated one), no focused field (no caret), and the messages' times
// hidden (they change every run).
// After an intended change of the window's look, run this file with
// `npx web-test-runner "test/elements/chat-window-rtl.visual.test.ts" --update-visual-baseline`,
// look at the new images and commit them.
import { fixture, html } from '@open-wc/testing';
import { visualDiff } from '@web/test-runner-visual-regression';
import { filter, firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import type { LocaleStrings } from '../../src/elements/locale/locale-controller.js';
import { getChatStore } from '../../src/store/index.js';
import { disposeServer, startServer, type TestServer } from '../support/servers.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

let server: TestServer;
let url = '';
const store = () => getChatStore(APP_KEY, url);

/** Lines of both directions, each with a part of the other. */
const lines = {
  mine: 'See you at 10, ok?',
  arabic: 'أراك في العاشرة، اتفقنا؟ OK',
  hebrew: 'נתראה ב-10, בסדר? OK',
};

/** A Hebrew locale of the site's own: a few strings, the rest from English. */
const hebrew: LocaleStrings = {
  he: {
    'window.placeholder': 'כתבו הודעה…',
    'window.send': 'שליחה',
    'window.online': 'מחובר',
  },
};

/** Resolves once `el` shows `count` message bubbles. */
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

describe('chat-window right to left, screenshots', () => {
  let peer: Peer;

  before(async () => {
    server = await startServer();
    url = server.url;
    const me = 'omar';
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    peer = await connectPeer(url, 'sara');
    const all = firstValueFrom(
      store()
        .messages$(peer.username)
        .pipe(filter((m) => m.length >= 3 && m.every((x) => x.status !== 'pending'))),
    );
    await store().openConversation(peer.username);
    await store().send(peer.username, lines.mine);
    await peer.send(me, lines.arabic);
    await peer.send(me, lines.hebrew);
    await all;
  });

  after(async () => {
    peer.close();
    await store().logout({ wipe: true });
    await disposeServer(server.id);
  });

  async function shown(lang: string, strings?: LocaleStrings): Promise<ChatWindow> {
    const el = await fixture<ChatWindow>(
      html`<div>
        <style>
          chat-window {
            display: flex;
            width: 360px;
            height: 420px;
            --chat-font-family: 'DejaVu Sans';
          }
          chat-window::part(message-meta) {
            display: none;
          }
        </style>
        <chat-window
          lang=${lang}
          .strings=${strings}
          app-key=${APP_KEY}
          api-url=${url}
          conversation=${peer.username}
        ></chat-window>
      </div>`,
    ).then((wrapper) => wrapper.querySelector('chat-window')!);
    await bubblesShown(el, 3);
    await el.updateComplete;
    // The fonts the window uses, loaded before the picture is taken.
    await document.fonts.ready;
    return el;
  }

  it('English, left to right (the reference the others mirror)', async () => {
    await visualDiff(await shown('en'), 'chat-window-en');
  });

  it('Arabic, right to left', async () => {
    await visualDiff(await shown('ar'), 'chat-window-ar');
  });

  it('Hebrew, a locale the site adds, right to left', async () => {
    await visualDiff(await shown('he', hebrew), 'chat-window-he');
  });
});
