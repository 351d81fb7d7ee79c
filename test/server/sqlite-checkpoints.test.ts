// The WAL of the SQLite store stays short under a load that never pauses (issue 11): after the
// worker's rounds, the serving connection restarts it between two of its writes
// (server/storage/sqlite-checkpoints.ts), and truncates a file a burst left long once the writes
// slow down. Real files, a real worker thread. Group commit does not space its batches here
// (`commitSpacing: null`): its pauses of a few milliseconds let a passive checkpoint finish
// between two commits, and SQLite then starts the WAL over by itself, which is not the load these
// tests are about (in the server at 12,000 messages a second, with the spacing, the WAL still grew
// by 40,000-54,000 frames between two rounds of the checkpointer, which restarted it).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CheckpointRound } from '../../server/storage/sqlite-checkpoints.js';
import { SqliteStorage } from '../../server/storage/sqlite-storage.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openwebim-checkpoints-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const now = Date.now();
const body = JSON.stringify({ type: 'txt', msg: 'x'.repeat(2000) });

async function openStore(name: string, walBytesLimit?: number) {
  const rounds: CheckpointRound[] = [];
  const waiting: {
    match: (round: CheckpointRound) => boolean;
    resolve: (round: CheckpointRound) => void;
  }[] = [];
  const onRound = (round: CheckpointRound) => {
    rounds.push(round);
    for (const waiter of waiting.filter((w) => w.match(round))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(round);
    }
  };
  /**
   * Resolves with the first round from now on that `match` accepts. The checkpointer's worker
   * does not keep the process alive (the server's sockets do), so a timer does meanwhile.
   */
  const nextRound = async (match: (round: CheckpointRound) => boolean) => {
    const alive = setInterval(() => undefined, 1000);
    try {
      return await new Promise<CheckpointRound>((resolve) => waiting.push({ match, resolve }));
    } finally {
      clearInterval(alive);
    }
  };
  const path = join(dir, name);
  const storage = new SqliteStorage(path, {
    checkpoints: { intervalMs: 20, walBytesLimit, onRound },
    commitSpacing: null,
  });
  for (const username of ['ann', 'bob']) {
    const user = { appKey: 'o#a', username, uuid: username, passwordHash: 'x', nickname: null };
    await storage.createUser({ ...user, created: now, modified: now } as never, null);
  }
  return { storage, rounds, nextRound, wal: `${path}-wal` };
}

/** Messages stored so far (their ids). */
let sent = 0;

/**
 * Stores messages from `writers` loops at once, each sending its next as soon as the last is
 * acked, so a commit is always waiting while a sync runs: the writes never pause. Resolves with
 * the bytes of message bodies stored, once `until` (given the bytes so far) says so.
 */
async function writeWithoutPause(
  storage: SqliteStorage,
  until: (bytes: number) => boolean,
  writers = 16,
): Promise<number> {
  let bytes = 0;
  const loop = async (writer: number) => {
    while (!until(bytes)) {
      sent += 1;
      await storage.storeMessage('o#a', {
        mid: `m${sent}`,
        clientId: `c${sent}`,
        from: writer % 2 ? 'ann' : 'bob',
        to: writer % 2 ? 'bob' : 'ann',
        chatType: 'singleChat',
        type: 'txt',
        body,
        ext: '{}',
        time: now,
        files: [],
      });
      bytes += body.length;
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, i) => loop(i)));
  return bytes;
}

/** The WAL header's checkpoint sequence: SQLite adds one each time the file is started over. */
async function restartsOnDisk(wal: string): Promise<number> {
  const file = await open(wal, 'r');
  try {
    const header = Buffer.alloc(16);
    await file.read(header, 0, 16, 0);
    return header.readUInt32BE(12);
  } finally {
    await file.close();
  }
}

describe('SQLite checkpoints', () => {
  it(
    'starts the WAL over while the writes never pause, so the file stays short',
    { timeout: 30_000 },
    async () => {
      const { storage, rounds, wal } = await openStore('steady.sqlite');
      try {
        const started = Date.now();
        // About 60 rounds of the checkpointer, 20 ms apart, and 20 MB of messages (a slow machine
        // takes longer).
        const stored = await writeWithoutPause(
          storage,
          (bytes) => Date.now() - started >= 1200 && bytes > 20 * 1024 * 1024,
        );
        const walBytes = statSync(wal).size;
        // Without restarts the WAL holds every page each commit wrote, about five times the bytes
        // of the messages (190-210 MB after 40 MB before the fix); with them, a fifth of it.
        assert.ok(
          walBytes < stored,
          `the WAL is ${walBytes} bytes after ${stored} bytes of messages`,
        );
        assert.ok((await restartsOnDisk(wal)) >= 3, 'the WAL header says it was started over');
        const restarts = rounds.filter((round) => round.mode === 'restart' && !round.busy);
        assert.ok(restarts.length >= 3, JSON.stringify(rounds.slice(-5)));
      } finally {
        await storage.close();
      }
    },
  );

  it(
    'truncates a WAL a burst left long once the writes slow down',
    { timeout: 30_000 },
    async () => {
      const limit = 256 * 1024;
      const { storage, rounds, nextRound, wal } = await openStore('burst.sqlite', limit);
      try {
        const started = Date.now();
        await writeWithoutPause(storage, () => Date.now() - started >= 300);
        const longest = Math.max(...rounds.map((round) => round.walBytes));
        assert.ok(longest > 4 * limit, `the WAL was ${longest} bytes at most`);
        // A round after the writes stopped finds the file cut (a round during the burst that found
        // the WAL short may have cut it already).
        await nextRound((round) => round.walBytes <= limit);
        const truncations = rounds.filter((round) => round.mode === 'truncate' && !round.busy);
        assert.ok(truncations.length > 0 && truncations.every((round) => round.walBytes === 0));
        // The next commit starts the file again.
        let written = 0;
        await writeWithoutPause(storage, () => written++ > 0, 1);
        assert.ok(statSync(wal).size <= limit, `the WAL is ${statSync(wal).size} bytes`);
      } finally {
        await storage.close();
      }
    },
  );
});
