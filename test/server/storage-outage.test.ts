// PostgreSQL going away under a running server (killed for real, then started again on the same
// port and data): requests are refused with a clear error and nothing is lost, the process stays
// up and says it is not ready, and everything works again once the database is back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres } from '../support/services.mjs';
import {
  api,
  connectSynced,
  newUser,
  sendText,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

let cluster: Awaited<ReturnType<typeof startPostgres>>;
let server: TestServer;

before(async () => {
  // A cluster of its own: this test stops it.
  cluster = await startPostgres();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE outage');
  await admin.end();
  server = await startTestServer({ databaseUrl: cluster.url.replace(/\/postgres$/, '/outage') });
});
after(async () => {
  await server?.close();
  cluster?.stop();
});

describe('PostgreSQL unreachable', () => {
  // A known bug, open in issue 10: once PostgreSQL is back, a direct client connects at once, yet
  // this server's /ready stays 503 'storage unreachable' (3 runs of 3 on a quiet machine; it
  // passed under load). The test runs and reports it as todo until the recovery is fixed.
  const todo = 'after PostgreSQL restarts, the server does not find its storage again (issue 10)';
  it(
    'refuses sends and requests with a clear error, says not ready, and resumes when it is back',
    { todo },
    async () => {
      const alice = await newUser(server.url);
      const bob = await newUser(server.url);
      const a = await connectSynced(server.url, alice);
      const b = await connectSynced(server.url, bob);

      cluster.halt();
      assert.deepEqual((await api(server.url, 'GET', '/health')).body, { status: 'ok' });
      const notReady = await api(server.url, 'GET', '/ready');
      assert.equal(notReady.status, 503);
      assert.deepEqual(notReady.body, { status: 'unavailable', storage: 'unreachable', bus: 'ok' });

      const refused = await api<{ error: string; error_description: string }>(
        server.url,
        'POST',
        '/demo/chat/users',
        { body: { username: 'nobody', password: 'secret-pw' } },
      );
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error, 'internal_server_error');
      assert.match(refused.body.error_description, /storage is unreachable/);

      const id = sendText(a.socket, bob.username, 'kept in the outbox');
      const error = await a.socket.next('error');
      assert.equal(error.code, 500);
      assert.match(error.reason, /storage is unreachable; nothing was stored/);
      assert.equal(a.socket.unread().filter((frame) => frame.t === 'ack').length, 0, 'not acked');

      cluster.resume();
      // The database accepts connections again; the pool may still hand out a connection it had
      // before the kill, which fails once and is dropped, so /ready turns as an orchestrator sees it:
      // on one of its next probes.
      let ready = await api(server.url, 'GET', '/ready');
      for (let tries = 0; ready.status !== 200 && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        ready = await api(server.url, 'GET', '/ready');
      }
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      // The client sends it again (its outbox kept it): stored once, delivered once.
      sendText(a.socket, bob.username, 'kept in the outbox', id);
      const ack = await a.socket.next('ack');
      assert.equal(ack.id, id);
      const delivered = await b.socket.next('msg');
      assert.equal(delivered.message.mid, ack.mid);
      await Promise.all([a.socket.close(), b.socket.close()]);
    },
  );
});
