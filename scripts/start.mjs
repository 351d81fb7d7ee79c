// `npm start`: builds what is missing or older than its sources, then runs the reference server
// (server/dist, the openwebim-server workspace) with the demo at http://localhost:8080 (PORT and OPENWEBIM_DATA_DIR override).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => join(root, ...parts);

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
const run = (script) => {
  console.log(`> npm run ${script}`);
  const result = spawnSync(npm, ['run', script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (stale(at('dist', 'chat-widget.js'), at('src'))) run('build:browser');
const serverCli = at('server', 'dist', 'server', 'cli.js');
if (stale(serverCli, at('server'), at('src', 'protocol'))) {
  run('build:server');
}

const server = spawn(process.execPath, [serverCli, 'start'], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
