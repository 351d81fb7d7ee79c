// `npm install openwebim` then `import 'openwebim/elements'`, as front-end developers do it: small
// apps (Vite with React 19, Vite with Vue 3, esbuild with no framework, in test/fixtures/apps/) are
// built in production mode against this package's ESM build, each in a temporary folder whose
// node_modules links openwebim to this repository (as `npm link` would), then served and opened in
// Chromium, where the widget must be defined and work: register through its form against a real
// reference server. Production bundlers tree-shake by package.json's `sideEffects`; an element
// module outside it was dropped, and `customElements.get('chat-widget')` was undefined.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build as esbuild } from 'esbuild';
import { build } from 'vite';
import { demoServer, login, roster, uniqueName, TIMEOUT } from './demo-page.js';

const root = resolve(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'apps');
const temp = await mkdtemp(join(tmpdir(), 'openwebim-apps-'));
after(() => rm(temp, { recursive: true, force: true }));

const demo = demoServer();

/**
 * A copy of a fixture app whose node_modules holds openwebim (this repository) and the packages
 * the app itself names (their own dependencies resolve from where the links point).
 */
async function app(name: string, packages: string[]): Promise<string> {
  const dir = join(temp, name);
  await cp(join(fixtures, name), dir, { recursive: true });
  await mkdir(join(dir, 'node_modules', '@vitejs'), { recursive: true });
  await symlink(root, join(dir, 'node_modules', 'openwebim'), 'dir');
  for (const pkg of packages) {
    await symlink(join(root, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir');
  }
  return dir;
}

/** Serves `dir` on 127.0.0.1 (the built app: static files, nothing else). */
async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir)) return void response.writeHead(404).end();
    readFile(file).then(
      (body) =>
        response.writeHead(200, { 'content-type': types[extname(file)] ?? 'text/plain' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

/** Opens the built app, checks the elements are defined, and registers a user through the form. */
async function works(dist: string): Promise<void> {
  const { url, server } = await serve(dist);
  const context = await demo.browser.createBrowserContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${url}/?api=${encodeURIComponent(demo.server.url)}`, { waitUntil: 'load' });
    const defined = await page.evaluate(() =>
      ['chat-widget', 'chat-login', 'chat-roster', 'chat-window'].map(
        (tag) => customElements.get(tag) !== undefined,
      ),
    );
    assert.deepEqual(defined, [true, true, true, true], 'the elements are defined');
    await page.click('chat-widget >>> [part="launcher"]');
    await page.click(`${login} #tab-register`);
    const username = uniqueName('app');
    await page.type(`${login} #username`, username);
    await page.type(`${login} #password`, 'app-secret');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${roster} [part="start-form"]`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

before(async () => {
  // The package's ESM entry points, as `npm run build` makes them (dist/esm).
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'silent' });
});

describe('openwebim/elements in production builds of apps', () => {
  it('Vite + React 19', async () => {
    const dir = await app('react', ['vite', 'react', 'react-dom']);
    await build({ root: dir, configFile: join(dir, 'vite.config.ts'), mode: 'production' });
    await works(join(dir, 'dist'));
  });

  it('Vite + Vue 3 (single-file component)', async () => {
    const dir = await app('vue', ['vite', 'vue', '@vitejs/plugin-vue']);
    await build({ root: dir, configFile: join(dir, 'vite.config.ts'), mode: 'production' });
    await works(join(dir, 'dist'));
  });

  it('esbuild, no framework', async () => {
    const dir = await app('esbuild', []);
    await esbuild({
      absWorkingDir: dir,
      entryPoints: ['main.ts'],
      bundle: true,
      minify: true,
      format: 'esm',
      outfile: 'dist/main.js',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    await cp(join(dir, 'index.html'), join(dir, 'dist', 'index.html'));
    await works(join(dir, 'dist'));
  });
});
