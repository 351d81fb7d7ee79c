// The size budgets (build/budgets.ts), on a fresh build of the loader, its chunks and the SDK into
// a temporary folder, measured as the server sends them (brotli, and gzip for the SDK). A change
// that takes a file past its budget fails here; `npm run bench -- bundle` prints the numbers.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { build } from 'vite';
import { BUDGETS, measure, type Measured } from '../../build/budgets.js';
import { inlineStatusCodes } from '../../build/compact-status-codes.js';
import { nativeAsync } from '../../build/rxjs-native-async.js';
import { chunkPattern } from '../../server/http/static-routes.js';
import { statusCode } from '../../src/protocol/status-codes.js';

const root = resolve(import.meta.dirname, '..', '..');
const temp = await mkdtemp(join(tmpdir(), 'openwebim-budgets-'));
after(() => rm(temp, { recursive: true, force: true }));

let sizes: Measured;
before(async () => {
  const outDir = join(temp, 'dist');
  for (const mode of ['widget', 'sdk']) {
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      mode,
      logLevel: 'silent',
      build: { outDir },
    });
  }
  sizes = measure(outDir);
});

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

describe('size budgets, as served', () => {
  it(`the loader, chat-widget.js, is at most ${kb(BUDGETS.loader)} brotli`, () => {
    assert.ok(sizes.loader.brotli <= BUDGETS.loader, `${kb(sizes.loader.brotli)}`);
  });

  it(`a signed-in visitor with an open conversation loads at most ${kb(BUDGETS.signedIn)} brotli`, async () => {
    assert.ok(
      sizes.signedIn.brotli <= BUDGETS.signedIn,
      `${kb(sizes.signedIn.brotli)}: ${sizes.signedIn.files.join(', ')}`,
    );
    // The loader and the elements chunk, at least, and the SDK among what is counted.
    assert.ok(sizes.signedIn.files.length >= 2, sizes.signedIn.files.join(', '));
    const counted = await Promise.all(
      sizes.signedIn.files.map((file) => readFile(join(temp, 'dist', file), 'utf8')),
    );
    assert.ok(
      counted.some((code) => code.includes('window.WebIM=')),
      'no counted file defines window.WebIM',
    );
  });

  it(`webim-sdk.js is at most ${kb(BUDGETS.sdkGzip)} gzip`, () => {
    assert.ok(sizes.sdk.gzip <= BUDGETS.sdkGzip, `${kb(sizes.sdk.gzip)}`);
  });

  it("webim-sdk.js's WebIM.statusCode, built from a string (build/compact-status-codes.ts), is the protocol's table: names, values and order", async () => {
    const code = await readFile(join(temp, 'dist', 'webim-sdk.js'), 'utf8');
    const window: { WebIM?: { statusCode: Record<string, number> } } = {};
    runInNewContext(code, { window, URL, Promise });
    const built = window.WebIM?.statusCode;
    assert.ok(built, 'webim-sdk.js defined no window.WebIM.statusCode');
    assert.deepEqual(Object.entries(built), Object.entries(statusCode));
  });

  it('the status codes our sources name (statusCode.NAME, the store’s Codes.name) are built in as numbers: no chunk of the widget spells a name', async () => {
    assert.equal(
      inlineStatusCodes(
        "import { Codes } from './errors.js';\nf(statusCode.REQUEST_TIMEOUT, Codes.ajaxError, res.statusCode.X, Codes);",
      ),
      "import { Codes } from './errors.js';\nf((-1), 17, res.statusCode.X, Codes);",
    );
    // Another module's `Codes` is left alone; a name that is no code fails the build.
    assert.equal(inlineStatusCodes('f(Codes.ajaxError)'), undefined);
    assert.throws(
      () => inlineStatusCodes('f(statusCode.NO_SUCH_CODE)', 'x.ts'),
      /x\.ts: statusCode\.NO_SUCH_CODE/,
    );
    // (Not PERMISSION_DENIED, which the composer reads off a GeolocationPositionError.)
    const names = Object.keys(statusCode).filter((name) =>
      /^(WEBIM|MESSAGE|REQUEST|USER)_/.test(name),
    );
    const chunks = (await readdir(join(temp, 'dist', 'chat'))).filter((f) => f.endsWith('.js'));
    for (const chunk of chunks) {
      const code = await readFile(join(temp, 'dist', 'chat', chunk), 'utf8');
      const spelt = names.filter((name) => code.includes(name));
      assert.deepEqual(spelt, [], chunk);
    }
  });

  it("RxJS's async functions are built native (build/rxjs-native-async.ts): no chunk carries tslib's helpers", async () => {
    const rxjs = join(root, 'node_modules/rxjs/dist/esm/internal');
    for (const file of ['observable/innerFrom.js', 'util/isReadableStreamLike.js']) {
      const id = join(rxjs, file);
      const code = nativeAsync(await readFile(id, 'utf8'), id);
      assert.match(code ?? '', /async function/, file);
      assert.doesNotMatch(code ?? '', /tslib|__a/, file);
    }
    assert.equal(nativeAsync('export {};', join(rxjs, 'Observable.js')), undefined);
    assert.throws(() => nativeAsync('export {};', join(rxjs, 'util/isReadableStreamLike.js')));
    // tslib's __asyncValues throws this; nothing else of ours says it.
    const chunks = (await readdir(join(temp, 'dist', 'chat'))).filter((f) => f.endsWith('.js'));
    for (const chunk of chunks) {
      const code = await readFile(join(temp, 'dist', 'chat', chunk), 'utf8');
      assert.ok(!code.includes('Symbol.asyncIterator is not defined'), chunk);
    }
  });

  it('the loader names chunks that exist beside it and carry a content hash', async () => {
    const loader = await readFile(join(temp, 'dist', 'chat-widget.js'), 'utf8');
    const names = [...loader.matchAll(/["'](chat\/[\w-]+\.js)["']/g)].map((m) => m[1]!);
    assert.deepEqual(names.map((n) => n.replace(/-[\w-]{8}\.js$/, '')).sort(), [
      'chat/chat-login',
      'chat/elements',
      'chat/sdk',
      'chat/words',
    ]);
    for (const name of names) await readFile(join(temp, 'dist', name));
  });

  it('every chunk has a name the server serves', async () => {
    // A chunk the server refuses (a 404) is a tab or a language that never loads in the widget:
    // the lazily loaded tabs did that once, with a shared chunk named `panel.styles-….js`.
    const chunks = (await readdir(join(temp, 'dist', 'chat'))).filter((f) => f.endsWith('.js'));
    assert.ok(chunks.length > 2, chunks.join(', '));
    for (const chunk of chunks) assert.match(chunk, chunkPattern);
  });

  it('the emoji picker is a chunk of its own, its data beside the chunks, not from a CDN', async () => {
    const dist = join(temp, 'dist');
    const read = (file: string) => readFile(join(dist, file), 'utf8');
    const defines = (code: string) => code.includes('"emoji-picker"');
    for (const file of sizes.signedIn.files) {
      assert.ok(!defines(await read(file)), `${file} holds the emoji picker`);
    }
    const chunks = (await readdir(join(dist, 'chat'))).filter((f) => f.endsWith('.js'));
    const picker = [];
    for (const chunk of chunks) if (defines(await read(join('chat', chunk)))) picker.push(chunk);
    assert.equal(picker.length, 1, picker.join(', '));
    const data = JSON.parse(await read('emoji/en.json')) as { annotation: string }[];
    assert.ok(data.some((emoji) => emoji.annotation === 'grinning face'));
    assert.match(await read('THIRD_PARTY_LICENSES.txt'), /emoji-picker-element \d/);
    assert.match(await read('THIRD_PARTY_LICENSES.txt'), /emoji-picker-element-data \d/);
  });

  it('the English strings of the elements loaded when first shown (en-panels.ts) and of a site’s visitors (en-visitors.ts) are in none of the signed-in files, and no always-loaded code names one of their keys', async () => {
    // An always-loaded element that used one of those keys would render before the strings are
    // there (they come with the first of those elements): its key would appear in this code.
    const keysOf = async (name: string) =>
      [
        ...(await readFile(join(root, 'src/elements/locale', name), 'utf8')).matchAll(
          /^ {2}'([\w.]+)':/gm,
        ),
      ].map((m) => m[1]!);
    const panels = await keysOf('en-panels.ts');
    const visitors = await keysOf('en-visitors.ts');
    assert.ok(panels.length > 50, `${panels.length} keys read from en-panels.ts`);
    assert.ok(visitors.length >= 10, `${visitors.length} keys read from en-visitors.ts`);
    const keys = [...panels, ...visitors];
    const code = (
      await Promise.all(
        sizes.signedIn.files.map((file) => readFile(join(temp, 'dist', file), 'utf8')),
      )
    ).join('\n');
    const named = keys.filter((key) => code.includes(`"${key}"`) || code.includes(`'${key}'`));
    assert.deepEqual(named, []);
    for (const text of ['Find public groups', 'Create account', 'Friend requests', 'Save name'])
      assert.ok(!code.includes(text), `"${text}" is in a signed-in file`);
  });
});
