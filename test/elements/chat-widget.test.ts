import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatRoster, ChatWidget } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import {
  disposeServer,
  mainServer,
  serverCli,
  startServer,
  uniqueName,
} from '../support/servers.js';
import { eventLog, nextEvent } from './event-log.js';
import { APP_KEY, PASSWORD, connectPeer, fetchToken, registerUser, type Peer } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const launcher = (el: ChatWidget) => $<HTMLButtonElement>(el, '[part="launcher"]');
const panel = (el: ChatWidget) => $(el, '[part="panel"]');
/** The element that has focus, looking through shadow roots. */
function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
const description = (el: ChatWidget) =>
  $(el, `#${launcher(el).getAttribute('aria-describedby')}`).textContent!.trim();

describe('chat-widget', () => {
  let peer: Peer | undefined;

  afterEach(async () => {
    peer?.close();
    peer = undefined;
    await store().logout({ wipe: true });
  });

  const widget = (open = false) =>
    fixture<ChatWidget>(
      html`<chat-widget app-key=${APP_KEY} api-url=${url} ?open=${open}></chat-widget>`,
    );

  it('is accessible closed and open, and exposes its parts', async () => {
    const el = await widget();
    await expect(el).to.be.accessible();
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open chat');
    expect(launcher(el).getAttribute('aria-expanded')).to.equal('false');
    expect(panel(el).hidden).to.equal(true);
    launcher(el).click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
    expect(panel(el).getAttribute('role')).to.equal('dialog');
    expect(panel(el).getAttribute('aria-label')).to.equal('Chat');
    for (const part of ['launcher', 'panel', 'header', 'title', 'close-button', 'body']) {
      expect($(el, `[part~="${part}"]`), part).to.exist;
    }
    const login = $(el, 'chat-login');
    expect(login.getAttribute('exportparts')).to.contain('submit-button');
  });

  it('opens and closes from the launcher, moving focus in and back', async () => {
    const el = await widget();
    const log = eventLog(el);
    launcher(el).focus();
    const opened = nextEvent(el, 'chat-open-change');
    await sendKeys({ press: 'Enter' });
    expect((await opened).open).to.equal(true);
    expect(el.open).to.equal(true);
    expect(el.hasAttribute('open')).to.equal(true);
    expect(launcher(el).getAttribute('aria-expanded')).to.equal('true');
    expect(launcher(el).getAttribute('aria-label')).to.equal('Close chat');
    await waitUntil(() => deepActive()?.id === 'username', 'focus moves to the form');

    const closed = nextEvent(el, 'chat-open-change');
    launcher(el).click();
    expect((await closed).open).to.equal(false);
    expect(panel(el).hidden).to.equal(true);
    expect(log.map((e) => e.type)).to.deep.equal(['chat-open-change', 'chat-open-change']);
  });

  it('closes on Escape and returns focus to the launcher', async () => {
    const el = await widget();
    launcher(el).click();
    await waitUntil(() => deepActive()?.id === 'username', 'focus in the panel');
    const closed = nextEvent(el, 'chat-open-change');
    await sendKeys({ press: 'Escape' });
    expect((await closed).open).to.equal(false);
    expect(el.open).to.equal(false);
    expect(panel(el).hidden).to.equal(true);
    expect(deepActive()).to.equal(launcher(el));
  });

  it('Escape in a confirmation closes only the confirmation, and focus returns to its button', async () => {
    const me = uniqueName('me');
    const other = uniqueName('other');
    await Promise.all([registerUser(url, me), registerUser(url, other)]);
    await store().login({ username: me, password: PASSWORD });
    await store().block(other);
    const el = await widget(true);
    await waitUntil(() => $(el, 'chat-roster'), 'signed in');
    const roster = $<ChatRoster>(el, 'chat-roster');
    $(roster, '#tab-contacts').click();
    await roster.updateComplete;
    const contacts = $(roster, 'chat-contacts');
    await waitUntil(() => $(contacts, '[part="unblock-button"]'), 'the blocked list shows');
    const unblock = $(contacts, '[part="unblock-button"]');
    unblock.focus();
    await sendKeys({ press: 'Enter' });
    const dialog = $<HTMLDialogElement>(contacts, '[part="confirm-dialog"]');
    await waitUntil(() => dialog.open, 'asks first');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open, 'the confirmation closes');
    expect(el.open, 'the panel stays open').to.equal(true);
    expect(deepActive()).to.equal(unblock);
    expect(await firstValueFrom(store().blocklist$)).to.deep.equal([other]);
  });

  it('fires nothing when open is set by the page', async () => {
    const el = await widget();
    const log = eventLog(el);
    el.open = true;
    await el.updateComplete;
    expect(panel(el).hidden).to.equal(false);
    el.open = false;
    el.theme = 'dark';
    await el.updateComplete;
    expect(log).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('logs in with user + access-token, without the form', async () => {
    const me = uniqueName('tok');
    await registerUser(url, me, 'Token User');
    const token = await fetchToken(url, me);
    const el = await fixture<ChatWidget>(
      html`<chat-widget
        app-key=${APP_KEY}
        api-url=${url}
        user=${me}
        access-token=${token}
        open
      ></chat-widget>`,
    );
    await waitUntil(() => $(el, 'chat-roster'), 'signed in', { timeout: 8000 });
    expect($(el, 'chat-login')).to.equal(null);
    expect((await firstValueFrom(store().user$))?.username).to.equal(me);
    await waitUntil(() => el.getAttribute('status') === 'online', 'status reflects');
    await waitUntil(() => $(el, '[part="title"]').textContent!.includes('Token User'), 'nickname');
    await expect(el).to.be.accessible();
  });

  it('says so in plain words when the token is refused, and offers the form', async () => {
    const me = uniqueName('badtok');
    await registerUser(url, me);
    const el = await fixture<ChatWidget>(
      html`<chat-widget
        app-key=${APP_KEY}
        api-url=${url}
        user=${me}
        access-token="not-a-token"
        open
      ></chat-widget>`,
    );
    await waitUntil(() => $(el, '.body > [role="alert"]')?.textContent?.trim(), 'an error', {
      timeout: 8000,
    });
    expect($(el, '.body > [role="alert"]').textContent).to.match(/sign you in/i);
    expect($(el, 'chat-login')).to.exist;
  });

  it('shows unread messages on the launcher while closed', async () => {
    const me = uniqueName('badge');
    await registerUser(url, me);
    const el = await fixture<ChatWidget>(
      html`<chat-widget
        app-key=${APP_KEY}
        api-url=${url}
        user=${me}
        access-token=${await fetchToken(url, me)}
      ></chat-widget>`,
    );
    await waitUntil(async () => (await firstValueFrom(store().status$)) === 'online', 'online', {
      timeout: 8000,
    });
    expect($(el, '[part="badge"]')).to.equal(null);
    peer = await connectPeer(url, uniqueName('peer'));
    await peer.send(me, 'one');
    await waitUntil(() => $(el, '[part="badge"]')?.textContent === '1', 'badge shows 1', {
      timeout: 8000,
    });
    expect(description(el)).to.equal('1 unread message');
    expect(el.hasAttribute('unread')).to.equal(true);
    await peer.send(me, 'two');
    await waitUntil(() => $(el, '[part="badge"]')?.textContent === '2', 'badge rises to 2', {
      timeout: 8000,
    });
    expect(description(el)).to.equal('2 unread messages');
    await expect(el).to.be.accessible();
  });

  it('chats: roster, then window with a back button; the conversation is read when shown', async () => {
    const me = uniqueName('flow');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    peer = await connectPeer(url, uniqueName('peer'));
    await peer.send(me, 'hello from the peer');
    const el = await widget();
    await waitUntil(() => $(el, '[part="badge"]')?.textContent === '1', 'unread', {
      timeout: 8000,
    });
    launcher(el).click();
    await el.updateComplete;
    const roster = $(el, 'chat-roster');
    await waitUntil(() => roster.shadowRoot!.querySelector('[part="conversation"]'), 'listed');
    const selected = nextEvent(el, 'chat-conversation-select');
    roster.shadowRoot!.querySelector<HTMLElement>('[part="conversation"]')!.click();
    expect((await selected).conversationId).to.equal(peer.username);
    await waitUntil(() => $(el, '[part="back-button"]'), 'window view');
    const chatWindow = $(el, 'chat-window');
    expect(getComputedStyle(roster).display).to.equal('none');
    expect(getComputedStyle(chatWindow).display).not.to.equal('none');
    await waitUntil(() => deepActive()?.localName === 'textarea', 'focus in the composer');
    await waitUntil(() => !$(el, '[part="badge"]'), 'read once shown');

    const sent = nextEvent(el, 'chat-send');
    await sendKeys({ type: 'hello back' });
    await sendKeys({ press: 'Enter' });
    expect((await sent).message.text).to.equal('hello back');
    await expect(el).to.be.accessible();

    $(el, '[part="back-button"]').click();
    await waitUntil(() => !$(el, '[part="back-button"]'), 'roster view');
    expect(getComputedStyle(roster).display).not.to.equal('none');
  });

  it('counts what arrives in the open conversation while the panel is closed', async () => {
    const me = uniqueName('away');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    peer = await connectPeer(url, uniqueName('peer'));
    await store().openConversation(peer.username);
    const el = await widget(true);
    await waitUntil(() => $(el, '[part="back-button"]'), 'the conversation shows');

    launcher(el).click();
    await waitUntil(() => !el.open && panel(el).hidden, 'closed');
    await peer.send(me, 'while you were away');
    await waitUntil(() => $(el, '[part="badge"]')?.textContent === '1', 'counted as unread', {
      timeout: 8000,
    });

    launcher(el).click();
    await waitUntil(() => deepActive()?.localName === 'textarea', 'back in the conversation');
    await waitUntil(() => !$(el, '[part="badge"]'), 'read once shown again');
  });

  it('logs out from the header unless the page cancels chat-request-logout', async () => {
    const me = uniqueName('out');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    const el = await widget(true);
    await waitUntil(() => $(el, '[part="logout-button"]'), 'signed in');
    const cancel = (event: Event) => event.preventDefault();
    el.addEventListener('chat-request-logout', cancel);
    let request = nextEvent(el, 'chat-request-logout');
    $(el, '[part="logout-button"]').click();
    expect((await request).defaultPrevented).to.equal(true);
    await el.updateComplete;
    expect((await firstValueFrom(store().user$))?.username).to.equal(me);

    el.removeEventListener('chat-request-logout', cancel);
    request = nextEvent(el, 'chat-request-logout');
    $(el, '[part="logout-button"]').click();
    await request;
    await waitUntil(() => $(el, 'chat-login'), 'the form is back');
    expect(await firstValueFrom(store().user$)).to.equal(null);
  });

  it('says why when the server ends the session, above the login form', async () => {
    // A server of its own whose tokens live 3 s, under an app key no other test's store holds.
    const server = await startServer({ OPENWEBIM_TOKEN_TTL: '3' });
    try {
      const added = await serverCli(server.id, ['app', 'add', 'ttl#app']);
      expect(added.code, added.stderr).to.equal(0);
      const ttlStore = getChatStore('ttl#app', server.url);
      const me = uniqueName('ttl');
      await ttlStore.register({ username: me, password: PASSWORD });
      await ttlStore.login({ username: me, password: PASSWORD });
      const el = await fixture<ChatWidget>(
        html`<chat-widget app-key="ttl#app" api-url=${server.url} open></chat-widget>`,
      );
      await waitUntil(() => $(el, 'chat-roster'), 'signed in');
      await waitUntil(() => $(el, 'chat-login'), 'signed out when the token expired', {
        timeout: 10000,
      });
      const alert = $(el, '.body > [role="alert"]');
      await waitUntil(() => alert.textContent!.trim(), 'a reason');
      expect(alert.textContent).to.match(/expired/i);
      await expect(el).to.be.accessible();
    } finally {
      await disposeServer(server.id);
    }
  });

  it('follows a forced theme in the nested elements', async () => {
    const el = await fixture<ChatWidget>(
      html`<chat-widget app-key=${APP_KEY} api-url=${url} theme="dark" open></chat-widget>`,
    );
    const login = $(el, 'chat-login');
    expect(login.getAttribute('theme')).to.equal('dark');
    expect(getComputedStyle(login).colorScheme).to.equal('dark');
    await expect(el).to.be.accessible();
  });
});
