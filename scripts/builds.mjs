// What `npm start` and the server benchmarks run is built from the sources, and rebuilt only when
// a source is newer than the output: the widget (dist/) and the reference server (server/dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => join(root, ...parts);

/** The compiled server's entry (the openwebim-server workspace's build). */
export const serverCli = at('server', 'dist', 'server', 'cli.js');

/**
 * Node's flags for the server. A 32 MB young generation (V8's default is 16 MB): at 12,000
 * messages a second a scavenge came every 50 ms; with it, the server spent half as long in the
 * garbage collector (150 against 300 ms in 7 s) and the ack p99 was lower in each of four paired
 * runs (issue 11). Operators running `openwebim-server` directly pass the same flag to node (or in
 * NODE_OPTIONS); see server/README.md.
 */
export const serverNodeFlags = ['--max-semi-space-size=32'];

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Build outputs and installed packages inside a source folder (server/dist) are not sources.
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const stale = (output, ...sources) =>
  !existsSync(output) || statSync(output).mtimeMs < Math.max(...sources.map((s) => newest(s)));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
function run(script) {
  console.log(`> npm run ${script}`);
  const result = spawnSync(npm, ['run', script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Builds the widget's files (dist/) if a source is newer. */
export function buildBrowserIfStale() {
  if (stale(at('dist', 'chat-widget.js'), at('src'))) run('build:browser');
}

/** Builds the server (server/dist/) if a source of it, or of the protocol it shares, is newer. */
export function buildServerIfStale() {
  if (stale(serverCli, at('server'), at('src', 'protocol'))) run('build:server');
}
