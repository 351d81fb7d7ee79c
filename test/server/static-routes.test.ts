// The demo pages and the classic script served by server/http/static-routes.ts.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { accepts } from '../../server/http/static-routes.js';
import { packageRoot } from '../../server/package-root.js';
import { assertError, api, startTestServer, type TestServer } from './support/test-server.js';

const page = '<!doctype html><title>demo</title><chat-widget app-key="demo#chat"></chat-widget>';
const script = 'window.WebIM = {};';
const chunk = 'export const elements = 1;';
const emoji = '[{"annotation":"grinning face","emoji":"😀","group":0,"order":1}]';

describe('a package with demo pages and a built widget', () => {
  let root: string;
  let t: TestServer;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'openwebim-static-'));
    await mkdir(join(root, 'demo'));
    await mkdir(join(root, 'dist'));
    await writeFile(join(root, 'demo', 'index.html'), page);
    await writeFile(join(root, 'demo', 'cms.html'), `${page}<!-- cms -->`);
    await writeFile(join(root, 'demo', 'inbox.html'), `${page}<!-- inbox -->`);
    await writeFile(join(root, 'dist', 'chat-widget.js'), script);
    await writeFile(join(root, 'dist', 'webim-sdk.js'), `${script} // sdk`);
    await writeFile(join(root, 'dist', 'THIRD_PARTY_LICENSES.txt'), 'lit: BSD-3-Clause');
    // As build/precompress.ts leaves them: the loader and a chunk with their .br and .gz copies.
    await mkdir(join(root, 'dist', 'chat'));
    await mkdir(join(root, 'dist', 'emoji'));
    for (const [name, content] of [
      ['chat-widget.js', script],
      ['chat/elements-Bt79StSB.js', chunk],
      ['emoji/en.json', emoji],
    ] as const) {
      await writeFile(join(root, 'dist', name), content);
      await writeFile(join(root, 'dist', `${name}.br`), brotliCompressSync(content));
      await writeFile(join(root, 'dist', `${name}.gz`), gzipSync(content));
    }
    await writeFile(join(root, 'secret.html'), 'not served');
    t = await startTestServer({}, { staticRoot: root });
  });
  after(async () => {
    await t.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves demo/index.html at / and demo/*.html by name, as HTML', async () => {
    const index = await fetch(`${t.url}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await index.text(), page);
    const cms = await fetch(`${t.url}/cms.html`);
    assert.equal(await cms.text(), `${page}<!-- cms -->`);
  });

  it('serves the team’s inbox, demo/inbox.html, at /inbox', async () => {
    const inbox = await fetch(`${t.url}/inbox`);
    assert.equal(inbox.status, 200);
    assert.equal(inbox.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await inbox.text(), `${page}<!-- inbox -->`);
  });

  it('serves dist/chat-widget.js as JavaScript, to any page', async () => {
    const response = await fetch(`${t.url}/chat-widget.js`, {
      headers: { origin: 'https://blog.example' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await response.text(), script);
  });

  it('serves the SDK alone and the license notices the scripts point to', async () => {
    const sdk = await fetch(`${t.url}/webim-sdk.js`);
    assert.equal(sdk.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await sdk.text(), `${script} // sdk`);
    const licenses = await fetch(`${t.url}/THIRD_PARTY_LICENSES.txt`);
    assert.equal(licenses.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await licenses.text(), 'lit: BSD-3-Clause');
  });

  it('sends the precompressed copy the request accepts, with Vary: Accept-Encoding', async () => {
    const get = (encoding: string) =>
      fetch(`${t.url}/chat-widget.js`, { headers: { 'accept-encoding': encoding } });
    const br = await get('gzip, deflate, br, zstd');
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.equal(br.headers.get('vary'), 'Accept-Encoding');
    assert.equal(br.headers.get('content-type'), 'text/javascript; charset=utf-8');
    // fetch decodes br and gzip itself: the body that arrived is the script.
    assert.equal(await br.text(), script);
    const gzip = await get('gzip;q=1, br;q=0');
    assert.equal(gzip.headers.get('content-encoding'), 'gzip');
    assert.equal(await gzip.text(), script);
    const plain = await get('identity');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(plain.headers.get('vary'), 'Accept-Encoding');
    assert.equal(await plain.text(), script);
    // Each representation has its own validator.
    const tags = new Set([br, gzip, plain].map((r) => r.headers.get('etag')));
    assert.equal(tags.size, 3);
  });

  it('a file without precompressed copies is sent as is', async () => {
    const response = await fetch(`${t.url}/webim-sdk.js`, {
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(response.headers.get('content-encoding'), null);
    assert.equal(await response.text(), `${script} // sdk`);
  });

  it('answers If-None-Match with 304 and no body for the loader and the pages', async () => {
    for (const path of ['/chat-widget.js', '/', '/cms.html']) {
      const first = await fetch(`${t.url}${path}`, { headers: { 'accept-encoding': 'br' } });
      const etag = first.headers.get('etag');
      assert.ok(etag, `${path} has an ETag`);
      assert.equal(first.headers.get('cache-control'), 'no-cache');
      await first.arrayBuffer();
      const again = await fetch(`${t.url}${path}`, {
        headers: { 'accept-encoding': 'br', 'if-none-match': etag },
      });
      assert.equal(again.status, 304, path);
      assert.equal(again.headers.get('etag'), etag);
      assert.equal((await again.arrayBuffer()).byteLength, 0);
      // Another representation's tag does not match this one.
      const other = await fetch(`${t.url}${path}`, {
        headers: { 'accept-encoding': 'identity', 'if-none-match': etag },
      });
      assert.equal(other.status, path === '/chat-widget.js' ? 200 : 304, path);
      await other.arrayBuffer();
    }
  });

  it('serves the hashed chunks immutable for a year, precompressed, to any page', async () => {
    const response = await fetch(`${t.url}/chat/elements-Bt79StSB.js`, {
      headers: { 'accept-encoding': 'br', origin: 'https://blog.example' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(response.headers.get('content-encoding'), 'br');
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://blog.example');
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await response.text(), chunk);
    assertError(
      await api(t.url, 'GET', '/chat/elements-nothere1.js'),
      404,
      'service_resource_not_found',
    );
    assertError(await api(t.url, 'GET', '/chat/elements.js'), 404, 'service_resource_not_found');
    assertError(
      await api(t.url, 'GET', '/chat/..%2fchat-widget.js'),
      404,
      'service_resource_not_found',
    );
  });

  it('serves the emoji picker’s data to any page, revalidated by an ETag the page may read', async () => {
    const origin = { origin: 'https://blog.example' };
    const response = await fetch(`${t.url}/emoji/en.json`, {
      headers: { 'accept-encoding': 'br', ...origin },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(response.headers.get('content-encoding'), 'br');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://blog.example');
    // The picker asks HEAD first and compares the ETag with the one of the data it holds.
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /\bETag\b/i);
    const etag = response.headers.get('etag');
    assert.ok(etag);
    assert.deepEqual(JSON.parse(await response.text()), JSON.parse(emoji));
    const head = await fetch(`${t.url}/emoji/en.json`, {
      method: 'HEAD',
      headers: { 'accept-encoding': 'br', ...origin },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('etag'), etag);
    const again = await fetch(`${t.url}/emoji/en.json`, {
      headers: { 'accept-encoding': 'br', 'if-none-match': etag },
    });
    assert.equal(again.status, 304);
    for (const path of ['/emoji/xx.json', '/emoji/en.js', '/emoji/..%2fchat-widget.js']) {
      assertError(await api(t.url, 'GET', path), 404, 'service_resource_not_found');
    }
  });

  it('serves nothing outside demo/ and dist/', async () => {
    assertError(await api(t.url, 'GET', '/secret.html'), 404, 'service_resource_not_found');
    assertError(await api(t.url, 'GET', '/missing.html'), 404, 'service_resource_not_found');
    assertError(await api(t.url, 'GET', '/..%2fsecret.html'), 404, 'service_resource_not_found');
  });
});

describe('a package without a build', () => {
  it('answers /chat-widget.js with 404 and says to run the build', async () => {
    const root = await mkdtemp(join(tmpdir(), 'openwebim-static-'));
    const t = await startTestServer({}, { staticRoot: root });
    try {
      const response = await fetch(`${t.url}/chat-widget.js`);
      assert.equal(response.status, 404);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(await response.text(), /run npm run build/);
    } finally {
      await t.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('Accept-Encoding', () => {
  it('takes a coding by name or *, unless its q-value is 0', () => {
    assert.equal(accepts('gzip, deflate, br', 'br'), true);
    assert.equal(accepts('gzip', 'br'), false);
    assert.equal(accepts('br;q=0, gzip', 'br'), false);
    assert.equal(accepts('BR;Q=0.5', 'br'), true);
    assert.equal(accepts('*', 'gzip'), true);
    assert.equal(accepts('*;q=0', 'gzip'), false);
    assert.equal(accepts('gzip;q=0, *', 'gzip'), false);
    assert.equal(accepts(undefined, 'gzip'), false);
    assert.equal(accepts('', 'gzip'), false);
  });
});

describe('packageRoot', () => {
  it('finds the folder of openwebim’s package.json from the server sources', async () => {
    const root = packageRoot(join(import.meta.dirname, '..', '..', 'server', 'http'));
    assert.equal(root, join(import.meta.dirname, '..', '..'));
  });

  it('passes over the server workspace’s own package.json (openwebim-server, in server/)', () => {
    const compiled = join(import.meta.dirname, '..', '..', 'server', 'dist', 'server', 'http');
    assert.equal(packageRoot(compiled), join(import.meta.dirname, '..', '..'));
  });
});
