// What a site owner meets on day one when embedding the widget: the documented chat-login event
// reaching the page, focus after signing in from the keyboard, the documented 14px / 1.4 whatever
// the page's own fonts, sizes that do not follow the page's root font size, and 44 × 44 px
// controls on a phone.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/elements/index.js';
import type { ChatWidget } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { freePort, mainServer, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, registerUser } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;

/** The element that has focus, looking through shadow roots. */
function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Every control in `root` and the shadow roots inside it. */
function controls(root: ParentNode): HTMLElement[] {
  const found: HTMLElement[] = [];
  for (const el of root.querySelectorAll<HTMLElement>('*')) {
    if (el.matches('button, select, input:not([type=checkbox], [type=hidden], [hidden])'))
      found.push(el);
    if (el.shadowRoot) found.push(...controls(el.shadowRoot));
  }
  return found;
}

const widget = () =>
  fixture<ChatWidget>(html`<chat-widget app-key=${APP_KEY} api-url=${url} open></chat-widget>`);

describe('chat-widget embedded in a page', () => {
  afterEach(async () => {
    await store().logout({ wipe: true });
    document.documentElement.style.fontSize = '';
    document.body.style.font = '';
    await setViewport({ width: 800, height: 600 });
  });

  it('tells the page about a keyboard login once, and focus lands on the list', async () => {
    const me = uniqueName('kb');
    await registerUser(url, me);
    const el = await widget();
    const login = $<HTMLElement & { updateComplete: Promise<boolean> }>(el, 'chat-login');
    await waitUntil(() => login.shadowRoot!.querySelector('#username'), 'the form shows');
    const logins: string[] = [];
    const onLogin = (e: Event) => logins.push((e as Event & { username: string }).username);
    document.addEventListener('chat-login', onLogin);
    try {
      login.shadowRoot!.querySelector<HTMLInputElement>('#username')!.focus();
      await sendKeys({ type: me });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: PASSWORD });
      const heard = new Promise((resolve) =>
        document.addEventListener('chat-login', resolve, { once: true }),
      );
      await sendKeys({ press: 'Enter' });
      await heard;
      await el.updateComplete;
      await waitUntil(() => deepActive() !== document.body, 'focus stays in the widget');
      expect(logins).to.deep.equal([me]);
      const roster = $(el, 'chat-roster');
      expect(roster.contains(deepActive()) || roster.shadowRoot!.contains(deepActive())).to.equal(
        true,
      );
    } finally {
      document.removeEventListener('chat-login', onLogin);
    }
  });

  it('says at once that the app-key is missing, in the panel and to the site owner', async () => {
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    let el: ChatWidget;
    try {
      el = await fixture<ChatWidget>(html`<chat-widget open></chat-widget>`);
    } finally {
      console.warn = warn;
    }
    expect($(el, '[part="body"] [role="alert"]').textContent!.trim()).to.equal(
      'This chat is not set up: its app-key attribute is missing.',
    );
    expect($(el, 'chat-login')).to.equal(null);
    expect(warnings.map(([text]) => String(text))).to.deep.equal([
      'openwebim: <chat-widget> has no app-key attribute; add app-key="org#app" (your app’s key) for the chat to work.',
    ]);
    await expect(el).to.be.accessible();
  });

  /** The widget of `appKey` on `apiUrl`, opened, and what it warned in the console meanwhile. */
  async function openedWarning(appKey: string, apiUrl: string) {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(String(args[0]));
    try {
      const el = await fixture<ChatWidget>(
        html`<chat-widget app-key=${appKey} api-url=${apiUrl}></chat-widget>`,
      );
      await el.show();
      // Settles once the check the opened panel started has answered and been rendered.
      await el.updateComplete;
      return { el, warnings };
    } finally {
      console.warn = warn;
    }
  }

  it('says at once that the server knows no such app, in the panel and to the site owner', async () => {
    const appKey = `${uniqueName('org')}#nothing`;
    const { el, warnings } = await openedWarning(appKey, url);
    expect($(el, '[part="body"] [role="alert"]').textContent!.trim()).to.equal(
      `This chat is not set up: the chat server has no app ${appKey}.`,
    );
    expect($(el, 'chat-login'), 'no login form that cannot work').to.equal(null);
    expect(warnings).to.deep.equal([
      `openwebim: the chat server at ${url} has no app "${appKey}"; check the app-key attribute of <chat-widget> (the server lists its apps with: npx openwebim-server app list).`,
    ]);
    await expect(el).to.be.accessible();
  });

  it('says at once that the server cannot be reached (nothing listens on its port)', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    // An app key of its own: the page's store of an app keeps the server it was made with.
    const { el, warnings } = await openedWarning(`${uniqueName('org')}#app`, closed);
    expect($(el, '[part="body"] [role="alert"]').textContent!.trim()).to.equal(
      'The chat server cannot be reached. Please try again later.',
    );
    expect($(el, 'chat-login')).to.equal(null);
    expect(warnings).to.deep.equal([
      `openwebim: the chat server at ${closed} cannot be reached from this page: it is down, api-url names the wrong address, or the app's --origins does not list ${location.origin}.`,
    ]);
    await expect(el).to.be.accessible();
  });

  it('shows the login form once the server knows the app', async () => {
    const { el, warnings } = await openedWarning(APP_KEY, url);
    expect($(el, 'chat-login'), 'the form').to.exist;
    expect($(el, '[part="body"] [role="alert"]').textContent!.trim()).to.equal('');
    expect(warnings).to.deep.equal([]);
  });

  it('a second widget in the page stands beside the first, not on top of it', async () => {
    const page = await fixture<HTMLElement>(
      html`<div>
        <chat-widget app-key=${APP_KEY} api-url=${url}></chat-widget>
        <chat-widget app-key="other#app" api-url=${url}></chat-widget>
      </div>`,
    );
    const [first, second] = [...page.querySelectorAll('chat-widget')];
    await Promise.all([first!.updateComplete, second!.updateComplete]);
    const a = $(first!, '[part="launcher"]').getBoundingClientRect();
    const b = $(second!, '[part="launcher"]').getBoundingClientRect();
    expect(a.width).to.equal(56);
    expect(a.bottom, 'same line').to.equal(b.bottom);
    expect(a.right, 'the first in the corner').to.equal(innerWidth - 16);
    expect(b.right, 'the second beside it, 16px apart').to.equal(a.left - 16);
  });

  it('is 14px / 1.4 whatever the page sets, and --chat-font-size applies alone', async () => {
    document.body.style.font = 'italic 20px/3 serif';
    const el = await widget();
    const style = getComputedStyle(el);
    expect(style.fontSize).to.equal('14px');
    expect(parseFloat(style.lineHeight)).to.be.closeTo(14 * 1.4, 0.01);
    el.style.setProperty('--chat-font-size', '18px');
    expect(getComputedStyle(el).fontSize).to.equal('18px');
    const login = $(el, 'chat-login');
    expect(getComputedStyle(login).fontSize).to.equal('18px');
  });

  it('keeps its sizes on a page with html { font-size: 62.5% }', async () => {
    const el = await widget();
    const sizes = () => {
      const launcher = $(el, '[part="launcher"]').getBoundingClientRect();
      const panel = $(el, '[part="panel"]').getBoundingClientRect();
      return [
        launcher.width,
        launcher.height,
        panel.width,
        panel.height,
        getComputedStyle(el).fontSize,
      ];
    };
    await Promise.all(el.shadowRoot!.getAnimations().map((a) => a.finished));
    const before = sizes();
    document.documentElement.style.fontSize = '62.5%';
    expect(sizes()).to.deep.equal(before);
  });

  it('has controls of at least 44 × 44 px on a phone', async () => {
    await setViewport({ width: 375, height: 667 });
    const el = await widget();
    const login = $(el, 'chat-login');
    await waitUntil(() => login.shadowRoot!.querySelector('#username'), 'the form shows');
    // Measured once the panel's opening animation (a slight scale) is over.
    await Promise.all(el.shadowRoot!.getAnimations().map((a) => a.finished));
    const small = controls(el.shadowRoot!)
      .filter((c) => c.getClientRects().length)
      .map((c) => {
        const { width, height } = c.getBoundingClientRect();
        return { control: c.getAttribute('part') ?? c.id ?? c.localName, width, height };
      })
      .filter(({ width, height }) => width < 44 || height < 44);
    expect(small).to.deep.equal([]);
    expect(controls(el.shadowRoot!).length).to.be.greaterThan(5);
  });
});
