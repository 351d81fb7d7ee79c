import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants, brotliCompress, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Plugin } from 'vite';
import { emojiDataLocales } from '../src/elements/chat-emoji-picker/emoji-data-locales.js';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** The folder of `emoji-picker-element-data`, the picker's data built from emojibase-data (MIT). */
function dataRoot(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('emoji-picker-element-data/package.json'));
}

/**
 * One language's data: with emojibase's shortcodes where emojibase has them (English, Japanese,
 * Chinese: the picker's own default), else CLDR's, which every language has.
 */
export function emojiDataSource(locale: string, root = dataRoot()): string {
  const emojibase = join(root, locale, 'emojibase', 'data.json');
  return existsSync(emojibase) ? emojibase : join(root, locale, 'cldr', 'data.json');
}

/** Whether `path` holds `content` and has its compressed copies (written before it). */
async function same(path: string, content: Buffer): Promise<boolean> {
  if (!existsSync(`${path}.br`) || !existsSync(`${path}.gz`)) return false;
  try {
    return content.equals(await readFile(path));
  } catch {
    return false;
  }
}

/**
 * Copies the emoji picker's data into `dist/emoji/{locale}.json` with `.br` and `.gz` copies, for
 * the chat server to serve like its other files (server/http/static-routes.ts): the picker fetches
 * it from there, never from a CDN (src/elements/chat-emoji-picker/).
 *
 * Brotli at quality 9, not build/precompress.ts's 11: on these 430 KB files 11 takes about 2 s each
 * (14 s per build, and the tests build the widget) for 8 KB less (62.5 against 54.6 KB for English),
 * paid once per visitor and release since the picker keeps the data in IndexedDB.
 */
export function emojiData(): Plugin {
  return {
    name: 'openwebim:emoji-data',
    apply: 'build',
    generateBundle(_options, bundle) {
      // The data ships beside the scripts: its notice goes with the libraries' (third-party-licenses.ts).
      const notices = bundle['THIRD_PARTY_LICENSES.txt'];
      if (notices?.type !== 'asset') return;
      const root = dataRoot();
      const { version, license } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        version: string;
        license: string;
      };
      const rule = '-'.repeat(72);
      notices.source =
        `${String(notices.source)}\n${rule}\nemoji-picker-element-data ${version} (${license}), ` +
        `served as emoji/*.json; built from emojibase-data (MIT) and Unicode CLDR data\n${rule}\n\n` +
        `${readFileSync(join(root, 'LICENSE'), 'utf8').trim()}\n`;
    },
    async writeBundle(options) {
      const dir = join(options.dir ?? 'dist', 'emoji');
      await mkdir(dir, { recursive: true });
      const root = dataRoot();
      await Promise.all(
        emojiDataLocales.map(async (locale) => {
          const target = join(dir, `${locale}.json`);
          const content = await readFile(emojiDataSource(locale, root));
          // Unchanged data keeps its files and their times, so the server's ETag stays the same
          // across builds and the picker does not fetch the data again.
          if (await same(target, content)) return;
          const [br, gz] = await Promise.all([
            brotli(content, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: 9,
                [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
                [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
              },
            }),
            gzipped(content, { level: 9 }),
          ]);
          await Promise.all([writeFile(`${target}.br`, br), writeFile(`${target}.gz`, gz)]);
          await writeFile(target, content);
        }),
      );
    },
  };
}
