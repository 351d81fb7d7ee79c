// Moderating a group through the real REST routes and WebSocket sessions: the announcement, muting
// everyone, and bans (a banned user is removed, cannot rejoin nor be invited until unbanned); every
// refusal with its status, Agora error and description, and what members see live.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Limits,
  type AnnouncementResponse,
  type AnnouncementUpdatedResponse,
  type GroupInfoResponse,
  type GroupsResponse,
  type MuteAllResponse,
  type UsernamesResponse,
} from '../../src/protocol/rest.js';
import { StatusCodes } from '../../server/domain/status-codes.js';
import { groupEvent } from './support/contact-group-steps.js';
import { createGroup } from './support/server-fixture.js';
import {
  assertError,
  connectSynced,
  newUser,
  ok,
  rest,
  sendGroupText,
  startTestServer,
  type TestServer,
  type TestUser,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('group moderation', () => {
  it('sets the announcement for members to read, live and on reading; only owner and admins', async () => {
    const owner = await newUser(t.url);
    const admin = await newUser(t.url);
    const bob = await newUser(t.url);
    const stranger = await newUser(t.url);
    const gid = await createGroup(t.url, owner, [admin, bob]);
    await ok(rest(t.url, owner, 'POST', `/chatgroups/${gid}/admin`, { newadmin: admin.username }));
    const b = await connectSynced(t.url, bob);
    const path = `/chatgroups/${gid}/announcement`;

    assertError(
      await rest(t.url, bob, 'POST', path, { announcement: 'mine' }),
      403,
      'forbidden_op',
      /only the owner and the admins may change the announcement/,
    );
    assertError(
      await rest(t.url, admin, 'POST', path, {
        announcement: 'a'.repeat(Limits.announcementMaxChars + 1),
      }),
      400,
      'illegal_argument',
      /announcementMaxChars/,
    );
    assertError(await rest(t.url, admin, 'POST', path, {}), 400, 'illegal_argument');
    // A private group's announcement is for its members.
    assertError(await rest(t.url, stranger, 'GET', path), 403, 'forbidden_op');

    const updated = await ok(
      rest<AnnouncementUpdatedResponse>(t.url, admin, 'POST', path, {
        announcement: 'Be kind <b>here</b>',
      }),
    );
    assert.deepEqual(updated.data, { id: gid, result: true });
    const event = await groupEvent(b.socket, 'updateAnnouncement');
    assert.deepEqual([event.from, event.announcement], [admin.username, 'Be kind <b>here</b>']);
    const read = await ok(rest<AnnouncementResponse>(t.url, bob, 'GET', path));
    assert.deepEqual(read.data, { announcement: 'Be kind <b>here</b>' });
    const joined = await ok(
      rest<GroupsResponse>(t.url, bob, 'GET', `/users/${bob.username}/joined_chatgroups`),
    );
    assert.equal(joined.entities[0]?.announcement, 'Be kind <b>here</b>');

    // '' removes it.
    await ok(rest(t.url, owner, 'POST', path, { announcement: '' }));
    assert.equal((await groupEvent(b.socket, 'updateAnnouncement')).announcement, '');
    assert.equal(
      (await ok(rest<AnnouncementResponse>(t.url, bob, 'GET', path))).data.announcement,
      '',
    );
    await b.socket.close();
  });

  it('mutes everyone but the owner and admins: members are refused with 507 until unmuted', async () => {
    const owner = await newUser(t.url);
    const admin = await newUser(t.url);
    const bob = await newUser(t.url);
    const gid = await createGroup(t.url, owner, [admin, bob]);
    await ok(rest(t.url, owner, 'POST', `/chatgroups/${gid}/admin`, { newadmin: admin.username }));
    const a = await connectSynced(t.url, admin);
    const b = await connectSynced(t.url, bob);

    assertError(
      await rest(t.url, bob, 'POST', `/chatgroups/${gid}/ban`),
      403,
      'forbidden_op',
      /only the owner and the admins may mute everyone/,
    );
    const muted = await ok(rest<MuteAllResponse>(t.url, admin, 'POST', `/chatgroups/${gid}/ban`));
    assert.deepEqual(muted.data, { mute: true });
    assert.equal((await groupEvent(b.socket, 'muteAllMembers')).from, admin.username);
    const info = await ok(rest<GroupInfoResponse>(t.url, bob, 'GET', `/chatgroups/${gid}`));
    assert.equal(info.data[0]?.mute, true);

    const refused = sendGroupText(b.socket, gid, 'may I?');
    const nack = await b.socket.next('nack', (f) => f.id === refused);
    assert.equal(nack.code, StatusCodes.SERVICE_NOT_ALLOW_MESSAGING_MUTE);
    assert.match(nack.reason, /everyone is muted in this group/);
    // The admin still writes, and Bob still reads.
    const adminSays = sendGroupText(a.socket, gid, 'quiet please');
    await a.socket.next('ack', (f) => f.id === adminSays);
    await b.socket.next('msg', (f) => f.message.from === admin.username);

    assertError(await rest(t.url, bob, 'DELETE', `/chatgroups/${gid}/ban`), 403, 'forbidden_op');
    const unmuted = await ok(
      rest<MuteAllResponse>(t.url, owner, 'DELETE', `/chatgroups/${gid}/ban`),
    );
    assert.deepEqual(unmuted.data, { mute: false });
    await groupEvent(b.socket, 'unmuteAllMembers');
    const again = sendGroupText(b.socket, gid, 'thanks');
    await b.socket.next('ack', (f) => f.id === again);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('bans: the member is removed, cannot rejoin nor be invited until unbanned', async () => {
    const owner = await newUser(t.url);
    const admin = await newUser(t.url);
    const admin2 = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const gid = await createGroup(t.url, owner, [admin, admin2, bob, carol], { public: true });
    for (const a of [admin, admin2]) {
      await ok(rest(t.url, owner, 'POST', `/chatgroups/${gid}/admin`, { newadmin: a.username }));
    }
    const b = await connectSynced(t.url, bob);
    const c = await connectSynced(t.url, carol);
    const ban = (actor: TestUser, target: string) =>
      rest(t.url, actor, 'POST', `/chatgroups/${gid}/blocks/users/${target}`);

    // Without the role, or above one's own: refused, nothing changes.
    assertError(
      await ban(carol, bob.username),
      403,
      'forbidden_op',
      /only the owner and the admins may ban/,
    );
    assertError(await ban(admin, owner.username), 403, 'forbidden_op', /owner cannot be banned/);
    assertError(
      await ban(admin, admin2.username),
      403,
      'forbidden_op',
      /admins cannot ban other admins/,
    );
    assertError(await ban(admin, admin.username), 400, 'illegal_argument', /yourself/);
    assertError(await ban(admin, 'nobody-here'), 404, 'service_resource_not_found');
    assertError(
      await rest(t.url, carol, 'GET', `/chatgroups/${gid}/blocks/users`),
      403,
      'forbidden_op',
    );

    await ok(ban(admin, bob.username));
    const removed = await groupEvent(b.socket, 'removeMember');
    assert.deepEqual(
      [removed.from, removed.userId, removed.blocked],
      [admin.username, bob.username, true],
    );
    assert.equal((await groupEvent(c.socket, 'removeMember')).blocked, true);
    assertError(await ban(admin, bob.username), 400, 'illegal_argument', /banned already/);
    const list = await ok(
      rest<UsernamesResponse>(t.url, admin, 'GET', `/chatgroups/${gid}/blocks/users`),
    );
    assert.deepEqual(list.data, [bob.username]);

    // Out, and kept out: no posting, no rejoining, no invitation.
    const post = sendGroupText(b.socket, gid, 'let me back');
    assert.equal(
      (await b.socket.next('nack', (f) => f.id === post)).code,
      StatusCodes.GROUP_NOT_JOINED,
    );
    assertError(
      await rest(t.url, bob, 'POST', `/chatgroups/${gid}/apply`, {}),
      403,
      'forbidden_op',
      /you are banned from group/,
    );
    assertError(
      await rest(t.url, owner, 'POST', `/chatgroups/${gid}/invite`, { usernames: [bob.username] }),
      403,
      'forbidden_op',
      /banned from group .*unban them first/,
    );

    // A user who is not a member can be banned ahead too.
    const dan = await newUser(t.url);
    await ok(ban(owner, dan.username));
    assertError(
      await rest(t.url, dan, 'POST', `/chatgroups/${gid}/apply`, {}),
      403,
      'forbidden_op',
    );

    assertError(
      await rest(t.url, carol, 'DELETE', `/chatgroups/${gid}/blocks/users/${bob.username}`),
      403,
      'forbidden_op',
    );
    assertError(
      await rest(t.url, admin, 'DELETE', `/chatgroups/${gid}/blocks/users/${carol.username}`),
      404,
      'service_resource_not_found',
      /not banned/,
    );
    await ok(rest(t.url, admin2, 'DELETE', `/chatgroups/${gid}/blocks/users/${bob.username}`));
    const unblocked = await groupEvent(b.socket, 'unblockMember');
    assert.deepEqual([unblocked.from, unblocked.userId], [admin2.username, bob.username]);
    // Unbanned is not a member again, but may join.
    await ok(rest(t.url, bob, 'POST', `/chatgroups/${gid}/apply`, {}));
    await groupEvent(c.socket, 'memberPresence');
    const back = sendGroupText(b.socket, gid, 'back');
    await b.socket.next('ack', (f) => f.id === back);
    await Promise.all([b.socket.close(), c.socket.close()]);
  });
});
