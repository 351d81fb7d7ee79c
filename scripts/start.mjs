// `npm start`: builds what is missing or older than its sources, then runs the reference server
// (server/dist, the openwebim-server workspace) with the demo at http://localhost:8080 (PORT and OPENWEBIM_DATA_DIR override).
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBrowserIfStale, buildServerIfStale, serverCli, serverNodeFlags } from './builds.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
buildBrowserIfStale();
buildServerIfStale();

const server = spawn(process.execPath, [...serverNodeFlags, serverCli, 'start'], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
