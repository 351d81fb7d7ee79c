// Editing a sent text message (server/domain/message-edits.ts) through real sessions: the edit
// reaches the recipient and the sender's other devices, is replayed to a later login, reads back
// in history; every refusal answers a nack with the real SDK's code and changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerMessage } from '../../src/protocol/frames.js';
import { Limits, type HistoryResponse } from '../../src/protocol/rest.js';
import { statusCode } from '../../src/protocol/status-codes.js';
import {
  connect,
  connectSynced,
  newUser,
  ok,
  rest,
  sendGroupText,
  sendRoomText,
  sendText,
  settle,
  startTestServer,
  type TestServer,
  type TestUser,
} from './support/test-server.js';
import { acked, createGroup } from './support/server-fixture.js';
import type { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

let edits = 0;
/** Sends a `modify` frame; the answer (`modified` or `nack`) under its id. */
async function modify(socket: TestSocket, fields: Record<string, unknown>) {
  const id = `e${(edits += 1)}`;
  socket.send({ t: 'modify', id, chatType: 'singleChat', ...fields });
  const frame = await Promise.race([
    socket.next('modified', (f) => f.id === id),
    socket.next('nack', (f) => f.id === id),
  ]);
  return frame;
}

async function historyOf(user: TestUser, peer: string, chatType = 'singleChat') {
  const page = await ok(
    rest<HistoryResponse>(
      t.url,
      user,
      'GET',
      `/users/${user.username}/messages?peer=${peer}&chatType=${chatType}`,
    ),
  );
  return page.messages;
}

const textAndInfo = (m: ServerMessage) => [
  m.type === 'txt' ? m.msg : m.type,
  m.modifiedInfo?.operatorId,
  m.modifiedInfo?.operationCount,
];

describe('message edits', () => {
  it('edits my text for the recipient, my other devices, history and a later login', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a1 = await connectSynced(t.url, alice, { multi: true });
    const a2 = await connectSynced(t.url, alice, { multi: true });
    const b = await connectSynced(t.url, bob);
    const ack = await acked(a1.socket, (s) => sendText(s, bob.username, 'helo'));
    await b.socket.next('msg');

    const answer = await modify(a1.socket, { mid: ack.mid, to: bob.username, msg: 'hello' });
    assert.equal(answer.t, 'modified', JSON.stringify(answer));
    assert.ok(answer.t === 'modified');
    assert.deepEqual(textAndInfo(answer.message), ['hello', alice.username, 1]);
    for (const socket of [b.socket, a2.socket]) {
      const { event } = await socket.next('event', (f) => f.event.kind === 'modify');
      assert.ok(event.kind === 'modify');
      assert.equal(event.mid, ack.mid);
      assert.ok(event.seq > 0, 'stored in the inbox');
      assert.deepEqual(textAndInfo(event.message), ['hello', alice.username, 1]);
    }
    // The editing session has its answer, not the event.
    await settle(a1.socket);
    assert.equal(
      a1.socket.unread().filter((f) => f.t === 'event').length,
      0,
      JSON.stringify(a1.socket.unread()),
    );

    const again = await modify(a2.socket, { mid: ack.mid, to: bob.username, msg: 'hello!' });
    assert.ok(again.t === 'modified');
    assert.equal(again.message.modifiedInfo?.operationCount, 2);
    const [stored] = await historyOf(bob, alice.username);
    assert.ok(stored);
    assert.deepEqual(textAndInfo(stored), ['hello!', alice.username, 2]);

    // Bob's next device replays both edits after the message, in order.
    const later = await connect(t.url, bob, { since: 0 });
    const { seq } = (await later.socket.next('sync-done')) as { seq: number };
    assert.ok(seq > 0);
    const replayed = later.socket
      .unread()
      .flatMap((f) => (f.t === 'event' && f.event.kind === 'modify' ? [f.event.message] : []));
    assert.deepEqual(replayed.map(textAndInfo), [
      ['hello', alice.username, 1],
      ['hello!', alice.username, 2],
    ]);
    await Promise.all([a1, a2, b, later].map((c) => c.socket.close()));
  });

  it('edits a group message for every member', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const gid = await createGroup(t.url, alice, [bob], { public: true });
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const ack = await acked(a.socket, (s) => sendGroupText(s, gid, 'team'));
    const answer = await modify(a.socket, {
      mid: ack.mid,
      to: gid,
      chatType: 'groupChat',
      msg: 'team!',
    });
    assert.equal(answer.t, 'modified', JSON.stringify(answer));
    const { event } = await b.socket.next('event', (f) => f.event.kind === 'modify');
    assert.ok(event.kind === 'modify');
    assert.deepEqual(textAndInfo(event.message), ['team!', alice.username, 1]);
    const [stored] = await historyOf(bob, gid, 'groupChat');
    assert.ok(stored);
    assert.deepEqual(textAndInfo(stored), ['team!', alice.username, 1]);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('refuses, one by one, with the real SDK codes, and changes nothing', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const mine = await acked(a.socket, (s) => sendText(s, bob.username, 'original'));
    const theirs = await acked(b.socket, (s) => sendText(s, alice.username, 'bob says'));
    const place = await acked(a.socket, (s) => {
      s.send({
        t: 'msg',
        id: 'loc1',
        to: bob.username,
        chatType: 'singleChat',
        type: 'loc',
        addr: 'here',
        lat: 1,
        lng: 2,
      });
      return 'loc1';
    });
    const gone = await acked(a.socket, (s) => sendText(s, bob.username, 'recall me'));
    a.socket.send({
      t: 'recall',
      id: 'r',
      mid: gone.mid,
      to: bob.username,
      chatType: 'singleChat',
    });
    await a.socket.next('recalled');
    const lobby = (
      await ok(rest<{ data: { id: string; name: string }[] }>(t.url, alice, 'GET', '/chatrooms'))
    ).data.find((room) => room.name === 'Lobby');
    assert.ok(lobby);
    await ok(rest(t.url, alice, 'POST', `/chatrooms/${lobby.id}/apply`));
    const inRoom = await acked(a.socket, (s) => sendRoomText(s, lobby.id, 'room text'));

    const cases: [string, Record<string, unknown>, number][] = [
      [
        "another's message",
        { mid: theirs.mid, to: alice.username, msg: 'x' },
        statusCode.PERMISSION_DENIED,
      ],
      [
        'a recalled message',
        { mid: gone.mid, to: bob.username, msg: 'x' },
        statusCode.MODIFY_MESSAGE_NOT_EXIST,
      ],
      [
        'an unknown message',
        { mid: '9'.repeat(18), to: bob.username, msg: 'x' },
        statusCode.MODIFY_MESSAGE_NOT_EXIST,
      ],
      [
        'a location',
        { mid: place.mid, to: bob.username, msg: 'x' },
        statusCode.MODIFY_MESSAGE_FORMAT_ERROR,
      ],
      [
        'an empty text',
        { mid: mine.mid, to: bob.username, msg: '  ' },
        statusCode.MODIFY_MESSAGE_FORMAT_ERROR,
      ],
      [
        'a text too long',
        { mid: mine.mid, to: bob.username, msg: 'x'.repeat(Limits.messageMaxBytes + 1) },
        statusCode.MODIFY_MESSAGE_FORMAT_ERROR,
      ],
      [
        'the wrong conversation',
        { mid: mine.mid, to: alice.username, msg: 'x' },
        statusCode.MESSAGE_PARAMETER_ERROR,
      ],
      [
        'a room message',
        { mid: inRoom.mid, to: lobby.id, chatType: 'chatRoom', msg: 'x' },
        statusCode.MODIFY_MESSAGE_FAILED,
      ],
      ['no text at all', { mid: mine.mid, to: bob.username }, statusCode.MESSAGE_PARAMETER_ERROR],
    ];
    for (const [what, fields, code] of cases) {
      const answer = await modify(a.socket, fields);
      assert.equal(answer.t, 'nack', `${what}: ${JSON.stringify(answer)}`);
      assert.ok(answer.t === 'nack');
      assert.equal(answer.code, code, `${what}: ${answer.reason}`);
      assert.ok(answer.reason.length > 10, `${what}: a clear reason (${answer.reason})`);
    }
    await settle(b.socket);
    assert.equal(
      b.socket.unread().filter((f) => f.t === 'event' && f.event.kind === 'modify').length,
      0,
    );
    const texts = (await historyOf(bob, alice.username)).map(textAndInfo);
    assert.deepEqual(texts, [
      ['loc', undefined, undefined],
      ['bob says', undefined, undefined],
      ['original', undefined, undefined],
    ]);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });
});
