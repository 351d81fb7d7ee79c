// Deploying build N+1 over build N, as the README's "Deploying a new build: keep the old chunks"
// says: two real widget builds (vite.config.ts's `--mode widget`) into one dist/ folder that the
// reference server serves, the second with one source module changed (the login form's), so it
// names other chunks. A page that loaded build N's loader before the deploy opens the chat after
// it, on build N's chunks; a new page view gets build N+1; once the old chunks are removed with the
// README's `find` command a week later, a page of build N says the chat could not load, and its
// reload brings build N+1. Needs nothing built beforehand: the test builds (about a minute).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type HTTPResponse, type Page } from 'puppeteer-core';
import { build, type Plugin, type UserConfig } from 'vite';
import { chromeArgs, findChrome } from '../../scripts/find-chrome.mjs';
import viteConfig from '../../vite.config.js';
import { startTestServer, type TestServer } from '../server/support/test-server.js';
import { TIMEOUT, login, roster, uniqueName } from './demo-page.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEEK_AND_A_DAY = 8 * 24 * 60 * 60;

/** Build N+1's one change: its login form's module also marks the page it runs in. */
function changedLoginForm(): Plugin {
  return {
    name: 'deploy-test:changed-login-form',
    transform(code, id) {
      if (!id.endsWith('/elements/chat-login/chat-login.ts')) return undefined;
      return { code: `${code}\ndocument.documentElement.dataset.build = 'N+1';\n`, map: null };
    },
  };
}

/** `npm run build`'s widget build (vite.config.ts, `--mode widget`) into `outDir`. */
async function buildWidget(outDir: string, extra: Plugin[] = []): Promise<void> {
  const config = (viteConfig as (env: { mode: string; command: 'build' }) => UserConfig)({
    mode: 'widget',
    command: 'build',
  });
  await build({
    ...config,
    configFile: false,
    root: repo,
    logLevel: 'warn',
    plugins: [...(config.plugins ?? []), ...extra],
    build: { ...config.build, outDir },
  });
}

/** The elements chunk a dist/chat-widget.js imports. */
async function elementsChunk(dist: string): Promise<string> {
  const loader = await readFile(join(dist, 'chat-widget.js'), 'utf8');
  const name = /["'](chat\/elements-[\w-]+\.js)["']/.exec(loader)?.[1];
  assert.ok(name, 'the loader names its elements chunk');
  return name;
}

/** Sets every file's time under `dir` to `seconds` ago, as if a build had written it then. */
async function age(dir: string, seconds: number): Promise<void> {
  const then = Date.now() / 1000 - seconds;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) await utimes(join(entry.parentPath, entry.name), then, then);
}

describe('deploying build N+1 over build N', () => {
  let root: string;
  let dist: string;
  let server: TestServer;
  let browser: Browser;
  /** The elements chunk of each build. */
  const chunk = { n: '', next: '' };
  /** Pages of build N, loaded before the deploy. */
  const pages: Record<'early' | 'late', { page: Page; responses: HTTPResponse[] }> = {} as never;

  const openPage = async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const responses: HTTPResponse[] = [];
    page.on('response', (response) => responses.push(response));
    await page.goto(`${server.url}/`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('chat-widget >>> [part="launcher"]');
    return { page, responses };
  };
  const chunksOf = (responses: HTTPResponse[]) =>
    responses
      .filter((r) => new URL(r.url()).pathname.startsWith('/chat/'))
      .map((r) => [new URL(r.url()).pathname, r.status()] as const);
  const build$ = (page: Page) => page.evaluate(() => document.documentElement.dataset.build);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'openwebim-deploy-'));
    dist = join(root, 'dist');
    await mkdir(dist);
    // The server serves demo/ and dist/ of its root: the repository's demo pages, this dist.
    await symlink(join(repo, 'demo'), join(root, 'demo'));
    await buildWidget(dist);
    chunk.n = await elementsChunk(dist);
    // Build N was deployed more than a week before build N+1.
    await age(dist, WEEK_AND_A_DAY);
    server = await startTestServer({}, { staticRoot: root });
    browser = await puppeteer.launch({
      executablePath: findChrome(),
      headless: true,
      args: chromeArgs,
    });
    // Two visitors on pages of build N: the launcher only, no chunk loaded yet.
    pages.early = await openPage();
    pages.late = await openPage();
    assert.deepEqual(chunksOf(pages.early.responses), [], 'no chunk before the chat is opened');
    // The deploy: `npm run build` of the new sources into the same dist/.
    await buildWidget(dist, [changedLoginForm()]);
    chunk.next = await elementsChunk(dist);
    assert.notEqual(chunk.next, chunk.n, 'build N+1 names another elements chunk');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("a page of build N opens the chat after the deploy, on build N's chunks, and signs up", async () => {
    const { page, responses } = pages.early;
    const username = uniqueName('deploy');
    await page.click('chat-widget >>> [part="launcher"]');
    await (await page.waitForSelector(`${login} #tab-register`))!.click();
    await page.type(`${login} #username`, username);
    await page.type(`${login} #password`, 'deploy-secret');
    await page.type(`${login} #nickname`, 'Deploy');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${roster} [part="start-form"]`);
    const loaded = chunksOf(responses);
    assert.ok(
      loaded.some(([path]) => path === `/${chunk.n}`),
      `build N's elements chunk: ${JSON.stringify(loaded)}`,
    );
    assert.ok(!loaded.some(([path]) => path === `/${chunk.next}`), JSON.stringify(loaded));
    assert.ok(
      loaded.every(([, status]) => status === 200),
      `every chunk served: ${JSON.stringify(loaded)}`,
    );
    assert.equal(await build$(page), undefined, "build N's login form, not N+1's");
  });

  it('a new page view gets build N+1', async () => {
    const { page, responses } = await openPage();
    await page.click('chat-widget >>> [part="launcher"]');
    await page.waitForSelector(`${login} #tab-register`);
    assert.equal(await build$(page), 'N+1');
    assert.ok(chunksOf(responses).some(([path]) => path === `/${chunk.next}`));
    await page.browserContext().close();
  });

  it('a week later, with the old chunks removed, a page of build N says the chat could not load; its reload loads build N+1', async () => {
    // The README's clean-up, run after the build: only what no build of the last week wrote goes.
    await promisify(execFile)('find', [
      join(dist, 'chat'),
      '-type',
      'f',
      '-mtime',
      '+7',
      '-delete',
    ]);
    const names = new Set(await readdir(join(dist, 'chat')));
    assert.ok(!names.has(chunk.n.slice('chat/'.length)), "build N's elements chunk is gone");
    assert.ok(names.has(chunk.next.slice('chat/'.length)), "build N+1's is there");
    const { page, responses } = pages.late;
    await page.click('chat-widget >>> [part="launcher"]');
    const alert = await page.waitForSelector('chat-widget >>> [part="panel"] [role="alert"]');
    assert.match(
      await alert!.evaluate((node) => node.textContent ?? ''),
      /^The chat could not load: /,
    );
    assert.deepEqual(
      chunksOf(responses).filter(([path]) => path === `/${chunk.n}`),
      [[`/${chunk.n}`, 404]],
    );
    // The reload revalidates the loader (its ETag changed) and gets build N+1 whole: every chunk
    // it needs was written by the last build, so the clean-up kept it.
    responses.length = 0;
    await page.reload({ waitUntil: 'networkidle0' });
    await page.click('chat-widget >>> [part="launcher"]');
    await page.waitForSelector(`${login} #tab-register`);
    assert.equal(await build$(page), 'N+1');
    const loaded = chunksOf(responses);
    assert.ok(
      loaded.some(([path]) => path === `/${chunk.next}`),
      JSON.stringify(loaded),
    );
    assert.ok(
      loaded.every(([, status]) => status === 200),
      JSON.stringify(loaded),
    );
  });
});
