// Limits on what one client may send over its sockets (server/gateway/client-frames.ts,
// session.ts): the shape of `ext`, the rate of every frame kind per user across sockets, and junk.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MessageLimits } from '../../src/protocol/frames.js';
import {
  connectSynced,
  newUser,
  settle,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

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
