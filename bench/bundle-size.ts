/**
 * Bundle sizes, gzip -9, beside the SDK we are measured against: agora-chat 1.4.0's Agora-chat.js.
 * Brotli (quality 11, what a server precompressing static files would send) is printed beside it
 * for information only: the targets are gzip -9.
 * The reference file is fetched once with `npm pack` (into .tmp/bench) when the registry answers;
 * otherwise the size measured in shared/reference/webim-sdk-facts.md §1.2 is printed, and says so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const AGORA_DOCUMENTED_GZIP = 152_843;
const TARGETS = { widget: 40 * 1024, sdk: 10 * 1024 };

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
  target?: number;
}

export function bundleSizes(root: string): {
  rows: SizeRow[];
  agora: { bytes: number; source: string };
} {
  const files = [
    {
      name: 'dist/chat-widget.js (whole widget + SDK)',
      path: 'dist/chat-widget.js',
      target: TARGETS.widget,
    },
    { name: 'dist/webim-sdk.js (SDK alone)', path: 'dist/webim-sdk.js', target: TARGETS.sdk },
  ];
  const rows = files.map(({ name, path, target }) => {
    const full = join(root, path);
    if (!existsSync(full)) throw new Error(`${path} is missing: run npm run build first`);
    const bytes = readFileSync(full);
    return { name, raw: bytes.length, gzip: gzipSize(bytes), brotli: brotliSize(bytes), target };
  });
  return { rows, agora: agoraChatGzip(root) };
}
