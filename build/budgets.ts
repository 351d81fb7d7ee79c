/**
 * The size budgets of what a page loads, measured on a built dist/ folder as the server sends it:
 * the `.br` / `.gz` copies build/precompress.ts wrote (the server picks them by Accept-Encoding).
 * Checked by test/build/budgets.test.ts, printed by `npm run bench -- bundle`.
 *
 * - the loader, `chat-widget.js`, which every page view of a site pays: ≤ 6 KB brotli;
 * - all that a signed-in visitor with an open conversation loads: the loader, the elements chunk
 *   (the SDK is in it) and every chunk it imports statically: ≤ 75 KB brotli (74.9 KB measured
 *   with the loader's preload, after the emoji picker, app check and chat-window carving landed).
 *   Chunks imported when first used are not part of it: the login form, the Contacts, Groups and
 *   Rooms tabs, Group info, a message's menu and its items, the voice recorder, what I do to
 *   contacts, groups and rooms, the languages, and what only a second tab of the same user runs
 *   (src/store/tab-sharing/follower.ts). A widget feature goes in such a chunk.
 * - `webim-sdk.js`, the SDK alone: ≤ 14 KB gzip (the `.gz` copy, which build/precompress.ts makes
 *   with Zopfli).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BUDGETS = { loader: 6 * 1024, signedIn: 75 * 1024, sdkGzip: 14 * 1024 };

export interface Served {
  /** Paths under dist/. */
  files: string[];
  raw: number;
  brotli: number;
  gzip: number;
}

function served(dist: string, files: string[]): Served {
  const size = (path: string) => {
    if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
    return readFileSync(path).length;
  };
  const sum = (suffix: string) => files.reduce((n, f) => n + size(join(dist, f) + suffix), 0);
  return { files, raw: sum(''), brotli: sum('.br'), gzip: sum('.gz') };
}

/** `file` (under dist/) and every chunk it imports statically, transitively. */
export function withImports(dist: string, file: string): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const code = readFileSync(join(dist, name), 'utf8');
    const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    // Static imports only (`import … from"./x.js"`, `import"./x.js"`): dynamic ones load later.
    for (const match of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([\w.-]+\.js)["']/g)) {
      visit(dir + match[1]);
    }
  };
  visit(file);
  return [...seen];
}

export interface Measured {
  loader: Served;
  signedIn: Served;
  sdk: Served;
  /** The single-file widget, for comparison, when built. */
  standalone?: Served;
}

export function measure(dist: string): Measured {
  const loader = readFileSync(join(dist, 'chat-widget.js'), 'utf8');
  const elements = /["'](chat\/elements-[\w-]+\.js)["']/.exec(loader)?.[1];
  if (!elements) throw new Error('dist/chat-widget.js names no elements chunk');
  const standalone = existsSync(join(dist, 'chat-widget-standalone.js.br'))
    ? served(dist, ['chat-widget-standalone.js'])
    : undefined;
  return {
    loader: served(dist, ['chat-widget.js']),
    signedIn: served(dist, ['chat-widget.js', ...withImports(dist, elements)]),
    sdk: served(dist, ['webim-sdk.js']),
    ...(standalone ? { standalone } : {}),
  };
}
