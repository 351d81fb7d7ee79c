// Who may moderate whom in a room: the server's rule and what Room info offers agree (issue 14:
// one of the app's room admins was offered Remove and Ban for another, as the member list called
// both 'admin', and the server refused). For every pair of an actor and a target among a room's
// owner, the app's room admins, its admins and its members, the server accepts removing, banning
// and muting exactly when RoleRanks (which the widget reads) ranks the actor above the target, by
// the roles the member list says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  RoomIdResponse,
  RoomMembersResponse,
  UsernamesResponse,
} from '../../src/protocol/rest.js';
import { RoleRanks, type RoomRole } from '../../src/protocol/room-roles.js';
import {
  newUser,
  ok,
  rest,
  startTestServer,
  uniqueName,
  type TestServer,
  type TestUser,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('room ranks', () => {
  it('the server lets exactly those the widget offers it remove, ban and mute', async () => {
    const [owner, roomAdmin1, roomAdmin2, admin1, admin2, member1, member2] = await Promise.all(
      Array.from({ length: 7 }, () => newUser(t.url)),
    );
    const apps = t.server.domain.apps;
    await apps.update('demo#chat', { roomAdmins: [owner.username] });
    const id = (
      await ok(
        rest<RoomIdResponse>(t.url, owner, 'POST', '/chatrooms', { name: uniqueName('ranks') }),
      )
    ).data.id;
    // The owner is one of the room's managers by owning it, not as a room admin of the app.
    await apps.update('demo#chat', { roomAdmins: [roomAdmin1.username, roomAdmin2.username] });
    const everyone = [owner, roomAdmin1, roomAdmin2, admin1, admin2, member1, member2];
    const join = (user: TestUser) => ok(rest(t.url, user, 'POST', `/chatrooms/${id}/apply`));
    for (const user of everyone) await join(user);
    for (const admin of [admin1, admin2])
      await ok(rest(t.url, owner, 'POST', `/chatrooms/${id}/admin`, { newadmin: admin.username }));

    const listed = await ok(
      rest<RoomMembersResponse>(t.url, member1, 'GET', `/chatrooms/${id}/users`),
    );
    const roles = new Map<string, RoomRole>(listed.data.map((m) => [m.member, m.role]));
    assert.deepEqual(
      everyone.map((user) => roles.get(user.username)),
      ['owner', 'roomAdmin', 'roomAdmin', 'admin', 'admin', 'member', 'member'],
    );

    // Back in the room, with their admin role again if they lost it (a ban takes it).
    const back = async (user: TestUser) => {
      await join(user);
      const admins = await ok(
        rest<UsernamesResponse>(t.url, owner, 'GET', `/chatrooms/${id}/admin`),
      );
      if (roles.get(user.username) === 'admin' && !admins.data.includes(user.username))
        await ok(rest(t.url, owner, 'POST', `/chatrooms/${id}/admin`, { newadmin: user.username }));
    };
    const actions = {
      remove: async (actor: TestUser, target: TestUser) => {
        const done = await rest(
          t.url,
          actor,
          'DELETE',
          `/chatrooms/${id}/users/${target.username}`,
        );
        if (done.status === 200) await back(target);
        return done.status;
      },
      ban: async (actor: TestUser, target: TestUser) => {
        const path = `/chatrooms/${id}/blocks/users/${target.username}`;
        const done = await rest(t.url, actor, 'POST', path);
        if (done.status === 200) {
          await ok(rest(t.url, owner, 'DELETE', path));
          await back(target);
        }
        return done.status;
      },
      mute: async (actor: TestUser, target: TestUser) => {
        const done = await rest(t.url, actor, 'POST', `/chatrooms/${id}/mute`, {
          usernames: [target.username],
          mute_duration: 60_000,
        });
        if (done.status === 200)
          await ok(rest(t.url, owner, 'DELETE', `/chatrooms/${id}/mute/${target.username}`));
        return done.status;
      },
    };
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const actor of [owner, roomAdmin1, admin1, member1]) {
      for (const target of everyone) {
        if (target === actor) continue;
        const [a, b] = [roles.get(actor.username)!, roles.get(target.username)!];
        const offered = RoleRanks[a] > RoleRanks[b];
        for (const [name, act] of Object.entries(actions)) {
          const status = await act(actor, target);
          outcomes.push(`${a} ${name} ${b}: ${status === 200 ? 'done' : 'refused'}`);
          expected.push(`${a} ${name} ${b}: ${offered ? 'done' : 'refused'}`);
          if (status !== 200) assert.equal(status, 403, `${a} ${name} ${b}`);
        }
      }
    }
    assert.deepEqual(outcomes, expected);
    // Nobody was lost on the way: every member is back with their role.
    const after = await ok(
      rest<RoomMembersResponse>(t.url, member1, 'GET', `/chatrooms/${id}/users`),
    );
    assert.deepEqual(new Map(after.data.map((m) => [m.member, m.role])), roles);
  });
});
