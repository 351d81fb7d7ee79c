// Importing any entry point must not touch `window` or `document` (server-side rendering, Node
// tools, bundlers that evaluate modules). Node has neither, so an import that touches them throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const entries = {
  'openwebim (src/index.ts)': () => import('../src/index.js'),
  'openwebim/sdk': () => import('../src/sdk/index.js'),
  'openwebim/store': () => import('../src/store/index.js'),
  'openwebim/elements': () => import('../src/elements/index.js'),
  'openwebim/protocol': () => import('../src/protocol/index.js'),
};

describe('entry points', () => {
  it('run in Node with no window or document', () => {
    assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined');
    assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  });

  for (const [name, load] of Object.entries(entries)) {
    it(`${name} imports without touching the DOM`, async () => {
      const module = await load();
      assert.ok(Object.keys(module).length > 0, `${name} exports nothing`);
    });
  }

  it('the SDK entry offers the WebIM API', async () => {
    const { default: WebIM } = await import('../src/sdk/index.js');
    assert.equal(typeof WebIM.connection, 'function');
    assert.equal(typeof WebIM.message, 'function');
    assert.equal(WebIM.statusCode.WEBIM_CONNCTION_AJAX_ERROR, 17);
  });
});
