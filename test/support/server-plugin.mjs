// web-test-runner plugin: gives browser tests real reference servers to talk to, through
// `executeServerCommand` from @web/test-runner-commands (see test/support/servers.ts).
import { join } from 'node:path';
import { NoWebSocketProxy } from './no-websocket-proxy.mjs';
import { ServerProcess, freePort } from './server-process.mjs';

export function serverPlugin() {
  /** @type {Map<string, ServerProcess>} */
  const servers = new Map();
  /** @type {Map<string, NoWebSocketProxy>} */
  const proxies = new Map();
  let next = 0;
  const get = (id) => {
    const server = servers.get(id);
    if (!server) throw new Error(`no test server ${id}`);
    return server;
  };
  const info = (id, server) => ({ id, url: server.url, port: server.port });

  return {
    name: 'openwebim-servers',
    async serverStart() {
      servers.set('main', await new ServerProcess().start());
    },
    async serverStop() {
      await Promise.all([...proxies.values()].map((p) => p.close()));
      await Promise.all([...servers.values()].map((s) => s.dispose()));
    },
    async executeCommand({ command, payload }) {
      switch (command) {
        case 'server-info':
          return info(payload?.id ?? 'main', get(payload?.id ?? 'main'));
        case 'server-start': {
          const id = `s${++next}`;
          const server = await new ServerProcess({
            env: payload?.env,
            port: payload?.port,
          }).start();
          servers.set(id, server);
          return info(id, server);
        }
        case 'server-stop':
          await get(payload.id).stop();
          return true;
        case 'server-resume':
          await get(payload.id).start();
          return info(payload.id, get(payload.id));
        case 'server-restart':
          await get(payload.id).restart();
          return info(payload.id, get(payload.id));
        case 'server-dispose':
          await get(payload.id).dispose();
          servers.delete(payload.id);
          return true;
        case 'server-cli':
          return get(payload.id ?? 'main').cli(payload.args);
        case 'server-log':
          // What the server process printed since it (re)started: its own record of what it did.
          return get(payload?.id ?? 'main').output;
        case 'server-sql': {
          // Data as an older server left it, written while the server is stopped (it owns its
          // database while it runs): see `serverSql` in servers.ts.
          const server = get(payload.id);
          if (server.child) throw new Error('server-sql: stop the server first');
          const { default: Database } = await import('better-sqlite3');
          const db = new Database(join(server.dataDir, 'openwebim.sqlite'));
          try {
            return db.prepare(payload.sql).run(...(payload.params ?? [])).changes;
          } finally {
            db.close();
          }
        }
        case 'free-port':
          return freePort();
        case 'proxy-start': {
          const proxy = new NoWebSocketProxy(payload.target, { webSockets: payload.webSockets });
          const id = `p${++next}`;
          proxies.set(id, proxy);
          return { id, url: await proxy.listen() };
        }
        case 'proxy-refused':
          return proxies.get(payload.id)?.refusedAtLeast(payload.atLeast ?? 1);
        case 'proxy-hold':
          return proxies.get(payload.id)?.hold(payload.part, payload.count ?? 1, payload.answers);
        case 'proxy-release':
          return proxies.get(payload.id)?.release(payload.count);
        case 'proxy-dispose': {
          const proxy = proxies.get(payload.id);
          proxies.delete(payload.id);
          return proxy ? proxy.close() : false;
        }
        default:
          return undefined;
      }
    },
  };
}
