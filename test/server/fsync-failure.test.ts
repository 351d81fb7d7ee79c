// A failed fsync of the WAL under a running server (issue 11: an ack means on disk). A disk that
// refuses an fsync cannot be made here, so that one fault is a mock of fs.fsync
// (support/wal-fsync-fault.ts); everything else is real: the reader that keeps the failed batch
// from being checkpointed is another SQLite connection, and the database file is read back alone.
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  api,
  connect,
  connectSynced,
  newUser,
  sendText,
  startTestServer,
  type TestServer,
} from './support/test-server.js';
import { mockWalFsync, type WalFsyncFault } from './support/wal-fsync-fault.js';

let t: TestServer;
let fault: WalFsyncFault;
before(async () => {
  t = await startTestServer();
  fault = mockWalFsync();
});
after(async () => {
  fault.restore();
  await t.close();
});

describe('a failed fsync of the WAL', () => {
  it('refuses the message; its resend is acked, and it is shown, only once the batch is on disk', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const file = join(t.dataDir, 'openwebim.sqlite');
    const history = () =>
      api<{ messages: { mid: string }[] }>(
        t.url,
        'GET',
        `/demo/chat/users/${bob.username}/messages?peer=${alice.username}`,
        { token: bob.token },
      );

    // A reader on a snapshot older than the message: while it reads, no checkpoint can copy the
    // failed batch into the database file, so the server cannot make it durable.
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) AS n FROM messages').get();

    fault.failNext();
    const id = sendText(a.socket, bob.username, 'in doubt');
    const refused = await a.socket.next('error');
    assert.equal(refused.code, 500);
    assert.match(refused.reason, /durable/);
    // The resend finds the row the failed batch committed; it may not be on disk: not acked.
    sendText(a.socket, bob.username, 'in doubt', id);
    const again = await a.socket.next('error');
    assert.match(again.reason, /durable/);
    assert.equal(a.socket.unread().filter((frame) => frame.t === 'ack').length, 0, 'not acked');
    // Nor shown to the recipient: the history says the server is busy rather than show it.
    const hidden = await history();
    assert.equal(hidden.status, 503, JSON.stringify(hidden.body));

    reader.exec('COMMIT');
    reader.close();
    // The client's outbox sends it again: the batch is checkpointed into the database file
    // first, then it is acked as the stored message, once.
    sendText(a.socket, bob.username, 'in doubt', id);
    const ack = await a.socket.next('ack');
    assert.equal(ack.id, id);
    const copy = join(t.dataDir, 'copy.sqlite');
    await copyFile(file, copy);
    const alone = new Database(copy, { readonly: true });
    try {
      const row = alone.prepare('SELECT count(*) AS n FROM messages WHERE mid = ?').get(ack.mid);
      assert.deepEqual(row, { n: 1 }, 'in the database file itself, not only in the WAL');
    } finally {
      alone.close();
    }
    const shown = await history();
    assert.equal(shown.status, 200, JSON.stringify(shown.body));
    assert.deepEqual(
      shown.body.messages.map((message) => message.mid),
      [ack.mid],
    );
    const b = await connect(t.url, bob);
    const replayed = await b.socket.next('msg');
    assert.equal(replayed.message.mid, ack.mid);
    await b.socket.next('sync-done');
    assert.equal(b.socket.unread().filter((frame) => frame.t === 'msg').length, 0, 'once');
    await b.socket.close();
    await a.socket.close();
  });
});
