import { gzipAsync } from '@gfx/zopfli';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, brotliCompress } from 'node:zlib';
import { promisify } from 'node:util';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);

/** What the server sends compressed: scripts, source maps, stylesheets, text. */
const COMPRESSIBLE = /\.(js|mjs|css|map|txt|json|svg|html)$/;

/**
 * Writes `file.br` (brotli, quality 11) and `file.gz` beside `file`, once, at build: the server
 * picks one by `Accept-Encoding` (server/http/static-routes.ts) and compresses nothing per
 * request, so the slowest, smallest settings cost nothing at serving time.
 *
 * The gzip copy is made by Zopfli (Google's exhaustive deflate encoder, as WebAssembly), whose
 * output any gzip decoder reads: 4–5 % smaller than zlib's gzip -9 (webim-sdk.js: 13,980 B
 * against 14,617 B), for about a second per 100 KB at build. Fifteen iterations rather than one:
 * 14 B less on webim-sdk.js, in about the same time (1.5 s); 100 would give 20 B for four times it.
 */
export async function precompressFile(path: string): Promise<void> {
  const content = await readFile(path);
  const [br, gz] = await Promise.all([
    brotli(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
    gzipAsync(content, { numiterations: 15 }),
  ]);
  await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
}

/** The plugin form: every compressible file the build writes gets its `.br` and `.gz`. */
export function precompress(): Plugin {
  return {
    name: 'openwebim:precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => COMPRESSIBLE.test(name))
          .map((name) => precompressFile(join(dir, name))),
      );
    },
  };
}
