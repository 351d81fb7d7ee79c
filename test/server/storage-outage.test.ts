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
  rest,
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
  it('refuses sends and requests with a clear error, says not ready, and resumes when it is back', async () => {
    const alice = await newUser(server.url);
    const bob = await newUser(server.url);
    const a = await connectSynced(server.url, alice);
    const b = await connectSynced(server.url, bob);

    // Acked (so committed) a moment before the kill: still there after the restart.
    sendText(a.socket, bob.username, 'acked just before the kill');
    const before = await a.socket.next('ack');
    assert.equal((await b.socket.next('msg')).message.mid, before.mid);
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
    // The pool dropped the connections the kill broke: the first probe finds the storage again,
    // with what was committed before the kill (the schema, both users) still there.
    const ready = await api(server.url, 'GET', '/ready');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.equal((await rest(server.url, alice, 'GET', `/users/${bob.username}`)).status, 200);
    // The client sends it again (its outbox kept it): stored once, delivered once.
    sendText(a.socket, bob.username, 'kept in the outbox', id);
    const ack = await a.socket.next('ack');
    assert.equal(ack.id, id);
    const delivered = await b.socket.next('msg');
    assert.equal(delivered.message.mid, ack.mid);
    await b.socket.close();
    // Bob's inbox, read again from the start: both messages, once each, in order.
    const replay = await connectSynced(server.url, bob, { since: 0 });
    assert.deepEqual(
      replay.socket.received.flatMap((frame) => (frame.t === 'msg' ? [frame.message.mid] : [])),
      [before.mid, ack.mid],
    );
    await Promise.all([a.socket.close(), replay.socket.close()]);
  });
});
