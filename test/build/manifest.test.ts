// custom-elements.json as tools read it (IDEs, framework type generators, docs sites): every event
// an element fires has its name. The analyzer records an event without a name when it is
// dispatched inline (`this.dispatchEvent(new ChatSendEvent(…))`), which listed a nameless event
// on <chat-window>.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '..', '..');
const manifest = JSON.parse(await readFile(join(root, 'custom-elements.json'), 'utf8')) as {
  modules: { declarations?: { name: string; tagName?: string; events?: { name?: string }[] }[] }[];
};
const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);

describe('custom-elements.json', () => {
  it('names every event of every element', () => {
    const nameless = elements.flatMap((d) =>
      (d.events ?? []).filter((e) => !e.name).map(() => d.tagName),
    );
    assert.deepEqual(nameless, []);
  });

  it('lists chat-window’s chat-send once', () => {
    const window = elements.find((d) => d.tagName === 'chat-window');
    assert.deepEqual(
      window?.events?.map((e) => e.name),
      ['chat-send'],
    );
  });
});
