// Moderating a chat room through the real REST routes and WebSocket sessions: its admins, mutes
// with a duration, muting everyone, bans and the announcement; each refusal with its status, Agora
// error and description, and the room frames members get live.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoomEventFrame } from '../../src/protocol/frames.js';
import type {
  AnnouncementResponse,
  MuteListResponse,
  RoomIdResponse,
  RoomInfoResponse,
  RoomsResponse,
  UsernamesResponse,
} from '../../src/protocol/rest.js';
import { StatusCodes } from '../../server/domain/status-codes.js';
import {
  assertError,
  connectSynced,
  newUser,
  ok,
  rest,
  sendRoomText,
  startTestServer,
  uniqueName,
  type TestServer,
  type TestUser,
} from './support/test-server.js';
import type { TestSocket } from './support/ws-client.js';

let t: TestServer;
let manager: TestUser;
before(async () => {
  t = await startTestServer();
  manager = await newUser(t.url);
  await t.server.domain.apps.update('demo#chat', { roomAdmins: [manager.username] });
});
after(() => t.close());

const roomEvent = (socket: TestSocket, operation: RoomEventFrame['operation']) =>
  socket.next('room', (f) => f.operation === operation);

async function roomWith(...members: TestUser[]): Promise<string> {
  const id = (
    await ok(
      rest<RoomIdResponse>(t.url, manager, 'POST', '/chatrooms', { name: uniqueName('room') }),
    )
  ).data.id;
  for (const member of members) await ok(rest(t.url, member, 'POST', `/chatrooms/${id}/apply`));
  return id;
}

describe('chat room moderation', () => {
  it('tells who may create rooms, and lets only its managers make admins', async () => {
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const mine = await ok(rest<RoomsResponse>(t.url, manager, 'GET', '/chatrooms'));
    assert.equal(mine.can_create, true);
    assert.equal(
      (await ok(rest<RoomsResponse>(t.url, bob, 'GET', '/chatrooms'))).can_create,
      false,
    );

    const id = await roomWith(bob, carol);
    const c = await connectSynced(t.url, carol);
    assertError(
      await rest(t.url, bob, 'POST', `/chatrooms/${id}/admin`, { newadmin: carol.username }),
      403,
      'forbidden_op',
      /only the room's owner and room admins may make or remove admins/,
    );
    const stranger = await newUser(t.url);
    assertError(
      await rest(t.url, manager, 'POST', `/chatrooms/${id}/admin`, {
        newadmin: stranger.username,
      }),
      404,
      'service_resource_not_found',
    );
    await ok(rest(t.url, manager, 'POST', `/chatrooms/${id}/admin`, { newadmin: bob.username }));
    assert.equal((await roomEvent(c.socket, 'setAdmin')).userId, bob.username);
    const admins = await ok(rest<UsernamesResponse>(t.url, carol, 'GET', `/chatrooms/${id}/admin`));
    assert.deepEqual(admins.data, [bob.username]);
    const info = await ok(rest<RoomInfoResponse>(t.url, carol, 'GET', `/chatrooms/${id}`));
    assert.deepEqual(info.data[0]?.admins, [bob.username]);

    // An admin may not make admins, nor act on another admin or the managers.
    assertError(
      await rest(t.url, bob, 'POST', `/chatrooms/${id}/admin`, { newadmin: carol.username }),
      403,
      'forbidden_op',
    );
    await ok(rest(t.url, manager, 'DELETE', `/chatrooms/${id}/admin/${bob.username}`));
    assert.equal((await roomEvent(c.socket, 'removeAdmin')).userId, bob.username);
    await c.socket.close();
  });

  it('mutes a member for a while (507), mutes everyone but managers and admins, and unmutes', async () => {
    const admin = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const id = await roomWith(admin, bob, carol);
    await ok(rest(t.url, manager, 'POST', `/chatrooms/${id}/admin`, { newadmin: admin.username }));
    const a = await connectSynced(t.url, admin);
    const b = await connectSynced(t.url, bob);
    const c = await connectSynced(t.url, carol);
    const mute = (actor: TestUser, usernames: string[], mute_duration = 60_000) =>
      rest(t.url, actor, 'POST', `/chatrooms/${id}/mute`, { usernames, mute_duration });

    assertError(await mute(carol, [bob.username]), 403, 'forbidden_op', /only the room's owner/);
    assertError(await mute(admin, [manager.username]), 403, 'forbidden_op', /you cannot mute/);
    assertError(await mute(admin, [bob.username], 0), 400, 'illegal_argument', /mute_duration/);
    await ok(mute(admin, [bob.username]));
    const muted = await roomEvent(c.socket, 'muteMember');
    assert.equal(muted.userId, bob.username);
    assert.ok(muted.muteUntil !== undefined && muted.muteUntil > Date.now());
    const list = await ok(rest<MuteListResponse>(t.url, carol, 'GET', `/chatrooms/${id}/mute`));
    assert.deepEqual(
      list.data.map((entry) => [entry.user, entry.expire]),
      [[bob.username, muted.muteUntil]],
    );
    const refused = sendRoomText(b.socket, id, 'hello?');
    const nack = await b.socket.next('nack', (f) => f.id === refused);
    assert.equal(nack.code, StatusCodes.SERVICE_NOT_ALLOW_MESSAGING_MUTE);
    assert.match(nack.reason, /you are muted in this room until/);
    // Leaving and joining again does not undo a mute.
    await ok(rest(t.url, bob, 'DELETE', `/chatrooms/${id}/quit`));
    await ok(rest(t.url, bob, 'POST', `/chatrooms/${id}/apply`));
    const still = sendRoomText(b.socket, id, 'now?');
    assert.equal((await b.socket.next('nack', (f) => f.id === still)).code, 507);
    await ok(rest(t.url, admin, 'DELETE', `/chatrooms/${id}/mute/${bob.username}`));
    await roomEvent(b.socket, 'unmuteMember');
    const free = sendRoomText(b.socket, id, 'free');
    await b.socket.next('ack', (f) => f.id === free);

    // Everyone muted: members refused, admins and managers still write.
    assertError(await rest(t.url, carol, 'POST', `/chatrooms/${id}/ban`), 403, 'forbidden_op');
    await ok(rest(t.url, admin, 'POST', `/chatrooms/${id}/ban`));
    await roomEvent(c.socket, 'muteAllMembers');
    assert.equal(
      (await ok(rest<RoomInfoResponse>(t.url, carol, 'GET', `/chatrooms/${id}`))).data[0]?.mute,
      true,
    );
    const quiet = sendRoomText(c.socket, id, 'me too?');
    const allNack = await c.socket.next('nack', (f) => f.id === quiet);
    assert.equal(allNack.code, 507);
    assert.match(allNack.reason, /everyone is muted in this room/);
    const adminSays = sendRoomText(a.socket, id, 'one at a time');
    await a.socket.next('ack', (f) => f.id === adminSays);
    await ok(rest(t.url, manager, 'DELETE', `/chatrooms/${id}/ban`));
    await roomEvent(c.socket, 'unmuteAllMembers');
    const loud = sendRoomText(c.socket, id, 'thanks');
    await c.socket.next('ack', (f) => f.id === loud);
    await Promise.all([a.socket.close(), b.socket.close(), c.socket.close()]);
  });

  it('bans: removed, cannot join until unbanned; sets the announcement', async () => {
    const admin = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const id = await roomWith(admin, bob, carol);
    await ok(rest(t.url, manager, 'POST', `/chatrooms/${id}/admin`, { newadmin: admin.username }));
    const b = await connectSynced(t.url, bob);
    const c = await connectSynced(t.url, carol);
    const ban = (actor: TestUser, target: string) =>
      rest(t.url, actor, 'POST', `/chatrooms/${id}/blocks/users/${target}`);

    assertError(await ban(carol, bob.username), 403, 'forbidden_op');
    assertError(await ban(admin, manager.username), 403, 'forbidden_op', /you cannot ban/);
    await ok(ban(admin, bob.username));
    const removed = await roomEvent(b.socket, 'removeMember');
    assert.deepEqual([removed.userId, removed.blocked], [bob.username, true]);
    await roomEvent(c.socket, 'removeMember');
    assertError(
      await rest(t.url, bob, 'POST', `/chatrooms/${id}/apply`),
      403,
      'forbidden_op',
      /you are banned from room/,
    );
    const post = sendRoomText(b.socket, id, 'let me in');
    assert.equal((await b.socket.next('nack', (f) => f.id === post)).code, 702);
    assertError(
      await rest(t.url, carol, 'GET', `/chatrooms/${id}/blocks/users`),
      403,
      'forbidden_op',
    );
    const bans = await ok(
      rest<UsernamesResponse>(t.url, admin, 'GET', `/chatrooms/${id}/blocks/users`),
    );
    assert.deepEqual(bans.data, [bob.username]);
    await ok(rest(t.url, admin, 'DELETE', `/chatrooms/${id}/blocks/users/${bob.username}`));
    assert.equal((await roomEvent(b.socket, 'unblockMember')).userId, bob.username);
    await ok(rest(t.url, bob, 'POST', `/chatrooms/${id}/apply`));

    const path = `/chatrooms/${id}/announcement`;
    assertError(
      await rest(t.url, carol, 'POST', path, { announcement: 'mine' }),
      403,
      'forbidden_op',
    );
    await ok(rest(t.url, admin, 'POST', path, { announcement: 'No spam' }));
    assert.equal((await roomEvent(c.socket, 'updateAnnouncement')).announcement, 'No spam');
    const read = await ok(rest<AnnouncementResponse>(t.url, bob, 'GET', path));
    assert.equal(read.data.announcement, 'No spam');
    await Promise.all([b.socket.close(), c.socket.close()]);
  });
});
