// What one user's sockets can make the server hold (server/gateway/session.ts,
// bus/session-directory.ts):
// sessions that never read do not grow the server's memory (measured on the server process
// itself), they catch up from the inbox once they read again, and sessions per user are capped.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { CloseCode } from '../../src/protocol/frames.js';
import { ServerProcess } from '../support/server-process.mjs';
import {
  connectSynced,
  newUser,
  sendText,
  startTestServer,
  textOf,
  type TestUser,
} from './support/test-server.js';
import type { TestSocket } from './support/ws-client.js';

/**
 * Enough that holding them would dwarf what the server's heap grows by anyway, 4,000 × 15 KB
 * waiting for 10 sessions being 600 MB. What it grows by is garbage: each message's text waits
 * for the thread-pool fsync (0e4432c) in the parsed frame and the stored JSON, and V8 promotes
 * what outlives two scavenges, so the old space fills up to its next collection whatever the
 * count. Each recipient's copy parsed the stored JSON again; since the copies share it, the peak
 * resident memory over this burst grew by 124–146 MB in three runs, against 160–164 before.
 */
const MESSAGES = 4000;
/** 15,000 characters: under the default 16 KiB text limit. */
const TEXT = 'x'.repeat(15_000);

/**
 * Resident memory of a process now (`VmRSS`) or at its peak (`VmHWM`), from /proc (the server
 * tests run on Linux).
 */
async function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  assert.ok(kb > 0, `${field} readable`);
  return kb * 1024;
}

/** Sends `count` texts over `sockets`, at most 100 unacked per socket; resolves once all acked. */
async function sendAll(sockets: TestSocket[], to: string, count: number): Promise<void> {
  const perSocket = Math.ceil(count / sockets.length);
  await Promise.all(
    sockets.map(async (socket, index) => {
      const total = Math.min(perSocket, count - index * perSocket);
      let sent = 0;
      let acked = 0;
      while (acked < total) {
        while (sent < total && sent - acked < 100) {
          sendText(socket, to, TEXT, `s${index}-${sent}`);
          sent += 1;
        }
        await socket.next('ack');
        acked += 1;
      }
    }),
  );
}

describe('sessions that never read', () => {
  let server: ServerProcess;
  before(async () => {
    server = await new ServerProcess({
      env: { OPENWEBIM_RATE_MESSAGES: '1000000', OPENWEBIM_RATE_FRAMES: '1000000' },
    }).start();
  });
  after(() => server.stop());

  it('keep the server’s memory bounded, then catch up from the inbox losing nothing', async () => {
    const alice: TestUser = await newUser(server.url);
    const bob: TestUser = await newUser(server.url);
    // The default cap: 10 sessions of alice, none of which reads once it is in.
    const stuck: TestSocket[] = [];
    for (let i = 0; i < 10; i += 1) {
      const { socket } = await connectSynced(server.url, alice, { multi: true });
      socket.pause();
      stuck.push(socket);
    }
    const senders: TestSocket[] = [];
    for (let i = 0; i < 4; i += 1) {
      senders.push((await connectSynced(server.url, bob, { multi: true })).socket);
    }
    const pid = server.child!.pid!;
    // The peak from here on: what the burst makes the server hold at its worst, not at its end.
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    const before = await memoryOf(pid, 'VmRSS');
    await sendAll(senders, alice.username, MESSAGES);
    const grown = (await memoryOf(pid, 'VmHWM')) - before;
    // 4,000 × 15 KB to 10 sessions is 600 MB if it all waits in the server's buffers.
    assert.ok(
      grown < 180 * 1024 ** 2,
      `the server grew by ${Math.round(grown / 1024 ** 2)} MB at its peak for sessions that do not read`,
    );

    // One of them reads again: it gets every message, once, in seq order.
    const reader = stuck[0]!;
    reader.resume();
    const seqs: number[] = [];
    while (seqs.length < MESSAGES) {
      const frame = await reader.next('msg', () => true, 20_000);
      assert.equal(textOf(frame.message), TEXT);
      seqs.push(frame.message.seq);
    }
    assert.deepEqual(
      seqs,
      Array.from({ length: MESSAGES }, (_, i) => i + 1),
      'every seq once, in order',
    );
    for (const socket of [...stuck, ...senders]) socket.resume();
    await Promise.all([...stuck, ...senders].map((socket) => socket.close()));
  });
});

describe('sessions per user', () => {
  it('kicks the oldest session past the app’s maxSessionsPerUser with 206', async () => {
    const t = await startTestServer();
    try {
      await t.server.domain.apps.update('demo#chat', { maxSessionsPerUser: 3 });
      const carol = await newUser(t.url);
      const sockets: TestSocket[] = [];
      for (let i = 0; i < 3; i += 1) {
        sockets.push((await connectSynced(t.url, carol, { multi: true })).socket);
      }
      const fourth = (await connectSynced(t.url, carol, { multi: true })).socket;
      const kicked = await sockets[0]!.next('kicked');
      assert.equal(kicked.code, 206);
      assert.equal((await sockets[0]!.closed).code, CloseCode.Kicked);
      // The others stay.
      for (const socket of [sockets[1]!, sockets[2]!, fourth]) {
        socket.send({ t: 'ping' });
        await socket.next('pong');
      }
      await Promise.all([sockets[1]!, sockets[2]!, fourth].map((socket) => socket.close()));
    } finally {
      await t.close();
    }
  });
});
