// `npm run lint` part: custom-elements.json is committed (package.json's "customElements" points
// at it), so it must match the element JSDoc it is generated from.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// The analyzer resolves --outdir against the working directory, so the fresh copy goes in .tmp/.
const dir = join('.tmp', `cem-${process.pid}`);
try {
  execFileSync('npx', ['cem', 'analyze', '--outdir', dir], { stdio: 'pipe' });
  const fresh = readFileSync(join(dir, 'custom-elements.json'), 'utf8');
  if (fresh !== readFileSync('custom-elements.json', 'utf8')) {
    console.error('custom-elements.json is stale: run `npm run analyze` and commit it.');
    process.exit(1);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
