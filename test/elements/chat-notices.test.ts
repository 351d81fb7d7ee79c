import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { ChatNotices } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer } from '../support/servers.js';
import { APP_KEY } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

describe('chat-notices', () => {
  const user = signedIn(url);

  it('announces what happened to me politely, until dismissed', async () => {
    const bob = await user.peer('bob');
    const el = await fixture<ChatNotices>(
      html`<chat-notices app-key=${APP_KEY} api-url=${url}></chat-notices>`,
    );
    const region = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(region.getAttribute('aria-live')).to.equal('polite');
    await expect(el).to.be.accessible();

    await store().addContact(bob.username);
    await bob.rest('POST', `/users/{me}/contacts/requests/${user.me}/accept`);
    const notice = () => el.shadowRoot!.querySelector('[part="notice"]');
    await waitUntil(notice, 'a notice shows', { timeout: 8000 });
    expect(notice()!.textContent).to.contain(bob.username);
    expect(region.contains(notice()), 'inside the live region').to.equal(true);
    await expect(el).to.be.accessible();

    el.shadowRoot!.querySelector<HTMLElement>('[part="dismiss-button"]')!.click();
    await el.updateComplete;
    expect(notice()).to.equal(null);
  });

  it('takes a notice away by itself after its timeout', async () => {
    const bob = await user.peer('bob');
    const el = await fixture<ChatNotices>(
      html`<chat-notices app-key=${APP_KEY} api-url=${url} timeout="400"></chat-notices>`,
    );
    expect(el.timeout, 'the attribute sets it').to.equal(400);
    await store().addContact(bob.username);
    await bob.rest('POST', `/users/{me}/contacts/requests/${user.me}/accept`);
    const notice = () => el.shadowRoot!.querySelector('[part="notice"]');
    await waitUntil(notice, 'a notice shows', { timeout: 8000 });
    const shown = performance.now();
    // Far below the default 8 s: only the shorter timeout can pass this.
    await waitUntil(() => !notice(), 'the notice goes by itself', { timeout: 3000 });
    expect(performance.now() - shown, 'not before its time').to.be.greaterThan(300);
  });
});
