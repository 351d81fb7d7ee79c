// Messages sent online only (the 4.x SDK's `deliverOnlineOnly`, src/protocol/frames.ts item 11):
// a typing indicator's `TypingBegin` reaches the sessions open now and nothing else. It takes no
// seq, so no inbox, history, conversation list, unread count or later session ever holds it; it is
// refused wherever the same message stored would be.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AckFrame, NackFrame, ServerMessage } from '../../src/protocol/frames.js';
import type {
  ConversationsResponse,
  HistoryResponse,
  RoomIdResponse,
} from '../../src/protocol/rest.js';
import { statusCode } from '../../src/protocol/status-codes.js';
import { acked, createGroup } from './support/server-fixture.js';
import {
  connectSynced,
  newUser,
  ok,
  rest,
  sendGroupText,
  sendText,
  settle,
  startTestServer,
  uniqueName,
  type TestServer,
  type TestUser,
} from './support/test-server.js';
import type { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

/** Sends `TypingBegin` online only (`extra`: other fields, to make it a file or so); its id. */
function typing(
  socket: TestSocket,
  to: string,
  chatType = 'singleChat',
  extra: Record<string, unknown> = {},
) {
  const id = uniqueName('typing');
  const frame = { t: 'msg', id, to, chatType, type: 'cmd', action: 'TypingBegin' };
  socket.send({ ...frame, deliverOnlineOnly: true, ...extra });
  return id;
}

/** The ack or nack of the message `id`. */
async function answer(socket: TestSocket, id: string): Promise<AckFrame | NackFrame> {
  await settle(socket);
  const reply = socket.received.find(
    (frame): frame is AckFrame | NackFrame =>
      (frame.t === 'ack' || frame.t === 'nack') && frame.id === id,
  );
  assert.ok(reply, `no answer to ${id}`);
  return reply;
}

const isTyping = (frame: { message: ServerMessage }) =>
  frame.message.type === 'cmd' && frame.message.action === 'TypingBegin';

/** Every message a new device of `user` is replayed from the start of the inbox, and its last seq. */
async function replayed(user: TestUser) {
  const { socket, syncDone } = await connectSynced(t.url, user, { since: 0, multi: true });
  const messages = socket.received.flatMap((frame) => (frame.t === 'msg' ? [frame.message] : []));
  await socket.close();
  return { types: messages.map((message) => message.type), last: syncDone.seq };
}

const history = async (user: TestUser, peer: string, chatType = 'singleChat') =>
  (
    await ok(
      rest<HistoryResponse>(
        t.url,
        user,
        'GET',
        `/users/${user.username}/messages?peer=${peer}&chatType=${chatType}`,
      ),
    )
  ).messages.map((message) => message.type);

const conversations = async (user: TestUser) =>
  (
    await ok(
      rest<ConversationsResponse>(t.url, user, 'GET', `/users/${user.username}/user_channels`),
    )
  ).entities.map((c) => ({ peer: c.peer, type: c.lastMessage.type, unread: c.unread }));

describe('messages sent online only', () => {
  it('reach the recipient’s and my other sessions open now with seq 0, and are stored nowhere', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a1 = await connectSynced(t.url, alice, { multi: true });
    const a2 = await connectSynced(t.url, alice, { multi: true });
    const b = await connectSynced(t.url, bob, { multi: true });

    const id = typing(a1.socket, bob.username);
    const ack = await answer(a1.socket, id);
    assert.equal(ack.t, 'ack');
    assert.equal(ack.t === 'ack' && ack.seq, 0, 'an ack with seq 0: in no inbox');
    const { message } = await b.socket.next('msg');
    assert.equal(message.mid, ack.t === 'ack' && ack.mid);
    assert.equal(message.seq, 0);
    assert.equal(message.deliverOnlineOnly, true);
    assert.equal(message.type === 'cmd' && message.action, 'TypingBegin');
    const mine = await a2.socket.next('msg');
    assert.equal(mine.message.seq, 0);
    assert.ok(isTyping(mine));

    // Nothing kept it: no history, no conversation, no unread count, nothing for a new device.
    assert.deepEqual(await history(alice, bob.username), []);
    assert.deepEqual(await history(bob, alice.username), []);
    assert.deepEqual(await conversations(bob), []);
    assert.deepEqual(await conversations(alice), []);
    assert.deepEqual(await replayed(bob), { types: [], last: 0 });
    assert.deepEqual(await replayed(alice), { types: [], last: 0 });

    // The next stored message takes the first seq of each inbox: the typing took none.
    sendText(a1.socket, bob.username, 'hi');
    assert.equal((await b.socket.next('msg')).message.seq, 1);
    assert.deepEqual(await replayed(bob), { types: ['txt'], last: 1 });
    assert.deepEqual(await conversations(bob), [{ peer: alice.username, type: 'txt', unread: 1 }]);
    await Promise.all([a1.socket.close(), a2.socket.close(), b.socket.close()]);
  });

  it('are never delivered to a session that opens later, even one that was away a moment', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    await b.socket.close();
    await answer(a.socket, typing(a.socket, bob.username));
    // Bob comes back on the same device, from his last seq, as the SDK reconnects.
    const back = await connectSynced(t.url, bob, { deviceId: 'same', since: 0 });
    await answer(a.socket, typing(a.socket, bob.username));
    const live = await back.socket.next('msg');
    assert.ok(isTyping(live), 'the one sent while he is connected reaches him');
    assert.equal(back.syncDone.seq, 0);
    assert.equal(back.socket.received.filter((frame) => frame.t === 'msg').length, 1);
    await Promise.all([a.socket.close(), back.socket.close()]);
  });

  it('reach the members of a group open now, not those who blocked me, and store nothing', async () => {
    const [alice, bob, carol] = [await newUser(t.url), await newUser(t.url), await newUser(t.url)];
    const gid = await createGroup(t.url, alice, [bob, carol]);
    await ok(
      rest(t.url, carol, 'POST', `/users/${carol.username}/blocks/users`, {
        usernames: [alice.username],
      }),
    );
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const c = await connectSynced(t.url, carol);

    const ack = await answer(a.socket, typing(a.socket, gid, 'groupChat'));
    assert.equal(ack.t === 'ack' && ack.seq, 0);
    const { message } = await b.socket.next('msg');
    assert.equal(message.seq, 0);
    assert.equal(message.to, gid);
    // The typing has gone out to every session (answer() waited for it). Carol blocked me: her
    // first message is the one Bob sends now; his is the next seq of his inbox.
    const after = await acked(b.socket, (socket) => sendGroupText(socket, gid, 'after'));
    assert.equal(after.seq, b.syncDone.seq + 1, 'the typing took no seq');
    assert.equal((await c.socket.next('msg')).message.from, bob.username);
    assert.deepEqual(await history(bob, gid, 'groupChat'), ['txt']);
    assert.deepEqual(await replayed(bob), { types: ['txt'], last: after.seq });
    await Promise.all([a.socket.close(), b.socket.close(), c.socket.close()]);
  });

  it('reach a chat room’s members live and stay out of its recent window', async () => {
    const [admin, alice, bob] = [await newUser(t.url), await newUser(t.url), await newUser(t.url)];
    await t.server.domain.apps.update('demo#chat', { roomAdmins: [admin.username] });
    const room = await ok(
      rest<RoomIdResponse>(t.url, admin, 'POST', '/chatrooms', { name: uniqueName('room') }),
    );
    const id = room.data.id;
    await ok(rest(t.url, alice, 'POST', `/chatrooms/${id}/apply`));
    await ok(rest(t.url, bob, 'POST', `/chatrooms/${id}/apply`));
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    await answer(a.socket, typing(a.socket, id, 'chatRoom'));
    assert.ok(isTyping(await b.socket.next('msg')));
    const recent = await ok(rest<HistoryResponse>(t.url, bob, 'GET', `/chatrooms/${id}/messages`));
    assert.deepEqual(recent.messages, []);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('are refused as the same message stored would be, and files cannot go online only', async () => {
    const [alice, bob, carol] = [await newUser(t.url), await newUser(t.url), await newUser(t.url)];
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const code = async (to: string, chatType?: string, extra?: Record<string, unknown>) => {
      const reply = await answer(a.socket, typing(a.socket, to, chatType, extra));
      return reply.t === 'nack' ? reply.code : 0;
    };

    assert.equal(await code(uniqueName('nobody')), statusCode.USER_NOT_FOUND);
    await ok(
      rest(t.url, bob, 'POST', `/users/${bob.username}/blocks/users`, {
        usernames: [alice.username],
      }),
    );
    assert.equal(await code(bob.username), statusCode.PERMISSION_DENIED);

    const gid = await createGroup(t.url, carol, [bob]);
    assert.equal(await code(gid, 'groupChat'), statusCode.GROUP_NOT_JOINED);
    const mine = await createGroup(t.url, carol, [alice]);
    await ok(
      rest(t.url, carol, 'POST', `/chatgroups/${mine}/mute`, {
        usernames: [alice.username],
        mute_duration: 60_000,
      }),
    );
    assert.equal(await code(mine, 'groupChat'), statusCode.SERVICE_NOT_ALLOW_MESSAGING_MUTE);
    assert.equal(await code('123456789012345678', 'chatRoom'), statusCode.CHATROOM_NOT_EXIST);

    const file = {
      type: 'file',
      action: undefined,
      url: `${t.url}/demo/chat/chatfiles/00000000-0000-4000-8000-000000000000`,
      secret: 's',
      filename: 'a.txt',
      file_length: 1,
    };
    assert.equal(await code(carol.username, 'singleChat', file), statusCode.OPERATION_UNSUPPORTED);
    assert.equal(
      await code(carol.username, 'singleChat', { deliverOnlineOnly: 'yes' }),
      statusCode.MESSAGE_PARAMETER_ERROR,
    );
    await settle(b.socket);
    assert.deepEqual(
      b.socket.received.filter((frame) => frame.t === 'msg'),
      [],
      'the blocked typing never reached bob',
    );
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('count against the sender’s message rate limit like any message', async () => {
    const limited = await startTestServer({ messagesPerSecond: 5 });
    try {
      const alice = await newUser(limited.url);
      const bob = await newUser(limited.url);
      const a = await connectSynced(limited.url, alice);
      const ids = Array.from({ length: 12 }, () => typing(a.socket, bob.username));
      const answers = await Promise.all(ids.map((id) => answer(a.socket, id)));
      const refused = answers.filter((reply) => reply.t === 'nack');
      // One window of 5, or two if the burst straddled a second.
      assert.ok(refused.length >= 2, `${12 - refused.length} of 12 acked against a limit of 5/s`);
      for (const reply of refused) assert.equal(reply.code, statusCode.MESSAGE_CURRENT_LIMITING);
      await a.socket.close();
    } finally {
      await limited.close();
    }
  });
});
