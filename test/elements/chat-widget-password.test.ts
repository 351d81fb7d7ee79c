// The widget's "Change password" form against a real server: loaded when first shown, refusals in
// plain words, and a change that signs the user's other sessions out while this one goes on.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/chat-widget/chat-widget.js';
import type { ChatWidget } from '../../src/elements/chat-widget/chat-widget.js';
import { ChatStore } from '../../src/store/chat-store.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, registerUser } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(root: Element, selector: string) =>
  root.shadowRoot!.querySelector<T & Element>(selector) as T;

describe('chat-widget: change password', function () {
  this.timeout(60_000);
  let other: ChatStore | undefined;

  afterEach(async () => {
    await other?.dispose();
    other = undefined;
    await store().logout({ wipe: true });
  });

  it('is not loaded before it is asked for; then changes the password and signs other sessions out', async () => {
    const me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    other = new ChatStore({ appKey: APP_KEY, apiUrl: url, databasePrefix: uniqueName('dev') });
    await other.login({ username: me, password: PASSWORD });

    const el = await fixture<ChatWidget>(
      html`<chat-widget app-key=${APP_KEY} api-url=${url} open></chat-widget>`,
    );
    await el.updateComplete;
    expect(customElements.get('chat-password'), 'a chunk of its own').to.equal(undefined);
    const toggle = $<HTMLButtonElement>(el, '[part="password-button"]');
    expect(toggle.getAttribute('aria-label')).to.equal('Change password');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');

    // Shown once its chunk has loaded, and then the focus goes into it: await that, not just the
    // element's define() (which comes before the load has settled and the widget re-rendered).
    const focused = new Promise((resolve) =>
      el.addEventListener('focusin', resolve, { once: true }),
    );
    toggle.click();
    await focused;
    const form = $(el, 'chat-password');
    await (form as unknown as ChatWidget).updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect($(el, 'chat-roster')).to.equal(null);
    await expect(el).to.be.accessible();
    const field = (name: string) => $<HTMLInputElement>(form, `input[name="${name}"]`);
    expect(form.shadowRoot!.activeElement, 'focus on the current password').to.equal(
      field('current'),
    );
    const fill = async (current: string, next: string, repeat: string) => {
      field('current').value = current;
      field('new').value = next;
      field('repeat').value = repeat;
      field('repeat').focus();
      await sendKeys({ press: 'Enter' });
    };
    const error = () => $(form, '[part="error"]').textContent!.trim();

    await fill(PASSWORD, 'first new', 'first nwe');
    await (form as unknown as ChatWidget).updateComplete;
    expect(error()).to.equal('The two new passwords differ.');

    /** The alert's next words: it is emptied when the form is sent, then says why it failed. */
    const nextError = () =>
      new Promise<string>((resolve) => {
        const alert = $(form, '[part="error"]');
        const seen = new MutationObserver(() => {
          if (!error()) return;
          seen.disconnect();
          resolve(error());
        });
        seen.observe(alert, { childList: true, characterData: true, subtree: true });
      });
    const refused = nextError();
    await fill('not my password', 'first new', 'first new');
    expect(await refused).to.equal('Wrong password.');
    expect(await firstValueFrom(other.status$)).to.equal('online');

    const changed = new Promise((resolve) =>
      el.addEventListener('chat-password-change', resolve, { once: true }),
    );
    const otherSignedOut = firstValueFrom(other.error$);
    await fill(PASSWORD, 'first new', 'first new');
    await changed;
    await (form as unknown as ChatWidget).updateComplete;
    expect(error()).to.equal('');
    expect($(form, '[part="status"]').textContent!.trim()).to.equal(
      'Password changed. Your other devices and tabs were signed out.',
    );
    expect(field('new').value, 'the form is cleared').to.equal('');
    expect((await otherSignedOut).message).to.equal(
      'Your password was changed. Sign in with the new one.',
    );
    // This one goes on, signed in.
    expect((await firstValueFrom(store().user$))?.username).to.equal(me);

    toggle.click();
    await el.updateComplete;
    expect($(el, 'chat-password')).to.equal(null);
    expect($(el, 'chat-roster')).to.exist;
  });
});
