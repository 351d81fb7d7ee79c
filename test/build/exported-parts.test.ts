// An element inside another is styled from the page only through the parts its host re-exports
// (`exportparts`): a part missing from the host's list cannot be reached with
// `chat-widget::part(…)`. The lists are read from the source (the `exportparts` attributes and the
// constants they are built from, scripts/exported-parts.mjs) and the inner elements' parts from
// custom-elements.json, so a part added to an element and not to its host's list fails here.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { exportedParts } from '../../scripts/exported-parts.mjs';

interface Use {
  file: string;
  host: string;
  tag: string;
  parts: { from: string; to: string }[];
}

const root = resolve(import.meta.dirname, '..', '..');
const manifest = JSON.parse(await readFile(join(root, 'custom-elements.json'), 'utf8')) as {
  modules: { declarations?: { tagName?: string; cssParts?: { name: string }[] }[] }[];
};
const partsOf = new Map(
  manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .filter((d) => d.tagName)
    .map((d) => [d.tagName!, (d.cssParts ?? []).map((p) => p.name)]),
);
const uses = (exportedParts(root) as Use[]).filter((use) => partsOf.has(use.tag));

describe('re-exported parts', () => {
  it('finds the hosts’ lists in the source', () => {
    const pairs = new Set(uses.map((use) => `${use.host} > ${use.tag}`));
    for (const pair of [
      'chat-widget > chat-window',
      'chat-widget > chat-roster',
      'chat-widget > chat-login',
      'chat-window > chat-group-info',
      'chat-window > chat-emoji-picker',
      'chat-roster > chat-rooms',
    ]) {
      assert.ok(pairs.has(pair), pair);
    }
  });

  for (const use of uses) {
    it(`${use.file}: <${use.tag}> gets every part of it re-exported`, () => {
      const listed = new Set(use.parts.map((p) => p.from));
      const missing = partsOf.get(use.tag)!.filter((name) => !listed.has(name));
      assert.deepEqual(missing, [], `not in the exportparts of <${use.tag}> in ${use.file}`);
    });
  }

  it('lists the re-exported parts on the host in custom-elements.json', () => {
    const unlisted = uses.flatMap((use) =>
      use.parts
        .filter((p) => partsOf.get(use.tag)!.includes(p.from))
        .filter((p) => !partsOf.get(use.host)?.includes(p.to))
        .map((p) => `${use.host}: ${p.to}`),
    );
    assert.deepEqual(unlisted, []);
  });

  it('documents every part an element’s templates name', async () => {
    const undocumented: string[] = [];
    for (const [tag, documented] of partsOf) {
      const dir = join(root, 'src', 'elements', tag);
      for (const file of await readdir(dir)) {
        const text = await readFile(join(dir, file), 'utf8');
        for (const [, names] of text.matchAll(/\bpart=["']([\w\s-]+)["']/g)) {
          for (const name of names!.split(/\s+/)) {
            if (name && !documented.includes(name)) undocumented.push(`${tag}: ${name}`);
          }
        }
      }
    }
    assert.deepEqual([...new Set(undocumented)], []);
  });
});
