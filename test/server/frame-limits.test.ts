// Limits on what one client may send over its sockets (server/gateway/client-frames.ts,
// session.ts): the shape of `ext`, the rate of every frame kind per user across sockets, and junk.
import assert from 'node:assert/strict';
import { createConnection, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { MessageLimits } from '../../src/protocol/frames.js';
import {
  connectSynced,
  newUser,
  PASSWORD,
  register,
  sendText,
  settle,
  startTestServer,
  wsUrl,
  type TestServer,
} from './support/test-server.js';
import { freshDatabase } from './support/postgres.js';
import { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

/** A `msg` frame as raw JSON, with `ext` written as given (so it can be deeper than we'd build). */
const rawMessage = (id: string, to: string, extJson: string) =>
  `{"t":"msg","id":"${id}","to":"${to}","chatType":"singleChat","type":"txt","msg":"hi","ext":${extJson}}`;

describe('ext', () => {
  it('refuses an ext nested 4,000 deep (under 8 KiB) with a nack naming the depth, storing nothing', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const { socket } = await connectSynced(t.url, alice);
    const deep = `{"a":${'['.repeat(4000)}1${']'.repeat(4000)}}`;
    assert.ok(deep.length < MessageLimits.extMaxBytes);
    socket.sendRaw(rawMessage('deep1', bob.username, deep));
    const nack = await socket.next('nack');
    assert.equal(nack.id, 'deep1');
    assert.equal(nack.code, 205);
    assert.equal(nack.reason, `ext is nested deeper than ${MessageLimits.extMaxDepth} levels`);
    await settle(socket);
    assert.deepEqual(
      socket.received.filter((frame) => frame.t === 'error' || frame.t === 'ack'),
      [],
      'no error frame, nothing acked',
    );
    const { syncDone } = await connectSynced(t.url, bob);
    assert.equal(syncDone.seq, 0, 'nothing reached the recipient');
    await socket.close();
  });

  it('takes an ext at the depth limit and refuses one level more', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const { socket } = await connectSynced(t.url, alice);
    const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    socket.sendRaw(rawMessage('ok1', bob.username, nested(MessageLimits.extMaxDepth)));
    assert.equal((await socket.next('ack')).id, 'ok1');
    socket.sendRaw(rawMessage('no1', bob.username, nested(MessageLimits.extMaxDepth + 1)));
    assert.equal((await socket.next('nack')).id, 'no1');
    await socket.close();
  });

  it('refuses an ext with more keys and items than the limit', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const { socket } = await connectSynced(t.url, alice);
    const wide = JSON.stringify({
      list: Array.from({ length: MessageLimits.extMaxEntries }, () => 0),
    });
    assert.ok(wide.length < MessageLimits.extMaxBytes);
    socket.sendRaw(rawMessage('wide1', bob.username, wide));
    const nack = await socket.next('nack');
    assert.equal(nack.code, 205);
    assert.match(nack.reason, /more than 512 keys and items/);
    await socket.close();
  });
});

describe('per-user limits across sockets', () => {
  it('holds one user’s messages on three sockets to one limit', async () => {
    const limited = await startTestServer({ messagesPerSecond: 10 });
    try {
      const alice = await newUser(limited.url);
      const bob = await newUser(limited.url);
      const sockets = await Promise.all(
        [1, 2, 3].map(
          async () => (await connectSynced(limited.url, alice, { multi: true })).socket,
        ),
      );
      for (const socket of sockets) {
        for (let i = 0; i < 10; i += 1) sendText(socket, bob.username, `m${i}`);
      }
      await Promise.all(sockets.map((socket) => settle(socket)));
      const answers = sockets.flatMap((socket) =>
        socket.received.filter((frame) => frame.t === 'ack' || frame.t === 'nack'),
      );
      assert.equal(answers.length, 30);
      const acked = answers.filter((frame) => frame.t === 'ack').length;
      const nacked = answers.filter((frame) => frame.t === 'nack');
      // One window of 10, or two if the burst straddled a second; per socket it would be 30.
      assert.ok(acked <= 20, `${acked} of 30 acked against a limit of 10/s`);
      for (const nack of nacked) assert.equal(nack.code, 509);
      await Promise.all(sockets.map((socket) => socket.close()));
    } finally {
      await limited.close();
    }
  });

  it('limits pings and receipts too, answering error 509', async () => {
    const limited = await startTestServer({ framesPerSecond: 10 });
    try {
      const alice = await newUser(limited.url);
      const sockets = await Promise.all(
        [1, 2].map(async () => (await connectSynced(limited.url, alice, { multi: true })).socket),
      );
      for (const socket of sockets) {
        for (let i = 0; i < 20; i += 1) socket.send({ t: 'ping' });
        socket.send({ t: 'recv', seq: 0 });
      }
      // Wait for the last answer of each: 21 frames, each a pong or an error.
      await Promise.all(
        sockets.map(async (socket) => {
          while (socket.received.filter((f) => f.t === 'pong' || f.t === 'error').length < 20) {
            await Promise.race([socket.next('pong'), socket.next('error')]);
          }
        }),
      );
      const pongs = sockets.flatMap((s) => s.received.filter((f) => f.t === 'pong')).length;
      const errors = sockets.flatMap((s) => s.received.filter((f) => f.t === 'error'));
      assert.ok(pongs <= 20, `${pongs} pongs against a limit of 10/s`);
      assert.ok(errors.length >= 20);
      assert.equal(errors[0]!.code, 509);
      assert.match(errors[0]!.reason, /too many frames/);
      await Promise.all(sockets.map((socket) => socket.close()));
    } finally {
      await limited.close();
    }
  });
});

describe('connections', () => {
  it('closes a TCP connection that sends nothing, and one past the per-address bound', async () => {
    const limited = await startTestServer({ idleConnectionMs: 300, connectionsPerAddress: 3 });
    try {
      const { port } = new URL(limited.url);
      const open = () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = createConnection({ host: '127.0.0.1', port: Number(port) }, () =>
            resolve(socket),
          );
          socket.once('error', reject);
        });
      const closed = (socket: Socket) =>
        new Promise<void>((resolve) => {
          if (socket.destroyed) resolve();
          else socket.once('close', () => resolve());
        });
      const idle = [await open(), await open(), await open()];
      const fourth = await open();
      // The fourth from this address is dropped at once; the three idle ones after 300 ms.
      await closed(fourth);
      await Promise.all(idle.map(closed));
      // Then the address may connect again.
      const again = await open();
      await closed(again);
    } finally {
      await limited.close();
    }
  });

  it('answers a request held longer than the idle timeout, then closes the idle connection', async () => {
    // A login kept waiting 4 idle timeouts by a lock on the users table (as by a busy database or
    // a queue of password hashes): it is answered, not reset; idle after its answer, it is closed.
    const databaseUrl = await freshDatabase();
    const held = await startTestServer({ databaseUrl, idleConnectionMs: 250 });
    const locker = new pg.Client({ connectionString: databaseUrl });
    try {
      const username = await register(held.url);
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const { hostname, port } = new URL(held.url);
      const socket = createConnection({ host: hostname, port: Number(port) });
      socket.setEncoding('utf8');
      let received = '';
      socket.on('data', (chunk: string) => (received += chunk));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      const body = JSON.stringify({ grant_type: 'password', username, password: PASSWORD });
      socket.write(
        `POST /demo/chat/token HTTP/1.1\r\nHost: ${hostname}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
          body,
      );
      await sleep(1000);
      assert.equal(received, '', 'nothing answered while the table is locked');
      assert.ok(!socket.destroyed, 'the connection is open while its request is answered');
      await locker.query('COMMIT');
      await closed;
      assert.match(received, /^HTTP\/1\.1 200 /);
      assert.match(received, /"access_token":"/);
    } finally {
      await locker.end();
      await held.close();
    }
  });

  it('behind a trusted proxy, refuses a WebSocket past the bound per forwarded address with 429', async () => {
    const limited = await startTestServer({ connectionsPerAddress: 2, trustProxy: true });
    try {
      const alice = await newUser(limited.url);
      const from = (ip: string) => ({ multi: true, headers: { 'x-forwarded-for': ip } });
      const first = (await connectSynced(limited.url, alice, from('10.9.0.1'))).socket;
      const second = (await connectSynced(limited.url, alice, from('10.9.0.1'))).socket;
      await assert.rejects(
        TestSocket.open(wsUrl(limited.url), { 'x-forwarded-for': '10.9.0.1' }),
        /upgrade refused: 429/,
      );
      const other = (await connectSynced(limited.url, alice, from('10.9.0.2'))).socket;
      await first.close();
      const again = (await connectSynced(limited.url, alice, from('10.9.0.1'))).socket;
      await Promise.all([second.close(), other.close(), again.close()]);
    } finally {
      await limited.close();
    }
  });
});
