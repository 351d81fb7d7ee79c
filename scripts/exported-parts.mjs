// What each element re-exports of the elements it renders, read from the source: the `exportparts`
// attributes of `<chat-…>` tags in src/elements (in templates, or set on an element made with
// `createElement`) and the string constants they are built from.
// custom-elements-manifest.config.mjs lists these parts on the host; test/build/exported-parts
// checks that a host re-exports every part of what it renders.
import { readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Each `<chat-x exportparts=…>` under `root`/src/elements: the host (the element whose folder
 * holds the file), the tag, and the list as `{from, to}` pairs (`to` is the name on the host).
 */
export function exportedParts(root) {
  const dir = join(root, 'src', 'elements');
  const files = readdirSync(dir, { recursive: true }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.styles.ts'),
  );
  const everywhere = new Map();
  const uses = [];
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const local = new Map();
    for (const [, name, , value] of text.matchAll(/\bconst (\w+) =\s*(['`])([^'`]*)\2/g)) {
      local.set(name, value);
      everywhere.set(name, everywhere.has(name) ? null : value);
    }
    const host = file.split(sep)[0];
    for (const m of text.matchAll(
      /<(chat-[a-z-]+)\b[^<]*?\sexportparts=(?:"([^"]*)"|\$\{(\w+)\})/g,
    )) {
      uses.push({ file, host, tag: m[1], list: m[2] ?? `\${${m[3]}}`, local });
    }
    // Made in code: `createElement('chat-x')`, then its `setAttribute('exportparts', …)` before
    // any other `chat-` element is made.
    for (const m of text.matchAll(
      /createElement\('(chat-[a-z-]+)'\)(?:(?!createElement\('chat-)[\s\S])*?\.setAttribute\('exportparts',\s*(?:'([^']*)'|(\w+))\)/g,
    )) {
      uses.push({ file, host, tag: m[1], list: m[2] ?? `\${${m[3]}}`, local });
    }
  }
  const expand = (text, local) =>
    text.replace(/\$\{(\w+)\}/g, (_, name) => {
      const value = local.get(name) ?? everywhere.get(name);
      if (value == null) throw new Error(`exportparts: no single string constant ${name}`);
      return expand(value, local);
    });
  return uses.map(({ file, host, tag, list, local }) => ({
    file,
    host,
    tag,
    parts: expand(list, local)
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [from, to = from] = part.split(':').map((name) => name.trim());
        return { from, to };
      }),
  }));
}
