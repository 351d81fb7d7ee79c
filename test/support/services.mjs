// Throwaway PostgreSQL clusters and Redis servers on free ports on 127.0.0.1, for the tests of the
// scale-out storage and bus. `npm test` starts one PostgreSQL cluster for the whole run (the tests
// each create a database of their own in it) and hands its URL down in OPENWEBIM_TEST_POSTGRES_URL;
// a test file run alone starts its own. Each process is stopped by its own pid, never by name.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process.mjs';

/** What to install when a binary is missing (Debian package names, as .ci/run installs them). */
export const installHint = 'Debian: apt-get install -y postgresql redis-server';

/** The directory of PostgreSQL's server binaries (initdb, pg_ctl), or `null`. */
export function postgresBinDir() {
  const configured = process.env.OPENWEBIM_PG_BIN;
  if (configured) return existsSync(join(configured, 'initdb')) ? configured : null;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(root, versions[0], 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    return existsSync(join(dir, 'initdb')) ? dir : null;
  } catch {
    return null;
  }
}

/** The `redis-server` binary, or `null`. */
export function redisServerPath() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  return null;
}

/** `null` when both are installed; else the sentence saying what is missing and how to get it. */
export function missingServices() {
  const missing = [];
  if (!postgresBinDir()) missing.push('PostgreSQL (initdb, pg_ctl)');
  if (!redisServerPath()) missing.push('Redis (redis-server)');
  if (missing.length === 0) return null;
  return `${missing.join(' and ')} not installed: the scale-out tests need them. ${installHint}`;
}

function requireBinaries() {
  const missing = missingServices();
  if (missing) throw new Error(missing);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** As root, PostgreSQL refuses to run: its commands run as the `postgres` user then. */
function asPostgres(command, args) {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * Starts a PostgreSQL cluster in a temporary directory (fsync off: it is thrown away; `durable`
 * keeps fsync on, for a benchmark that compares with SQLite's fsynced commits). Commits stay
 * synchronous: {@link halt} kills the server the way a crash does, and with
 * `synchronous_commit=off` the transactions committed in its last few hundred ms (the schema a
 * server had just migrated, say) were still in its WAL buffers and gone after the restart.
 * @param {{durable?: boolean}} [options]
 * @returns {Promise<{url: string, pid: number, port: number, dir: string, halt(): void, resume(): void, stop(): void}>}
 */
export async function startPostgres({ durable = false } = {}) {
  requireBinaries();
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'openwebim-pg-'));
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const run = (command, args) => {
    const [file, argv] = asPostgres(join(bin, command), args);
    execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  let port = 0;
  const start = () => {
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      ...(durable ? [] : ['-c fsync=off', '-c full_page_writes=off']),
      '-c max_connections=300',
    ].join(' ');
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', serverOptions, '-w', 'start']);
    return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  };
  // PostgreSQL cannot listen on port 0: a free port is picked, and picked again when another
  // process of the machine took it before the cluster could bind it.
  let pid;
  for (let attempt = 1; pid === undefined; attempt++) {
    port = await freePort();
    try {
      pid = start();
    } catch (error) {
      const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
      if (!log.includes('Address already in use') || attempt === 5) throw error;
    }
  }
  const watcher = watchOwner(dir);
  let halted = false;
  let stopped = false;
  /** SIGQUIT: immediate shutdown, as if the machine went away (the cluster is thrown away). */
  const kill = () => {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // gone already
    }
    waitForExit(pid);
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    get pid() {
      return pid;
    },
    port,
    dir,
    /** Makes the server unreachable (killed), keeping its data for {@link resume}. */
    halt() {
      if (halted || stopped) return;
      halted = true;
      kill();
    },
    /** Starts it again on the same port and data after {@link halt}. */
    resume() {
      if (!halted || stopped) return;
      pid = start();
      halted = false;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      watcher.kill();
      if (!halted) kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A test process that is killed (a timeout, Ctrl-C twice) runs no exit handler, and its cluster
 * would run on. A small detached watcher stops the cluster in `dir` once this process is gone.
 */
function watchOwner(dir) {
  const code = `
    const { readFileSync, rmSync } = require('node:fs');
    const owner = ${process.pid};
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (alive(owner)) return;
      try {
        const pid = Number(readFileSync(${JSON.stringify(join(dir, 'data', 'postmaster.pid'))}, 'utf8').split('\\n')[0]);
        process.kill(pid, 'SIGQUIT');
      } catch {}
      setTimeout(() => { rmSync(${JSON.stringify(dir)}, { recursive: true, force: true }); process.exit(0); }, 2000);
    }, 500);`;
  const child = spawn(process.execPath, ['-e', code], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

/** Whether the process runs (a zombie, which nobody may reap in a container, has stopped). */
function running(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Waits (synchronously, at most ~10 s) until the process has stopped. */
function waitForExit(pid) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && running(pid)) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** Spawns redis-server on `port`; resolves once it accepts connections. */
async function launchRedis(port) {
  const child = spawn(
    redisServerPath(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  child.removeAllListeners('exit');
  return child;
}

/**
 * Starts a Redis server with no persistence on a free port (or on `port`, to restart one).
 * @param {{port?: number}} [options]
 * @returns {Promise<{url: string, port: number, pid: number, stop(): void}>}
 */
export async function startRedis(options = {}) {
  requireBinaries();
  // Redis cannot report a port it picked (port 0 turns TCP off): a free port is picked, and picked
  // again when another process of the machine took it first. A given port (a restart) is kept.
  let port;
  let child;
  for (let attempt = 1; child === undefined; attempt++) {
    port = options.port ?? (await freePort());
    try {
      child = await launchRedis(port);
    } catch (error) {
      if (options.port || !String(error).includes('Address already in use') || attempt === 5) {
        throw error;
      }
    }
  }
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
      waitForExit(child.pid);
    },
  };
}
