// Receipts (delivery, read, channel) and recall through real sessions: stored as inbox events,
// pushed live, replayed in seq order with messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationsResponse, HistoryResponse } from '../../src/protocol/rest.js';
import {
  api,
  appPath,
  connect,
  connectSynced,
  newUser,
  sendText,
  startTestServer,
  type TestServer,
} from './support/test-server.js';
import type { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
  await t.server.domain.apps.add('quick#recall', { recallSeconds: 1 });
});
after(() => t.close());

async function sent(socket: TestSocket, to: string, text: string) {
  const id = sendText(socket, to, text);
  return socket.next('ack', (ack) => ack.id === id);
}

async function unreadOf(
  user: { username: string; token: string },
  peer: string,
  app = 'demo#chat',
) {
  const response = await api<ConversationsResponse>(
    t.url,
    'GET',
    `/${appPath(app)}/users/${user.username}/user_channels`,
    { token: user.token },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.entities.find((c) => c.peer === peer)?.unread;
}

describe('receipts', () => {
  it('turns delivery and read acks into events for the sender, and read for the reader’s devices', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b1 = await connectSynced(t.url, bob, { multi: true });
    const b2 = await connectSynced(t.url, bob, { multi: true });
    const ack = await sent(a.socket, bob.username, 'hi');
    await b1.socket.next('msg');
    await b2.socket.next('msg');

    b1.socket.send({ t: 'delivery', mid: ack.mid, to: alice.username });
    const delivered = await a.socket.next('event');
    assert.deepEqual(
      { ...delivered.event, time: 0 },
      {
        kind: 'delivered',
        seq: 2,
        from: bob.username,
        to: alice.username,
        chatType: 'singleChat',
        mid: ack.mid,
        time: 0,
      },
    );
    // The same ack again stores nothing new.
    b2.socket.send({ t: 'delivery', mid: ack.mid, to: alice.username });

    b1.socket.send({ t: 'read', mid: ack.mid, to: alice.username });
    const read = await a.socket.next('event');
    assert.equal(read.event.kind, 'read');
    assert.equal(read.event.seq, 3, 'the repeated delivery ack took no seq');
    // Bob's other device learns he read it; the device that sent the ack does not need to.
    const onOther = await b2.socket.next('event');
    assert.equal(onOther.event.kind, 'read');
    assert.equal(onOther.event.from, bob.username);
    assert.equal(onOther.event.seq, 2);
    b1.socket.send({ t: 'ping' });
    await b1.socket.next('pong');
    assert.equal(b1.socket.unread().filter((f) => f.t === 'event').length, 0);
    await Promise.all([a.socket.close(), b1.socket.close(), b2.socket.close()]);
  });

  it('refuses acks of unknown messages or of messages not sent to the acker, storing nothing', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const c = await connectSynced(t.url, carol);
    const ack = await sent(a.socket, bob.username, 'for bob only');
    c.socket.send({ t: 'read', mid: ack.mid, to: alice.username });
    assert.equal((await c.socket.next('error')).code, 205);
    c.socket.send({ t: 'delivery', mid: '123456', to: alice.username });
    assert.equal((await c.socket.next('error')).code, 205);
    c.socket.send({ t: 'read', mid: 'not-a-mid', to: alice.username });
    assert.equal((await c.socket.next('error')).code, 205);
    c.socket.send({ t: 'channel', to: 'nobody-like-this', chatType: 'singleChat' });
    assert.equal((await c.socket.next('error')).code, 204);
    // Still connected; alice's inbox has only her message.
    c.socket.send({ t: 'ping' });
    await c.socket.next('pong');
    const app = await t.server.domain.apps.get('demo#chat');
    assert.ok(app);
    assert.equal(await t.server.domain.messages.lastSeq(app, alice.username), 1);
    assert.equal(await t.server.domain.messages.lastSeq(app, carol.username), 0);
    await Promise.all([a.socket.close(), c.socket.close()]);
  });

  it('replays events to an offline sender in seq order with messages', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const first = await sent(a.socket, bob.username, 'one');
    const second = await sent(a.socket, bob.username, 'two');
    await a.socket.close();
    const b = await connectSynced(t.url, bob);
    b.socket.send({ t: 'delivery', mid: first.mid, to: alice.username });
    b.socket.send({ t: 'delivery', mid: second.mid, to: alice.username });
    b.socket.send({ t: 'read', mid: second.mid, to: alice.username });
    await sent(b.socket, alice.username, 'reply');
    b.socket.send({ t: 'channel', to: alice.username, chatType: 'singleChat' });
    b.socket.send({ t: 'ping' });
    await b.socket.next('pong');

    const again = await connect(t.url, alice, { since: 2 });
    const done = await again.socket.next('sync-done');
    const replayed = again.socket.received.filter((f) => f.t === 'event' || f.t === 'msg');
    assert.deepEqual(
      replayed.map((f) =>
        f.t === 'event'
          ? [f.event.seq, f.event.kind, 'mid' in f.event ? f.event.mid : undefined]
          : [f.message.seq, 'msg'],
      ),
      [
        [3, 'delivered', first.mid],
        [4, 'delivered', second.mid],
        [5, 'read', second.mid],
        [6, 'msg'],
        [7, 'channel', undefined],
      ],
    );
    assert.equal(done.seq, 7);
    await Promise.all([again.socket.close(), b.socket.close()]);
  });

  it('moves the unread count of user_channels with read and channel acks', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const acks = [];
    for (const text of ['1', '2', '3']) acks.push(await sent(a.socket, bob.username, text));
    assert.equal(await unreadOf(bob, alice.username), 3);
    assert.equal(await unreadOf(alice, bob.username), 0, 'own messages are never unread');
    const b = await connectSynced(t.url, bob);
    b.socket.send({ t: 'read', mid: acks[1]?.mid, to: alice.username });
    await a.socket.next('event', (f) => f.event.kind === 'read');
    assert.equal(await unreadOf(bob, alice.username), 1);
    // A read ack of an older message never moves the cursor back.
    b.socket.send({ t: 'read', mid: acks[0]?.mid, to: alice.username });
    await a.socket.next('event', (f) => f.event.kind === 'read');
    assert.equal(await unreadOf(bob, alice.username), 1);
    b.socket.send({ t: 'channel', to: alice.username, chatType: 'singleChat' });
    await a.socket.next('event', (f) => f.event.kind === 'channel');
    assert.equal(await unreadOf(bob, alice.username), 0);
    // "All read" again, with nothing new, stores nothing (a client cannot fill alice's inbox),
    // but alice is told live, as the real SDK tells of every channel ack: seq 0, no cursor.
    const app = await t.server.domain.apps.get('demo#chat');
    assert.ok(app);
    const before = await t.server.domain.messages.lastSeq(app, alice.username);
    b.socket.send({ t: 'channel', to: alice.username, chatType: 'singleChat' });
    const repeat = await a.socket.next('event', (f) => f.event.kind === 'channel');
    assert.deepEqual(
      { ...repeat.event, time: 0 },
      {
        kind: 'channel',
        seq: 0,
        from: bob.username,
        to: alice.username,
        chatType: 'singleChat',
        time: 0,
      },
    );
    b.socket.send({ t: 'ping' });
    await b.socket.next('pong');
    assert.equal(await t.server.domain.messages.lastSeq(app, alice.username), before);
    await sent(a.socket, bob.username, '4');
    assert.equal(await unreadOf(bob, alice.username), 1);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });
});

describe('recall', () => {
  it('recalls within the window for every session of both users and hides the message', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a1 = await connectSynced(t.url, alice, { multi: true });
    const a2 = await connectSynced(t.url, alice, { multi: true });
    const b = await connectSynced(t.url, bob);
    await sent(a1.socket, bob.username, 'kept');
    const ack = await sent(a1.socket, bob.username, 'oops');
    assert.equal(await unreadOf(bob, alice.username), 2);
    a1.socket.send({
      t: 'recall',
      id: 'r1',
      mid: ack.mid,
      to: bob.username,
      chatType: 'singleChat',
    });
    assert.deepEqual(await a1.socket.next('recalled'), { t: 'recalled', id: 'r1', mid: ack.mid });
    for (const socket of [a1.socket, a2.socket, b.socket]) {
      const { event } = await socket.next('event', (f) => f.event.kind === 'recall');
      assert.ok(event.kind === 'recall');
      assert.equal(event.mid, ack.mid);
      assert.equal(event.from, alice.username);
      assert.equal(event.to, bob.username);
    }
    // History, the conversation list and the unread count no longer show it.
    const history = await api<HistoryResponse>(
      t.url,
      'GET',
      `/demo/chat/users/${bob.username}/messages?peer=${alice.username}`,
      { token: bob.token },
    );
    assert.deepEqual(
      history.body.messages.map((m) => (m.type === 'txt' ? m.msg : m.type)),
      ['kept'],
    );
    assert.equal(await unreadOf(bob, alice.username), 1);
    // Recalling again is answered the same and changes nothing.
    a1.socket.send({
      t: 'recall',
      id: 'r2',
      mid: ack.mid,
      to: bob.username,
      chatType: 'singleChat',
    });
    assert.equal((await a1.socket.next('recalled')).id, 'r2');
    // A device that comes back gets the recall event, not the recalled message.
    const late = await connect(t.url, bob, { since: 0 });
    await late.socket.next('sync-done');
    const replay = late.socket.received.filter((f) => f.t === 'msg' || f.t === 'event');
    assert.deepEqual(
      replay.map((f) =>
        f.t === 'msg' ? (f.message.type === 'txt' ? f.message.msg : '') : f.event.kind,
      ),
      ['kept', 'recall'],
    );
    await Promise.all([
      a1.socket.close(),
      a2.socket.close(),
      b.socket.close(),
      late.socket.close(),
    ]);
  });

  it('lets only the sender recall (603) and refuses unknown messages (205)', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const ack = await sent(a.socket, bob.username, 'mine');
    b.socket.send({ t: 'recall', id: 'x', mid: ack.mid, to: bob.username, chatType: 'singleChat' });
    const refused = await b.socket.next('nack');
    assert.deepEqual([refused.id, refused.code], ['x', 603]);
    a.socket.send({ t: 'recall', id: 'y', mid: '999', to: bob.username, chatType: 'singleChat' });
    assert.equal((await a.socket.next('nack')).code, 205);
    a.socket.send({
      t: 'recall',
      id: 'z',
      mid: ack.mid,
      to: alice.username,
      chatType: 'singleChat',
    });
    assert.equal((await a.socket.next('nack')).code, 205);
    // Nothing was recalled.
    assert.equal(await unreadOf(bob, alice.username), 1);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('refuses a recall past the app’s window with 504', async () => {
    const app = 'quick#recall';
    const alice = await newUser(t.url, app);
    const bob = await newUser(t.url, app);
    const a = await connectSynced(t.url, alice, { appKey: app });
    const ack = await sent(a.socket, bob.username, 'too late to take back');
    // Wait for the 1 s window to pass by watching the clock, not by a fixed sleep.
    const deadline = ack.time + 1000;
    while (Date.now() <= deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    a.socket.send({
      t: 'recall',
      id: 'late',
      mid: ack.mid,
      to: bob.username,
      chatType: 'singleChat',
    });
    const nack = await a.socket.next('nack');
    assert.deepEqual([nack.id, nack.code], ['late', 504]);
    assert.match(nack.reason, /1 seconds/);
    assert.equal(await unreadOf(bob, alice.username, app), 1);
    await a.socket.close();
  });
});
