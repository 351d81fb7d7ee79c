// Chat rooms through the real REST routes and WebSocket sessions: the Lobby, room admins, live
// delivery to the members connected now (never replayed), the recent window on join, and the
// join / kick / destroy events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoomEventFrame } from '../../src/protocol/frames.js';
import {
  Limits,
  type HistoryResponse,
  type RoomIdResponse,
  type RoomsResponse,
  type RoomMembersResponse,
} from '../../src/protocol/rest.js';
import { ServerProcess } from '../support/server-process.mjs';
import {
  api,
  assertError,
  connectSynced,
  newUser,
  startTestServer,
  textOf,
  ok,
  rest,
  sendRoomText,
  settle,
  token,
  uniqueName,
  type TestServer,
  type TestUser,
} from './support/test-server.js';
import type { TestSocket } from './support/ws-client.js';

let t: TestServer;
let admin: TestUser;
before(async () => {
  // The recent-window test sends more than a second's default allowance of messages.
  t = await startTestServer({ messagesPerSecond: 1000 });
  admin = await newUser(t.url);
  await t.server.domain.apps.update('demo#chat', { roomAdmins: [admin.username] });
});
after(() => t.close());

async function createRoom(name = uniqueName('room')): Promise<string> {
  const body = await ok(rest<RoomIdResponse>(t.url, admin, 'POST', '/chatrooms', { name }));
  assert.match(body.data.id, Limits.numericIdPattern);
  return body.data.id;
}

const join = (user: TestUser, id: string) =>
  ok(rest(t.url, user, 'POST', `/chatrooms/${id}/apply`));

const roomEvent = (socket: TestSocket, operation: RoomEventFrame['operation']) =>
  socket.next('room', (f) => f.operation === operation);

describe('chat rooms', () => {
  it('has a Lobby, lets only room admins create rooms, and refuses bad input', async () => {
    const bob = await newUser(t.url);
    const list = await ok(
      rest<RoomsResponse>(t.url, bob, 'GET', '/chatrooms?pagenum=1&pagesize=100'),
    );
    const lobby = list.data.find((room) => room.name === 'Lobby');
    assert.ok(lobby, 'the server makes a Lobby in demo#chat');
    assert.equal(lobby.owner, '');
    assertError(
      await rest(t.url, bob, 'POST', '/chatrooms', { name: 'mine' }),
      403,
      'forbidden_op',
    );
    assertError(
      await rest(t.url, admin, 'POST', '/chatrooms', {
        name: 'n'.repeat(Limits.roomNameMaxChars + 1),
      }),
      400,
      'illegal_argument',
      /roomNameMaxChars/,
    );
    assertError(
      await rest(t.url, admin, 'POST', '/chatrooms', {
        name: 'x',
        maxusers: Limits.roomMembersMax + 1,
      }),
      400,
      'illegal_argument',
      /roomMembersMax/,
    );
    const id = await createRoom('Kitchen');
    const info = await ok(rest<RoomsResponse>(t.url, bob, 'GET', `/chatrooms/${id}`));
    assert.deepEqual(
      { ...info.data[0], created: 0 },
      {
        id,
        name: 'Kitchen',
        description: '',
        owner: admin.username,
        maxusers: Limits.roomMembersMax,
        affiliations_count: 0,
        created: 0,
        admins: [],
        mute: false,
        announcement: '',
      },
    );
    assertError(
      await rest(t.url, bob, 'GET', '/chatrooms/123456789012345678'),
      404,
      'service_resource_not_found',
    );
    assertError(await rest(t.url, bob, 'DELETE', `/chatrooms/${id}`), 403, 'forbidden_op');
    assertError(await rest(t.url, bob, 'GET', `/chatrooms/${id}/users`), 403, 'forbidden_op');
    assertError(await rest(t.url, bob, 'DELETE', `/chatrooms/${id}/quit`), 403, 'forbidden_op');
    const anonymous = await api(t.url, 'GET', '/demo/chat/chatrooms');
    assertError(anonymous, 401, 'auth_bad_access_token');

    const small = await ok(
      rest<RoomIdResponse>(t.url, admin, 'POST', '/chatrooms', { name: 'Booth', maxusers: 1 }),
    );
    await join(bob, small.data.id);
    assertError(
      await rest(t.url, admin, 'POST', `/chatrooms/${small.data.id}/apply`),
      403,
      'forbidden_op',
      /maxusers/,
    );
    const joined = await ok(
      rest<RoomsResponse>(t.url, bob, 'GET', `/users/${bob.username}/joined_chatrooms`),
    );
    assert.deepEqual(
      joined.data.map((room) => room.id),
      [small.data.id],
    );
  });

  it('delivers messages live to the members connected now, never later, and keeps a recent window', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const dave = await newUser(t.url);
    const id = await createRoom();
    await join(alice, id);
    await join(bob, id);
    await join(carol, id);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const d = await connectSynced(t.url, dave);

    const clientId = sendRoomText(a.socket, id, 'hello room');
    const ack = await a.socket.next('ack', (f) => f.id === clientId);
    assert.equal(ack.seq, 0, 'a room message is in no inbox');
    const atBob = await b.socket.next('msg');
    assert.deepEqual(
      [atBob.message.seq, atBob.message.to, atBob.message.chatType, textOf(atBob.message)],
      [0, id, 'chatRoom', 'hello room'],
    );
    // Carol was not connected: she does not get it when she connects.
    const c = await connectSynced(t.url, carol);
    await settle(c.socket);
    assert.equal(c.socket.received.filter((f) => f.t === 'msg').length, 0);

    // Refusals: not a member (702), no such room (705), a file message.
    const notMember = sendRoomText(d.socket, id, 'me too');
    assert.equal((await d.socket.next('nack', (f) => f.id === notMember)).code, 702);
    const noRoom = sendRoomText(d.socket, '123456789012345678', 'anyone?');
    assert.equal((await d.socket.next('nack', (f) => f.id === noRoom)).code, 705);
    assertError(await rest(t.url, dave, 'GET', `/chatrooms/${id}/messages`), 403, 'forbidden_op');

    // Fill the window past its size; someone joining later sees the newest ones, newest first.
    for (let i = 0; i < Limits.roomRecentMessages; i += 1) {
      const sent = sendRoomText(a.socket, id, `m${i}`);
      await a.socket.next('ack', (f) => f.id === sent);
    }
    await join(dave, id);
    const recent = await ok(rest<HistoryResponse>(t.url, dave, 'GET', `/chatrooms/${id}/messages`));
    assert.equal(recent.messages.length, Limits.roomRecentMessages);
    assert.equal(textOf(recent.messages[0]!), `m${Limits.roomRecentMessages - 1}`);
    assert.equal(textOf(recent.messages.at(-1)!), 'm0', 'the first message fell out of the window');
    const three = await ok(
      rest<HistoryResponse>(t.url, dave, 'GET', `/chatrooms/${id}/messages?limit=3`),
    );
    assert.equal(three.messages.length, 3);
    await Promise.all([a.socket.close(), b.socket.close(), c.socket.close(), d.socket.close()]);
  });

  it('tells members who joins and leaves, tells a removed member, and tells everyone the room is gone', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const id = await createRoom();
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    await join(alice, id);
    await join(bob, id);
    const joined = await roomEvent(a.socket, 'memberPresence');
    assert.deepEqual(
      { ...joined, time: 0, name: '' },
      {
        t: 'room',
        operation: 'memberPresence',
        roomId: id,
        name: '',
        from: alice.username,
        userId: alice.username,
        time: 0,
      },
    );
    assert.equal((await roomEvent(a.socket, 'memberPresence')).userId, bob.username);
    const members = await ok(
      rest<RoomMembersResponse>(t.url, alice, 'GET', `/chatrooms/${id}/users`),
    );
    assert.deepEqual(members.data, [
      { member: alice.username, role: 'member' },
      { member: bob.username, role: 'member' },
    ]);

    assertError(
      await rest(t.url, alice, 'DELETE', `/chatrooms/${id}/users/${bob.username}`),
      403,
      'forbidden_op',
    );
    await ok(rest(t.url, admin, 'DELETE', `/chatrooms/${id}/users/${bob.username}`));
    const kicked = await roomEvent(b.socket, 'removeMember');
    assert.equal(kicked.userId, bob.username);
    assert.equal(kicked.from, admin.username);
    assert.equal((await roomEvent(a.socket, 'removeMember')).userId, bob.username);
    const refused = sendRoomText(b.socket, id, 'still here?');
    assert.equal((await b.socket.next('nack', (f) => f.id === refused)).code, 702);

    await join(bob, id);
    await ok(rest(t.url, bob, 'DELETE', `/chatrooms/${id}/quit`));
    assert.equal((await roomEvent(a.socket, 'memberAbsence')).userId, bob.username);

    await ok(rest(t.url, admin, 'DELETE', `/chatrooms/${id}`));
    assert.equal((await roomEvent(a.socket, 'destroy')).roomId, id);
    assertError(
      await rest(t.url, alice, 'GET', `/chatrooms/${id}`),
      404,
      'service_resource_not_found',
    );
    const gone = sendRoomText(a.socket, id, 'hello?');
    assert.equal((await a.socket.next('nack', (f) => f.id === gone)).code, 705);
    await settle(b.socket);
    assert.equal(
      b.socket.unread().filter((f) => f.t === 'room' && f.operation === 'destroy').length,
      0,
    );
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('takes room admins set with the CLI while the server runs', async () => {
    const server = await new ServerProcess().start();
    try {
      const base = server.url;
      const username = uniqueName('ra');
      await api(base, 'POST', '/demo/chat/users', { body: { username, password: 'secret-pw' } });
      const { access_token: accessToken } = await token(base, 'demo#chat', username);
      const create = () =>
        api(base, 'POST', '/demo/chat/chatrooms', { token: accessToken, body: { name: 'Den' } });
      assertError(await create(), 403, 'forbidden_op');
      const set = (await server.cli(['app', 'set', 'demo#chat', '--room-admins', username])) as {
        code: number;
        stdout: string;
      };
      assert.equal(set.code, 0);
      assert.match(set.stdout, new RegExp(`room admins: ${username}`));
      assert.equal((await create()).status, 200);
      const lobby = await api<RoomsResponse>(base, 'GET', '/demo/chat/chatrooms', {
        token: accessToken,
      });
      assert.equal(lobby.body.data.filter((room) => room.name === 'Lobby').length, 1);
    } finally {
      await server.dispose();
    }
  });
});
