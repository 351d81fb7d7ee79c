// Starts the reference server as a child process, exactly as `openwebim-server` runs, for the
// browser tests (through the web-test-runner plugin beside this file) and the server tests.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverCli, serverNodeFlags } from '../../scripts/builds.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'server', 'cli.ts');
/** From the sources, through tsx: what the tests run, so they need no build. */
const nodeArgs = ['--import', 'tsx', cli];
/** The compiled server (`npm run build:server`), as `npm start` and the package run it. */
const compiledArgs = [...serverNodeFlags, serverCli, 'start'];

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

/** The port asked for was taken when the server came to listen on it. */
class PortTaken extends Error {}

/** The phrase the server prints once it listens, with its URL (server/cli.ts). */
const LISTENING = /openwebim listening on (\S+)/;

/**
 * A server child process. Without a `port` it listens on port 0 and reports the port the system
 * gave it, so no other process of the machine can take the port between a pick and the listen.
 * An `env` that names the port (a public URL) is a function of it: the port is picked first then,
 * and picked again when the server finds it taken (EADDRINUSE).
 */
export class ServerProcess {
  /**
   * @param {{env?: Record<string,string> | ((port: number) => Record<string,string>),
   *   port?: number, dataDir?: string, compiled?: boolean}} options `compiled`: run server/dist
   *   (built beforehand) instead of the sources through tsx, as the benchmarks do.
   */
  constructor(options = {}) {
    this.env = options.env ?? {};
    this.args = options.compiled ? compiledArgs : nodeArgs;
    this.port = options.port;
    this.dataDir = options.dataDir;
    this.child = undefined;
    this.output = '';
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.dataDir ??= await mkdtemp(join(tmpdir(), 'openwebim-test-'));
    this.ownsDataDir ??= true;
    if (this.port !== undefined) return this.#launch(this.port);
    if (typeof this.env !== 'function') return this.#launch(0);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        return await this.#launch(port);
      } catch (error) {
        // Another process of the machine took the port between freePort() and the listen.
        if (!(error instanceof PortTaken) || attempt === 5) throw error;
        this.output = '';
      }
    }
  }

  /** The environment given, for `port` (the one it listens on, once known). */
  #env(port = this.port) {
    return typeof this.env === 'function' ? this.env(port) : this.env;
  }

  /** Spawns the server on `port` (0: any) and resolves once it listens, with `this.port` set. */
  async #launch(port) {
    const env = this.#env(port);
    const child = spawn(process.execPath, this.args, {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        OPENWEBIM_DATA_DIR: this.dataDir,
        OPENWEBIM_LOG_LEVEL: process.env.OPENWEBIM_LOG_LEVEL ?? 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const url = await new Promise((resolve, reject) => {
      const onData = (chunk) => {
        this.output += chunk;
        const listening = LISTENING.exec(this.output);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      };
      child.stdout.setEncoding('utf8').on('data', onData);
      child.stderr.setEncoding('utf8').on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        const message = `server exited with ${code} before listening:\n${this.output}`;
        reject(this.output.includes('EADDRINUSE') ? new PortTaken(message) : new Error(message));
      });
      const timer = setTimeout(() => {
        // Not left running: a test whose before() failed has no server to dispose of.
        child.kill('SIGKILL');
        reject(new Error(`server did not start in 20 s:\n${this.output}`));
      }, 20_000);
      timer.unref();
    });
    this.port = Number(new URL(url).port);
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
        { cwd: root, env: { ...process.env, OPENWEBIM_DATA_DIR: this.dataDir, ...this.#env() } },
        (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  async dispose() {
    await this.stop();
    if (this.ownsDataDir && this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
