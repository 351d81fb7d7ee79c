// The demo pages and the classic script served by server/http/static-routes.ts.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../server/package-root.js';
import { assertError, api, startTestServer, type TestServer } from './support/test-server.js';

const page = '<!doctype html><title>demo</title><chat-widget app-key="demo#chat"></chat-widget>';
const script = 'window.WebIM = {};';

describe('a package with demo pages and a built widget', () => {
  let root: string;
  let t: TestServer;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'openwebim-static-'));
    await mkdir(join(root, 'demo'));
    await mkdir(join(root, 'dist'));
    await writeFile(join(root, 'demo', 'index.html'), page);
    await writeFile(join(root, 'demo', 'cms.html'), `${page}<!-- cms -->`);
    await writeFile(join(root, 'dist', 'chat-widget.js'), script);
    await writeFile(join(root, 'dist', 'webim-sdk.js'), `${script} // sdk`);
    await writeFile(join(root, 'dist', 'THIRD_PARTY_LICENSES.txt'), 'lit: BSD-3-Clause');
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
