// App keys, origins and settings of server/domain/apps.ts and server/domain/app-keys.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAppKey } from '../../server/domain/app-keys.js';
import { normalizeOrigin } from '../../server/domain/apps.js';

describe('parseAppKey', () => {
  it('splits org#app and refuses anything else', () => {
    assert.deepEqual(parseAppKey('demo#chat'), { org: 'demo', name: 'chat' });
    assert.deepEqual(parseAppKey('Acme-1#app_2'), { org: 'Acme-1', name: 'app_2' });
    for (const bad of ['demo', 'demo#', '#chat', 'a#b#c', 'de mo#chat', 'demo#ch/at', '-x#y']) {
      assert.equal(parseAppKey(bad), undefined, bad);
    }
  });
});

describe('normalizeOrigin', () => {
  it('keeps scheme, host and a non-default port', () => {
    assert.equal(normalizeOrigin('https://Shop.Example/'), 'https://shop.example');
    assert.equal(normalizeOrigin('https://shop.example:443'), 'https://shop.example');
    assert.equal(normalizeOrigin('http://localhost:3000'), 'http://localhost:3000');
  });

  it('refuses what is not an origin', () => {
    for (const bad of [
      'shop.example',
      'ftp://shop.example',
      'https://shop.example/path',
      'https://user:pw@shop.example',
      'https://shop.example?x=1',
      '*',
    ]) {
      assert.equal(normalizeOrigin(bad), undefined, bad);
    }
  });
});
