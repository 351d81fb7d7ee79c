// The loader (dist/chat-widget.js, src/loader/loader.ts) in Chromium against the reference server,
// as a visitor meets it: until the chat is needed the page gets the launcher and nothing else (no
// chunk, no IndexedDB database, no panel); a click opens the panel at once and the loaded widget
// takes it over; a signed-in visitor's next page view loads the chunks on idle and resumes; page
// scripts get `window.WebIM` through `WebIM.ready`. Needs `vite build --mode widget` (npm run
// test:e2e does it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HTTPRequest, Page } from 'puppeteer-core';
import { TIMEOUT, demoServer, register, roster, uniqueName } from './demo-page.js';

const demo = demoServer();

/** A page in a fresh profile, recording every script it requests. */
async function freshPage(): Promise<{ page: Page; scripts: string[]; errors: string[] }> {
  const context = await demo.browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const scripts: string[] = [];
  const errors: string[] = [];
  page.on('request', (request: HTTPRequest) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return { page, scripts, errors };
}

const databases = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));

describe('the loader, chat-widget.js', () => {
  it('draws the launcher and loads nothing else until the chat is opened', async () => {
    const { page, scripts, errors } = await freshPage();
    await page.goto(`${demo.server.url}/`, { waitUntil: 'networkidle0' });
    const launcher = await page.waitForSelector('chat-widget >>> [part="launcher"]');
    assert.ok(await launcher!.isVisible(), 'the launcher shows');
    assert.deepEqual(scripts, ['/chat-widget.js'], 'only the loader was fetched');
    assert.equal(await page.evaluate(() => customElements.get('chat-widget')), undefined);
    assert.deepEqual(await databases(page), [], 'no IndexedDB database exists');
    // The panel is no more than its hidden loading state: no login form, no nested element.
    const rendered = await page.$eval('chat-widget', (el) => ({
      nodes: el.shadowRoot!.querySelectorAll('*').length,
      panelHidden: el.shadowRoot!.querySelector<HTMLElement>('[part="panel"]')!.hidden,
    }));
    assert.equal(rendered.panelHidden, true);
    assert.ok(rendered.nodes < 10, `${rendered.nodes} nodes in the launcher's shadow root`);
    assert.deepEqual(errors, []);
  });

  it('opens the panel at once on click, then the widget takes over with the login form focused', async () => {
    const { page, scripts } = await freshPage();
    await page.goto(`${demo.server.url}/`, { waitUntil: 'networkidle0' });
    const before = await page.$eval('chat-widget >>> [part="launcher"]', (el) => {
      const box = el.getBoundingClientRect();
      return { x: box.x, y: box.y, w: box.width, bg: getComputedStyle(el).backgroundColor };
    });
    // The loading state is shown by the click's own task, before any chunk has arrived.
    const shownAtOnce = await page.evaluate(() => {
      const widget = document.querySelector('chat-widget')!;
      widget.shadowRoot!.querySelector<HTMLElement>('[part="launcher"]')!.click();
      const panel = widget.shadowRoot!.querySelector<HTMLElement>('[part="panel"]')!;
      return {
        hidden: panel.hidden,
        text: panel.textContent,
        defined: !!customElements.get('chat-widget'),
      };
    });
    assert.deepEqual(shownAtOnce, { hidden: false, text: 'ChatLoading…', defined: false });
    await page.waitForFunction(() => {
      const active = document.querySelector('chat-widget')?.shadowRoot?.activeElement;
      return active?.localName === 'chat-login';
    });
    assert.equal(await page.$eval('chat-widget', (el) => el.hasAttribute('open')), true);
    assert.ok(
      scripts.some((path) => /^\/chat\/elements-[\w-]+\.js$/.test(path)),
      String(scripts),
    );
    const after = await page.$eval('chat-widget >>> [part="launcher"]', (el) => {
      const box = el.getBoundingClientRect();
      return { x: box.x, y: box.y, w: box.width, bg: getComputedStyle(el).backgroundColor };
    });
    assert.deepEqual(
      after,
      before,
      'the launcher did not move or change when the widget took over',
    );
    // One launcher, one panel: the loader's drawing is gone.
    const count = await page.$eval(
      'chat-widget',
      (el) => el.shadowRoot!.querySelectorAll('[part="launcher"], [part="panel"]').length,
    );
    assert.equal(count, 2);
  });

  for (const how of ['pointer', 'focus'] as const) {
    it(`fetches the chunks, without running them, when the ${how} is on the launcher`, async () => {
      const { page, scripts } = await freshPage();
      await page.goto(`${demo.server.url}/`, { waitUntil: 'networkidle0' });
      const fetched = (name: string) =>
        page.waitForRequest((request) =>
          new RegExp(`^/chat/${name}-[\\w-]+\\.js$`).test(new URL(request.url()).pathname),
        );
      const chunks = Promise.all([fetched('elements'), fetched('chat-login')]);
      const launcher = 'chat-widget >>> [part="launcher"]';
      if (how === 'pointer') await page.hover(launcher);
      else await page.focus(launcher);
      await chunks;
      // Fetched, not run: nothing is defined and no database is opened before the click.
      assert.equal(await page.evaluate(() => customElements.get('chat-widget')), undefined);
      assert.deepEqual(await databases(page), []);
      await page.click(launcher);
      await page.waitForFunction(() => {
        const active = document.querySelector('chat-widget')?.shadowRoot?.activeElement;
        return active?.localName === 'chat-login';
      });
      const elements = scripts.filter((path) => path.startsWith('/chat/elements-'));
      assert.equal(elements.length, 1, `fetched once: ${String(scripts)}`);
    });
  }

  it('loads on idle and resumes for a visitor with a stored session', async () => {
    const { page, scripts } = await freshPage();
    await page.goto(`${demo.server.url}/`, { waitUntil: 'load' });
    const username = uniqueName('loader');
    await register(page, username, 'loader-secret', 'Loader');
    scripts.length = 0;
    await page.reload({ waitUntil: 'load' });
    // No click: the stored session brings the widget in once the page is idle, signed in.
    await page.waitForSelector(`${roster} [part="start-form"]`, { hidden: false });
    assert.ok(
      scripts.some((path) => path.startsWith('/chat/elements-')),
      String(scripts),
    );
    await page.waitForSelector('chat-widget[status="online"]');
  });

  it('gives page scripts WebIM through WebIM.ready and the webim-ready event', async () => {
    const { page, scripts } = await freshPage();
    await page.goto(`${demo.server.url}/`, { waitUntil: 'networkidle0' });
    const result = await page.evaluate(async () => {
      let evented = false;
      window.addEventListener('webim-ready', () => (evented = true));
      const WebIM = await window.WebIM.ready;
      return {
        same: WebIM === window.WebIM,
        connection: typeof WebIM.connection,
        code: WebIM.statusCode.WEBIM_CONNCTION_AJAX_ERROR,
        apiUrl: WebIM.defaults.apiUrl,
        evented,
      };
    });
    assert.deepEqual(result, {
      same: true,
      connection: 'function',
      code: 17,
      apiUrl: demo.server.url,
      evented: true,
    });
    // The SDK alone: the elements stay unloaded.
    assert.ok(
      scripts.some((path) => path.startsWith('/chat/sdk-')),
      String(scripts),
    );
    assert.ok(!scripts.some((path) => path.startsWith('/chat/elements-')), String(scripts));
  });

  it('gives WebIM.ready from the elements chunk, the SDK downloaded once, when a stored session loads them anyway', async () => {
    const { page, scripts } = await freshPage();
    await page.goto(`${demo.server.url}/`, { waitUntil: 'load' });
    await register(page, uniqueName('ready'), 'ready-secret', 'Ready');
    // The next view's page scripts read WebIM.ready as early as a page can: one right below the
    // loader, before the widget is parsed, and one at DOMContentLoaded (which Chrome may fire
    // before the loader has seen the last widget); both before the stored session's check is done
    // and before the widget loads on idle.
    await page.evaluateOnNewDocument(() => {
      // No named functions here: tsx wraps those in a helper the page does not have.
      const page = window as unknown as { readWebIM: Promise<string | false>[] };
      page.readWebIM = [];
      new MutationObserver((_, observer) => {
        if (!window.WebIM) return;
        page.readWebIM.push(
          window.WebIM.ready.then((WebIM) => WebIM === window.WebIM && typeof WebIM.connection),
        );
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
      document.addEventListener('DOMContentLoaded', () => {
        page.readWebIM.push(
          window.WebIM.ready.then((WebIM) => WebIM === window.WebIM && typeof WebIM.connection),
        );
      });
    });
    scripts.length = 0;
    await page.reload({ waitUntil: 'load' });
    const read = await page.evaluate(() =>
      Promise.all((window as unknown as { readWebIM: Promise<string | false>[] }).readWebIM),
    );
    assert.deepEqual(read, ['function', 'function']);
    await page.waitForSelector('chat-widget[status="online"]');
    const chunks = scripts
      .filter((path) => /^\/chat\/(sdk|elements)-/.test(path))
      .map((path) => path.replace(/-[\w-]+\.js$/, ''));
    assert.deepEqual(chunks, ['/chat/elements'], String(scripts));
  });

  it('loads the elements for a page that uses another chat element', async () => {
    const { page } = await freshPage();
    await page.goto(`${demo.server.url}/`, { waitUntil: 'networkidle0' });
    await page.evaluate(() => {
      document.body.append(document.createElement('chat-login'));
    });
    await page.waitForFunction(() => !!customElements.get('chat-login'));
    await page.waitForSelector(`chat-login >>> #username`);
    // And a second <chat-widget> added afterwards is the real element straight away.
    const upgraded = await page.evaluate(() => {
      const widget = document.createElement('chat-widget');
      document.body.append(widget);
      return typeof (widget as HTMLElement & { show?: unknown }).show;
    });
    assert.equal(upgraded, 'function');
  });

  it("speaks the widget's language before it loads: the nearest lang, and its failure too", async () => {
    const { page } = await freshPage();
    // The elements' chunk does not arrive (aborted here, as a network failure would).
    await page.setRequestInterception(true);
    page.on('request', (request) =>
      /\/chat\/elements-/.test(request.url()) ? request.abort() : request.continue(),
    );
    await page.goto(`${demo.server.url}/`, { waitUntil: 'networkidle0' });
    await page.evaluate(() => {
      const own = document.createElement('chat-widget');
      own.lang = 'de';
      const around = document.createElement('div');
      around.lang = 'ar-EG';
      around.append(document.createElement('chat-widget'));
      document.body.append(own, around);
    });
    // Drawn in English at once, then in their languages once the words' chunk is here.
    const read = () =>
      [...document.querySelectorAll('chat-widget')].slice(-2).map((widget) => {
        const root = widget.shadowRoot!;
        const panel = root.querySelector<HTMLElement>('[part="panel"]')!;
        const launcher = root.querySelector('[part="launcher"]')!;
        return [launcher.getAttribute('aria-label')!, panel.textContent!, panel.dir];
      });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('chat-widget')]
        .slice(-2)
        .every(
          (widget) =>
            widget.shadowRoot!.querySelector('[part="launcher"]')!.getAttribute('aria-label') !==
            'Open chat',
        ),
    );
    assert.deepEqual(await page.evaluate(read), [
      ['Chat öffnen', 'ChatWird geladen…', 'ltr'],
      ['فتح الدردشة', 'الدردشةجارٍ التحميل…', 'rtl'],
    ]);
    // Opened, the German one fails to load and says so in German.
    await page.evaluate(() =>
      document.querySelector<HTMLElement>('chat-widget[lang="de"]')!.setAttribute('open', ''),
    );
    await page.waitForFunction(() =>
      document
        .querySelector('chat-widget[lang="de"]')!
        .shadowRoot!.querySelector('[role="alert"]')
        ?.textContent?.startsWith('Der Chat konnte nicht geladen werden: '),
    );
  });
});
