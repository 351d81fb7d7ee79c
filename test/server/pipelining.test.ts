// A session keeps reading a client's messages while the acks of those before wait for their
// commit (server/gateway/session.ts, issue 11): a burst from one socket shares commits, and still
// every message is stored once, acked in the order sent with rising seqs, and delivered in order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerFrame } from '../../src/protocol/frames.js';
import type { SqliteStorage } from '../../server/storage/sqlite-storage.js';
import {
  connectSynced,
  newUser,
  sendText,
  startTestServer,
  textOf,
  type TestServer,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ messagesPerSecond: 1_000_000, framesPerSecond: 1_000_000 });
});
after(() => t.close());

const commits = () => (t.server.storage as SqliteStorage).commitStats.commits;
const answers = (frames: ServerFrame[]) =>
  frames.filter((frame) => frame.t === 'ack' || frame.t === 'nack' || frame.t === 'pong');

describe('pipelined sends', () => {
  it('stores a burst from one socket in a few commits, acked and delivered in order, once', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const { socket: a } = await connectSynced(t.url, alice);
    const { socket: b } = await connectSynced(t.url, bob);
    const { socket: c } = await connectSynced(t.url, carol);
    const before = commits();
    const sent: { id: string; to: string }[] = [];
    for (let i = 0; i < 120; i += 1) {
      // Two conversations interleaved; one resend of an id already sent; one unknown recipient.
      const to = i % 3 === 2 ? carol.username : bob.username;
      if (i === 50) {
        sendText(a, bob.username, 'again', sent[10]!.id);
        sent.push(sent[10]!);
      } else if (i === 80) {
        sent.push({ id: sendText(a, 'nobody-here-at-all', 'lost'), to: 'nobody' });
      } else {
        sent.push({ id: sendText(a, to, `n${i}`), to });
      }
    }
    a.send({ t: 'ping' });
    await a.next('pong', () => true, 20_000);

    const given = answers(a.received);
    assert.deepEqual(
      given.map((frame) => ('id' in frame ? frame.id : frame.t)),
      [...sent.map((message) => message.id), 'pong'],
      'every message answered once, in the order sent, before the ping',
    );
    const nack = given[80];
    assert.equal(nack?.t, 'nack');
    const acks = given.filter((frame) => frame.t === 'ack');
    assert.equal(acks.length, 119);
    const resent = acks[50]!;
    assert.deepEqual(
      [resent.mid, resent.seq],
      [acks[10]!.mid, acks[10]!.seq],
      'a resend is acked as the first',
    );
    const seqs = acks.filter((_, i) => i !== 50).map((ack) => ack.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => seqs[0]! + i),
      'seqs rise by one in the order sent',
    );
    // One transaction per message before pipelining (the session waited for each ack).
    const made = commits() - before;
    assert.ok(made <= 40, `${made} commits for 118 messages`);

    for (const [socket, user] of [
      [b, bob],
      [c, carol],
    ] as const) {
      const expected = sent
        .filter((message, i) => message.to === user.username && i !== 50)
        .map((message) => message.id);
      const got: string[] = [];
      while (got.length < expected.length) {
        const frame = await socket.next('msg', () => true, 20_000);
        assert.ok(textOf(frame.message).startsWith('n'));
        got.push(frame.message.id);
      }
      assert.deepEqual(got, expected, `${user.username} gets each once, in order`);
    }
    // Nothing more comes (no doubled delivery of the resend).
    b.send({ t: 'ping' });
    await b.next('pong');
    assert.equal(b.received.filter((frame) => frame.t === 'msg').length, 80);
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});
