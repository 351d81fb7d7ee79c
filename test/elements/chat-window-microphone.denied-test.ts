// Runs only in web-test-runner.config.mjs's `microphone-denied` group: a Chromium launched with
// `--use-fake-ui-for-media-stream=deny`, the browser's own answer when a person blocks the
// microphone. (The main run's Chromium grants its synthetic microphone without asking, and that
// grant does not yield to a permission set through the DevTools protocol.) The file name keeps it
// out of the `*.test.ts` globs, which that main run uses.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, registerUser } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

describe('chat-window with the microphone blocked', () => {
  afterEach(() => store().logout({ wipe: true }));

  it('says in plain words that the microphone is blocked and stays ready to record', async () => {
    const me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    await waitUntil(async () => (await firstValueFrom(store().status$)) === 'online', 'online');
    const el = await fixture<ChatWindow>(
      html`<chat-window app-key=${APP_KEY} api-url=${url} conversation="someone"></chat-window>`,
    );
    const record = el.shadowRoot!.querySelector<HTMLElement>('[part="record-button"]')!;
    expect(record.getAttribute('aria-label')).to.equal('Record a voice message');
    record.click();
    const error = el.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!;
    await waitUntil(() => error.textContent!.trim(), 'an explanation', { timeout: 8000 });
    expect(error.textContent!.trim()).to.equal(
      'The microphone is blocked. Allow it for this site in the browser to record.',
    );
    expect(record.getAttribute('aria-label')).to.equal('Record a voice message');
    expect(record.classList.contains('primary')).to.equal(false);
  });
});
