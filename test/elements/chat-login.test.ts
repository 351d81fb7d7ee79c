import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatLogin } from '../../src/elements/index.js';
import { getChatStore, type CurrentUser } from '../../src/store/index.js';
import { mainServer, serverCli, uniqueName } from '../support/servers.js';
import { eventLog, nextEvent } from './event-log.js';
import { APP_KEY, PASSWORD, registerUser } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const alertText = (el: Element) => $(el, '[role="alert"]').textContent!.trim();

const currentUser = (): Promise<CurrentUser | null> => firstValueFrom(store().user$);

/** Fills the visible fields and submits with Enter in the password field, as a person would. */
async function submit(el: ChatLogin, fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) {
    $<HTMLInputElement>(el, `#${name}`).value = value;
  }
  $<HTMLInputElement>(el, '#password').focus();
  await sendKeys({ press: 'Enter' });
}

/** A login form, once the store has found no saved session to resume. */
async function loginForm(appKey = APP_KEY) {
  const el = await fixture<ChatLogin>(
    html`<chat-login app-key=${appKey} api-url=${url}></chat-login>`,
  );
  await waitUntil(() => $(el, 'form'), 'the form shows', { timeout: 8000 });
  return el;
}

describe('chat-login', () => {
  afterEach(async () => {
    await store().logout({ wipe: true });
  });

  it('is accessible on both tabs, with a visible label for every field', async () => {
    const el = await loginForm();
    await expect(el).to.be.accessible();
    for (const id of ['username', 'password']) {
      expect($(el, `label[for="${id}"]`).textContent).to.match(/\w/);
    }
    expect($(el, '#nickname')).to.equal(null);
    $(el, '#tab-register').click();
    await el.updateComplete;
    expect(el.mode).to.equal('register');
    expect($(el, 'label[for="nickname"]').textContent).to.contain('Nickname');
    await expect(el).to.be.accessible();
  });

  it('exposes its parts', async () => {
    const el = await loginForm();
    for (const part of ['tabs', 'tab', 'form', 'label', 'input', 'submit-button', 'error']) {
      expect($(el, `[part~="${part}"]`), part).to.exist;
    }
  });

  it('switches tabs with the arrow keys and keeps one tab stop', async () => {
    const el = await loginForm();
    $(el, '#tab-login').focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(el.mode).to.equal('register');
    expect(el.shadowRoot!.activeElement?.id).to.equal('tab-register');
    expect($(el, '#tab-login').tabIndex).to.equal(-1);
    expect($(el, '#tab-register').getAttribute('aria-selected')).to.equal('true');
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(el.mode).to.equal('login');
  });

  it('fires nothing when its properties are set', async () => {
    const el = await loginForm();
    const log = eventLog(el);
    el.mode = 'register';
    el.appKey = 'other#app';
    el.apiUrl = url;
    await el.updateComplete;
    expect(log).to.deep.equal([]);
  });

  it('registers, logs in, logs out and logs in again through the form', async () => {
    const el = await loginForm();
    const username = uniqueName('login');
    $(el, '#tab-register').click();
    await el.updateComplete;
    const registered = nextEvent(el, 'chat-register');
    const loggedIn = nextEvent(el, 'chat-login');
    await submit(el, { username, password: PASSWORD, nickname: 'Ada <b>L</b>' });
    expect((await registered).username).to.equal(username);
    expect((await loggedIn).username).to.equal(username);
    expect(await currentUser()).to.include({ username });
    // The nickname is text, never markup.
    await waitUntil(() => $(el, '[part="signed-in"]')?.textContent?.includes('Ada <b>L</b>'));
    expect($(el, '[part="signed-in"] b')).to.equal(null);
    await expect(el).to.be.accessible();

    const logout = nextEvent(el, 'chat-request-logout');
    $(el, '[part="logout-button"]').click();
    expect((await logout).cancelable).to.equal(true);
    await waitUntil(async () => (await currentUser()) === null, 'signed out');
    await waitUntil(() => $(el, 'form'), 'the form is back');
    expect(el.mode).to.equal('login');

    const again = nextEvent(el, 'chat-login');
    await submit(el, { username, password: PASSWORD });
    expect((await again).username).to.equal(username);
    expect(await currentUser()).to.include({ username });
  });

  it('stays signed in when the page cancels chat-request-logout', async () => {
    const username = uniqueName('stay');
    await registerUser(url, username);
    await store().login({ username, password: PASSWORD });
    const el = await fixture<ChatLogin>(
      html`<chat-login app-key=${APP_KEY} api-url=${url}></chat-login>`,
    );
    await waitUntil(() => $(el, '[part="logout-button"]'), 'signed in');
    el.addEventListener('chat-request-logout', (event) => event.preventDefault());
    const logout = nextEvent(el, 'chat-request-logout');
    $(el, '[part="logout-button"]').click();
    await logout;
    await el.updateComplete;
    expect($(el, '[part="signed-in"]')).to.exist;
    expect(await currentUser()).to.include({ username });
  });

  it('shows busy while the server answers', async () => {
    const el = await loginForm();
    const username = uniqueName('busy');
    await registerUser(url, username);
    $<HTMLInputElement>(el, '#username').value = username;
    $<HTMLInputElement>(el, '#password').value = PASSWORD;
    const loggedIn = nextEvent(el, 'chat-login');
    $<HTMLFormElement>(el, 'form').requestSubmit();
    await el.updateComplete;
    expect($(el, 'form').getAttribute('aria-busy')).to.equal('true');
    expect($(el, '[part="submit-button"]').getAttribute('aria-disabled')).to.equal('true');
    expect($(el, '[part="submit-button"]').textContent).to.contain('Logging in');
    await loggedIn;
  });

  it('says in plain words that the password is wrong', async () => {
    const el = await loginForm();
    const username = uniqueName('wrong');
    await registerUser(url, username);
    const log = eventLog(el);
    await submit(el, { username, password: 'not the password' });
    await waitUntil(() => alertText(el) !== '', 'an error shows');
    expect(alertText(el)).to.match(/password/i);
    expect(alertText(el)).not.to.match(/invalid_grant|\{|type/);
    expect(log).to.deep.equal([]);
    expect($(el, '[part="submit-button"]').getAttribute('aria-disabled')).to.equal('false');
    await expect(el).to.be.accessible();
  });

  it('says in plain words that a user does not exist', async () => {
    const el = await loginForm();
    await submit(el, { username: uniqueName('ghost'), password: PASSWORD });
    await waitUntil(() => alertText(el) !== '', 'an error shows');
    expect(alertText(el)).to.match(/no user|not found|username or password/i);
  });

  it('says in plain words that a username is taken', async () => {
    const el = await loginForm();
    const username = uniqueName('taken');
    await registerUser(url, username);
    $(el, '#tab-register').click();
    await el.updateComplete;
    const log = eventLog(el);
    await submit(el, { username, password: PASSWORD });
    await waitUntil(() => alertText(el) !== '', 'an error shows');
    expect(alertText(el)).to.match(/taken|exists/i);
    expect(alertText(el)).not.to.contain('duplicate_unique_property_exists');
    expect(el.mode).to.equal('register');
    expect(log).to.deep.equal([]);
  });

  it('says in plain words that a username is not allowed', async () => {
    const el = await loginForm();
    $(el, '#tab-register').click();
    await el.updateComplete;
    await submit(el, { username: 'no spaces allowed', password: PASSWORD });
    await waitUntil(() => alertText(el) !== '', 'an error shows');
    expect(alertText(el)).to.match(/username/i);
    expect(alertText(el)).not.to.contain('illegal_argument');
  });

  it('says in plain words that registration is closed, and that an app does not exist', async () => {
    const closedApp = `closed${Date.now().toString(36)}#app`;
    const added = await serverCli('main', ['app', 'add', closedApp, '--closed-registration']);
    expect(added.code, added.stderr).to.equal(0);
    const closed = await loginForm(closedApp);
    $(closed, '#tab-register').click();
    await closed.updateComplete;
    await submit(closed, { username: uniqueName('closed'), password: PASSWORD });
    await waitUntil(() => alertText(closed) !== '', 'an error shows');
    expect(alertText(closed)).to.match(/new accounts|registration|closed/i);

    const missing = await loginForm('nosuchorg#nosuchapp');
    await submit(missing, { username: uniqueName('lost'), password: PASSWORD });
    await waitUntil(() => alertText(missing) !== '', 'an error shows');
    expect(alertText(missing)).to.match(/app/i);
    expect(alertText(missing)).not.to.contain('organization_application_not_found');
  });
});
