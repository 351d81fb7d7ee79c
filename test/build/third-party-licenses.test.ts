// The classic scripts ship minified without the libraries' banners, so their license notices must
// reach dist/THIRD_PARTY_LICENSES.txt instead. These tests read the real node_modules and run the
// real widget build into a temporary folder.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { build } from 'vite';
import { bundledPackages } from '../../build/third-party-licenses.js';

const root = resolve(import.meta.dirname, '..', '..');
const temp = await mkdtemp(join(tmpdir(), 'openwebim-licenses-'));
after(() => rm(temp, { recursive: true, force: true }));

describe('third-party licenses', () => {
  it('finds the package of each bundled module, scoped or not, and skips our own sources', () => {
    const packages = bundledPackages([
      join(root, 'node_modules', 'lit-html', 'lit-html.js'),
      join(root, 'node_modules', 'lit-html', 'directives', 'repeat.js'),
      join(root, 'node_modules', '@lit', 'context', 'lib', 'value-notifier.js'),
      join(root, 'src', 'widget.ts'),
    ]);
    assert.deepEqual(
      packages.map((p) => `${p.name} ${p.license}`),
      ['@lit/context BSD-3-Clause', 'lit-html BSD-3-Clause'],
    );
    assert.match(packages[0]!.text, /Redistributions in binary form must reproduce/);
  });

  it('fails when a bundled package has no license file', async () => {
    const dir = join(temp, 'node_modules', 'unlicensed');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), '{"name":"unlicensed","version":"1.0.0"}');
    await writeFile(join(dir, 'index.js'), 'export const x = 1;');
    assert.throws(
      () => bundledPackages([join(dir, 'index.js')]),
      /unlicensed is bundled but has no LICENSE file/,
    );
  });

  it('the widget build writes every bundled library notice beside chat-widget.js and its chunks', async () => {
    const outDir = join(temp, 'dist');
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      mode: 'widget',
      logLevel: 'silent',
      build: { outDir },
    });
    // The loader is our code alone; the chunks it loads carry the libraries and point to the file.
    const loader = await readFile(join(outDir, 'chat-widget.js'), 'utf8');
    assert.doesNotMatch(loader, /Third-party licenses/);
    const elements = /["'](chat\/elements-[\w-]+\.js)["']/.exec(loader)?.[1];
    assert.ok(elements, 'the loader names the elements chunk');
    const script = await readFile(join(outDir, elements), 'utf8');
    const notices = await readFile(join(outDir, 'THIRD_PARTY_LICENSES.txt'), 'utf8');
    assert.equal(script.split('\n')[0], '/*! Third-party licenses: THIRD_PARTY_LICENSES.txt */');
    // The first line lists every file that bundles a library: the elements chunk, and the lazy chunks
    // of the emoji picker (its own, and one per language of its strings) since the composer has one.
    const [files = '', rest] = notices.split('\n')[0]!.split(' bundles the following');
    assert.ok(rest, 'the notices begin with the files that bundle libraries');
    const bundling = files.split(', ');
    assert.ok(bundling.includes(elements), `${bundling.join(', ')} names ${elements}`);
    assert.ok(bundling.some((file) => /^chat\/emoji-popover-[\w-]+\.js$/.test(file)));
    for (const heading of [
      /^@lit\/reactive-element \S+ \(BSD-3-Clause\)$/m,
      /^lit-html \S+ \(BSD-3-Clause\)$/m,
      /^rxjs \S+ \(Apache-2.0\)$/m,
      /^idb \S+ \(ISC\)$/m,
      /^emoji-picker-element \S+ \(Apache-2\.0\)$/m,
    ]) {
      assert.match(notices, heading);
    }
    assert.match(notices, /Apache License\s+Version 2\.0/);
    assert.match(notices, /Copyright \(c\) \d{4}, Jake Archibald/);
  });
});
