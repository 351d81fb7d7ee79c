// A room's member list says each member's role (issue 14: the app's room admins showed as plain
// members in Room info), on both storage engines: the room's owner, its admins, the app's room
// admins (admins of every room) and everyone else; and a member made admin and back is a member.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoomIdResponse, RoomMembersResponse } from '../../src/protocol/rest.js';
import { serverEngines } from './support/server-fixture.js';
import {
  assertError,
  newUser,
  ok,
  rest,
  startTestServer,
  uniqueName,
} from './support/test-server.js';

for (const engine of serverEngines) {
  describe(`room members on ${engine.name}`, () => {
    it('lists each member with their role in the room', async () => {
      const t = await startTestServer(await engine.config());
      try {
        const owner = await newUser(t.url);
        const other = await newUser(t.url);
        const [admin, bob, stranger] = [
          await newUser(t.url),
          await newUser(t.url),
          await newUser(t.url),
        ];
        await t.server.domain.apps.update('demo#chat', {
          roomAdmins: [owner.username, other.username],
        });
        const id = (
          await ok(
            rest<RoomIdResponse>(t.url, owner, 'POST', '/chatrooms', { name: uniqueName('room') }),
          )
        ).data.id;
        for (const member of [owner, other, admin, bob]) {
          await ok(rest(t.url, member, 'POST', `/chatrooms/${id}/apply`));
        }
        await ok(
          rest(t.url, owner, 'POST', `/chatrooms/${id}/admin`, { newadmin: admin.username }),
        );
        const members = async () =>
          (await ok(rest<RoomMembersResponse>(t.url, bob, 'GET', `/chatrooms/${id}/users`))).data;
        assert.deepEqual(
          new Map((await members()).map(({ member, role }) => [member, role])),
          new Map([
            [owner.username, 'owner'],
            [other.username, 'roomAdmin'],
            [admin.username, 'admin'],
            [bob.username, 'member'],
          ]),
        );

        await ok(rest(t.url, owner, 'DELETE', `/chatrooms/${id}/admin/${admin.username}`));
        assert.equal((await members()).find((m) => m.member === admin.username)?.role, 'member');
        // Only members see the list.
        assertError(
          await rest(t.url, stranger, 'GET', `/chatrooms/${id}/users`),
          403,
          'forbidden_op',
        );
      } finally {
        await t.close();
      }
    });
  });
}
