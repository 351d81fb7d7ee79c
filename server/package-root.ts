import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nameOf = (dir: string): string | undefined => {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
};

/**
 * The folder the demo pages (`demo/`) and the built client (`dist/`) are served from: the one
 * holding the `openwebim` package.json, found by walking up from this module (it sits at `server/`
 * under tsx and at `server/dist/server/` when compiled, both inside the repository's workspace).
 * The server's own package (`openwebim-server`, in `server/`) is passed over on the way. Installed
 * alone, without the repository around it, the server falls back to its own folder.
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  let nearest: string | undefined;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      if (nameOf(dir) === 'openwebim') return dir;
      nearest ??= dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      if (nearest !== undefined) return nearest;
      throw new Error(`no package.json above ${from}`);
    }
    dir = parent;
  }
}
