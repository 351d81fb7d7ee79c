// Browser-side handle on the reference servers that test/support/server-plugin.mjs runs.
import { executeServerCommand } from '@web/test-runner-commands';

export interface TestServer {
  id: string;
  /** `http://127.0.0.1:{port}` */
  url: string;
  port: number;
}

async function command<T>(name: string, payload?: unknown): Promise<T> {
  return executeServerCommand<T, unknown>(name, payload);
}

/** The server every test file shares, started once per run. Its app `demo#chat` is open. */
export const mainServer = () => command<TestServer>('server-info', { id: 'main' });
/**
 * A server of one's own (for restarts, DNS lists, closed apps), with a fresh data dir. `port` pins
 * it to a port known in advance (from {@link freePort}), e.g. to name it in its own DNS list.
 */
export const startServer = (env?: Record<string, string>, port?: number) =>
  command<TestServer>('server-start', { env, port });
export const stopServer = (id: string) => command<boolean>('server-stop', { id });
/** Starts a stopped server again, on the same port and data dir. */
export const resumeServer = (id: string) => command<TestServer>('server-resume', { id });
export const restartServer = (id: string) => command<TestServer>('server-restart', { id });
export const disposeServer = (id: string) => command<boolean>('server-dispose', { id });
/** Runs `openwebim-server ...args` against the server's data dir. */
export const serverCli = (id: string, args: string[]) =>
  command<{ code: number; stdout: string; stderr: string }>('server-cli', { id, args });
/** What the server printed since it (re)started (with `OPENWEBIM_LOG_LEVEL=debug`, every request it served). */
export const serverLog = (id: string) => command<string>('server-log', { id });
/**
 * Runs one SQL statement on a stopped server's SQLite database and answers the rows it changed:
 * for data an older server stored that today's refuses at the door (a message whose `ext` is
 * nested thousands deep, before issue 11 bounded it), which the server then serves as it would.
 */
export const serverSql = (id: string, sql: string, params: unknown[] = []) =>
  command<number>('server-sql', { id, sql, params });
/**
 * A proxy in front of `target` that passes HTTP requests on and refuses every WebSocket upgrade
 * (502), as some company proxies do: REST works through its `url`, the chat socket never opens.
 * With `webSockets` it passes the socket on too (for tests that hold REST answers only).
 */
export const startNoWebSocketProxy = (target: string, webSockets = false) =>
  command<{ id: string; url: string }>('proxy-start', { target, webSockets });
/** Resolves once the proxy has refused `atLeast` WebSocket upgrades. */
export const proxyRefused = (id: string, atLeast = 1) =>
  command<number>('proxy-refused', { id, atLeast });
/**
 * Makes the proxy hold the requests whose path contains `part` (until {@link proxyRelease}), or
 * with `answers` pass them on at once and hold the server's answers (an answer that arrives older
 * than what happened meanwhile); resolves once `count` of them are held.
 */
export const proxyHold = (id: string, part: string, count = 1, answers = false) =>
  command<number>('proxy-hold', { id, part, count, answers });
/** Passes what the proxy holds on and holds no more; with `count`, the first `count` and holds on. */
export const proxyRelease = (id: string, count?: number) =>
  command<boolean>('proxy-release', { id, count });
export const disposeProxy = (id: string) => command<boolean>('proxy-dispose', { id });
/** A local port with nothing listening on it. */
export const freePort = () => command<number>('free-port');

let counter = 0;
/** A username no other test uses: lowercase, within Agora's alphabet. */
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}${counter}`;
}
