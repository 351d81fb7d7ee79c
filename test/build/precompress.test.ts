// build/precompress.ts: the .br and .gz copies the server sends (server/http/static-routes.ts).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { precompressFile } from '../../build/precompress.js';

const temp = await mkdtemp(join(tmpdir(), 'openwebim-precompress-'));
after(() => rm(temp, { recursive: true, force: true }));

describe('precompress', () => {
  it('writes brotli and gzip copies that decode to the file, and are smaller', async () => {
    const path = join(temp, 'script.js');
    const content = 'export const greeting = "hello";\n'.repeat(200);
    await writeFile(path, content);
    await precompressFile(path);
    const br = await readFile(`${path}.br`);
    const gz = await readFile(`${path}.gz`);
    assert.equal(brotliDecompressSync(br).toString(), content);
    assert.equal(gunzipSync(gz).toString(), content);
    assert.ok(br.length < gz.length && gz.length < content.length, `${br.length} ${gz.length}`);
  });

  it('the gzip copy is smaller than gzip -9 (Zopfli), and any gzip decoder reads it', async () => {
    const path = join(temp, 'connection.js');
    const content = await readFile(new URL('../../src/sdk/connection.ts', import.meta.url));
    await writeFile(path, content);
    await precompressFile(path);
    const gz = await readFile(`${path}.gz`);
    assert.deepEqual(gunzipSync(gz), content);
    const zlib9 = gzipSync(content, { level: 9 }).length;
    assert.ok(gz.length < zlib9, `${gz.length} ≥ ${zlib9}`);
  });
});
