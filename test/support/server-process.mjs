// Starts the reference server as a child process, exactly as `openwebim-server` runs, for the
// browser tests (through the web-test-runner plugin beside this file) and the server tests.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'server', 'cli.ts');
const nodeArgs = ['--import', 'tsx', cli];

/** A port nobody listens on (for dead-host tests) or that a server may take. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export class ServerProcess {
  /** @param {{env?: Record<string,string>, port?: number, dataDir?: string}} options */
  constructor(options = {}) {
    this.env = options.env ?? {};
    this.port = options.port;
    this.dataDir = options.dataDir;
    this.child = undefined;
    this.output = '';
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.port ??= await freePort();
    this.dataDir ??= await mkdtemp(join(tmpdir(), 'openwebim-test-'));
    this.ownsDataDir ??= true;
    const child = spawn(process.execPath, nodeArgs, {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(this.port),
        OPENWEBIM_DATA_DIR: this.dataDir,
        OPENWEBIM_LOG_LEVEL: process.env.OPENWEBIM_LOG_LEVEL ?? 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise((resolve, reject) => {
      const onData = (chunk) => {
        this.output += chunk;
        if (this.output.includes('openwebim listening on')) resolve();
      };
      child.stdout.setEncoding('utf8').on('data', onData);
      child.stderr.setEncoding('utf8').on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`server exited with ${code} before listening:\n${this.output}`)),
      );
      setTimeout(
        () => reject(new Error(`server did not start in 20 s:\n${this.output}`)),
        20_000,
      ).unref();
    });
    return this;
  }

  async stop() {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  async restart() {
    await this.stop();
    this.output = '';
    return this.start();
  }

  /** Runs `openwebim-server ...args` against this server's data dir. */
  cli(args) {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [...nodeArgs, ...args],
        { cwd: root, env: { ...process.env, OPENWEBIM_DATA_DIR: this.dataDir, ...this.env } },
        (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  async dispose() {
    await this.stop();
    if (this.ownsDataDir && this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
