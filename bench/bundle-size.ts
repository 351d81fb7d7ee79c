/**
 * Bundle sizes as the server sends them (build/budgets.ts: the loader and what a signed-in visitor
 * loads, in brotli; the SDK alone in gzip), beside the single-file widget a page loaded before the
 * loader (chat-widget-standalone.js, still built for sites that host one file) and the SDK we are
 * measured against: agora-chat 1.4.0's Agora-chat.js.
 * The reference file is fetched once with `npm pack` (into .tmp/bench) when the registry answers;
 * otherwise the size measured in shared/reference/webim-sdk-facts.md §1.2 is printed, and says so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { BUDGETS, measure, type Served } from '../build/budgets.js';

const AGORA_DOCUMENTED_GZIP = 152_843;

export const gzipSize = (bytes: Buffer): number => gzipSync(bytes, { level: 9 }).length;
export const brotliSize = (bytes: Buffer): number =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;

function agoraChatGzip(root: string): { bytes: number; source: string } {
  const dir = join(root, '.tmp', 'bench');
  const file = join(dir, 'package', 'Agora-chat.js');
  try {
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      execFileSync('npm', ['pack', 'agora-chat@1.4.0', '--silent'], { cwd: dir, stdio: 'pipe' });
      const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
      if (!tarball) throw new Error('npm pack produced no tarball');
      execFileSync('tar', ['-xzf', tarball, 'package/Agora-chat.js'], { cwd: dir });
    }
    return {
      bytes: gzipSize(readFileSync(file)),
      source: 'measured from npm pack agora-chat@1.4.0',
    };
  } catch {
    return { bytes: AGORA_DOCUMENTED_GZIP, source: 'documented (registry not reachable)' };
  }
}

export interface SizeRow {
  name: string;
  raw: number;
  gzip: number;
  brotli: number;
  /** The budget, and which compression it is counted in. */
  target?: { bytes: number; in: 'brotli' | 'gzip' };
}

export function bundleSizes(root: string): {
  rows: SizeRow[];
  agora: { bytes: number; source: string };
} {
  const sizes = measure(join(root, 'dist'));
  const row = (name: string, served: Served, target?: SizeRow['target']): SizeRow => ({
    name,
    raw: served.raw,
    gzip: served.gzip,
    brotli: served.brotli,
    ...(target ? { target } : {}),
  });
  const rows = [
    row('chat-widget.js (the loader: every page view)', sizes.loader, {
      bytes: BUDGETS.loader,
      in: 'brotli',
    }),
    row(`signed in, conversation open (${sizes.signedIn.files.length} files)`, sizes.signedIn, {
      bytes: BUDGETS.signedIn,
      in: 'brotli',
    }),
    ...(sizes.standalone
      ? [row('chat-widget-standalone.js (one file, as before)', sizes.standalone)]
      : []),
    row('webim-sdk.js (SDK alone)', sizes.sdk, { bytes: BUDGETS.sdkGzip, in: 'gzip' }),
  ];
  return { rows, agora: agoraChatGzip(root) };
}
