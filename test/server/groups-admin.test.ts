// What the owner and admins of a group may do, and what everyone else is refused: kick, mute,
// admins, hand-over, edit, disband; the limits (members per group per app, groups per user,
// invitations per minute).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Limits,
  type GroupIdResponse,
  type GroupInfoResponse,
  type GroupMembersResponse,
  type MuteListResponse,
  type UsernamesResponse,
} from '../../src/protocol/rest.js';
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
  await t.server.domain.apps.add('small#groups', { maxGroupMembers: 3 });
});
after(() => t.close());

describe('group owner and admins', () => {
  it('mutes a member (507 for them, others still post), with admins, kick and the refusals', async () => {
    const owner = await newUser(t.url);
    const admin = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const gid = await createGroup(t.url, owner, [admin, bob, carol]);
    const o = await connectSynced(t.url, owner);
    const b = await connectSynced(t.url, bob);
    const c = await connectSynced(t.url, carol);

    // Only the owner makes admins.
    assertError(
      await rest(t.url, bob, 'POST', `/chatgroups/${gid}/admin`, { newadmin: carol.username }),
      403,
      'forbidden_op',
    );
    await ok(rest(t.url, owner, 'POST', `/chatgroups/${gid}/admin`, { newadmin: admin.username }));
    assert.equal((await groupEvent(b.socket, 'setAdmin')).userId, admin.username);
    const admins = await ok(rest<UsernamesResponse>(t.url, bob, 'GET', `/chatgroups/${gid}/admin`));
    assert.deepEqual(admins.data, [admin.username]);

    // Members cannot mute or kick; admins cannot touch the owner or other admins.
    const mute = (actor: TestUser, usernames: string[], duration = 60_000) =>
      rest(t.url, actor, 'POST', `/chatgroups/${gid}/mute`, { usernames, mute_duration: duration });
    assertError(await mute(carol, [bob.username]), 403, 'forbidden_op');
    assertError(
      await rest(t.url, carol, 'DELETE', `/chatgroups/${gid}/users/${bob.username}`),
      403,
      'forbidden_op',
    );
    assertError(await mute(admin, [owner.username]), 403, 'forbidden_op');
    assertError(
      await rest(t.url, admin, 'DELETE', `/chatgroups/${gid}/users/${owner.username}`),
      403,
      'forbidden_op',
    );
    assertError(
      await rest(t.url, owner, 'DELETE', `/chatgroups/${gid}/quit`),
      403,
      'forbidden_op',
      /owner cannot quit/,
    );
    assertError(await mute(admin, [bob.username], 0), 400, 'illegal_argument', /mute_duration/);

    await ok(mute(admin, [bob.username]));
    const muted = await groupEvent(b.socket, 'muteMember');
    assert.equal(muted.userId, bob.username);
    assert.equal(muted.from, admin.username);
    assert.ok(muted.muteUntil !== undefined && muted.muteUntil > Date.now());
    const list = await ok(rest<MuteListResponse>(t.url, carol, 'GET', `/chatgroups/${gid}/mute`));
    assert.deepEqual(
      list.data.map((m) => m.user),
      [bob.username],
    );
    const members = await ok(
      rest<GroupMembersResponse>(t.url, carol, 'GET', `/chatgroups/${gid}/users`),
    );
    assert.equal(
      members.entities.find((m) => m.username === bob.username)?.muteUntil,
      muted.muteUntil,
    );

    const refusedId = sendGroupText(b.socket, gid, 'can I speak?');
    const nack = await b.socket.next('nack', (f) => f.id === refusedId);
    assert.equal(nack.code, 507);
    const carolId = sendGroupText(c.socket, gid, 'I can');
    await c.socket.next('ack', (f) => f.id === carolId);
    await b.socket.next('msg', (f) => f.message.from === carol.username);

    await ok(rest(t.url, admin, 'DELETE', `/chatgroups/${gid}/mute/${bob.username}`));
    await groupEvent(b.socket, 'unmuteMember');
    const againId = sendGroupText(b.socket, gid, 'thanks');
    await b.socket.next('ack', (f) => f.id === againId);

    // The admin removes Bob: he is told, and can no longer post or read.
    await ok(rest(t.url, admin, 'DELETE', `/chatgroups/${gid}/users/${bob.username}`));
    const removed = await groupEvent(b.socket, 'removeMember');
    assert.deepEqual([removed.from, removed.userId], [admin.username, bob.username]);
    assert.equal((await groupEvent(o.socket, 'removeMember')).userId, bob.username);
    const afterId = sendGroupText(b.socket, gid, 'still here?');
    assert.equal((await b.socket.next('nack', (f) => f.id === afterId)).code, 602);
    assertError(await rest(t.url, bob, 'GET', `/chatgroups/${gid}`), 403, 'forbidden_op');

    // Carol leaves on her own; the owner removes the admin role.
    await ok(rest(t.url, carol, 'DELETE', `/chatgroups/${gid}/quit`));
    const left = await groupEvent(o.socket, 'memberAbsence');
    assert.equal(left.userId, carol.username);
    await groupEvent(c.socket, 'memberAbsence');
    await ok(rest(t.url, owner, 'DELETE', `/chatgroups/${gid}/admin/${admin.username}`));
    assert.equal((await groupEvent(o.socket, 'removeAdmin')).userId, admin.username);
    await Promise.all([o.socket.close(), b.socket.close(), c.socket.close()]);
  });

  it('edits, hands over and disbands: every member is told, and the group is gone', async () => {
    const owner = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const gid = await createGroup(t.url, owner, [bob, carol]);
    const b = await connectSynced(t.url, bob);
    const c = await connectSynced(t.url, carol);

    assertError(
      await rest(t.url, bob, 'PUT', `/chatgroups/${gid}`, { groupname: 'Mine now' }),
      403,
      'forbidden_op',
    );
    assertError(
      await rest(t.url, owner, 'PUT', `/chatgroups/${gid}`, {
        description: 'd'.repeat(Limits.groupDescriptionMaxChars + 1),
      }),
      400,
      'illegal_argument',
      /groupDescriptionMaxChars/,
    );
    const edited = await ok(
      rest<GroupInfoResponse>(t.url, owner, 'PUT', `/chatgroups/${gid}`, {
        groupname: 'Renamed',
        description: 'new words',
      }),
    );
    assert.deepEqual([edited.data[0]?.name, edited.data[0]?.description], ['Renamed', 'new words']);
    const update = await groupEvent(c.socket, 'updateInfo');
    assert.equal(update.name, 'Renamed');

    await ok(rest(t.url, owner, 'PUT', `/chatgroups/${gid}`, { newowner: bob.username }));
    assert.equal((await groupEvent(c.socket, 'changeOwner')).userId, bob.username);
    assertError(await rest(t.url, owner, 'DELETE', `/chatgroups/${gid}`), 403, 'forbidden_op');
    // The old owner is a member now and may leave.
    await ok(rest(t.url, owner, 'DELETE', `/chatgroups/${gid}/quit`));

    await ok(rest(t.url, bob, 'DELETE', `/chatgroups/${gid}`));
    const destroyed = await groupEvent(c.socket, 'destroy');
    assert.deepEqual(
      [destroyed.gid, destroyed.from, destroyed.name],
      [gid, bob.username, 'Renamed'],
    );
    await groupEvent(b.socket, 'destroy');
    const postId = sendGroupText(c.socket, gid, 'anyone?');
    assert.equal((await c.socket.next('nack', (f) => f.id === postId)).code, 605);
    assertError(
      await rest(t.url, carol, 'GET', `/chatgroups/${gid}`),
      404,
      'service_resource_not_found',
    );
    await Promise.all([b.socket.close(), c.socket.close()]);
  });

  it('holds the limits: members per group of the app, groups per user, invitations per minute', async () => {
    // small#groups was added with --max-group-members 3.
    const owner = await newUser(t.url, 'small#groups');
    const others = [
      await newUser(t.url, 'small#groups'),
      await newUser(t.url, 'small#groups'),
      await newUser(t.url, 'small#groups'),
    ];
    const create = (body: Record<string, unknown>) =>
      rest(
        t.url,
        owner,
        'POST',
        '/chatgroups',
        { groupname: 'g', public: false, ...body },
        'small#groups',
      );
    assertError(
      await create({ maxusers: 4 }),
      400,
      'illegal_argument',
      /from 1 to 3 \(groupMembersMax\)/,
    );
    assertError(
      await create({ members: others.map((u) => u.username), inviteNeedConfirm: false }),
      403,
      'forbidden_op',
      /maxusers/,
    );
    const gid = await createGroup(t.url, owner, others.slice(0, 2), { appKey: 'small#groups' });
    assertError(
      await rest(
        t.url,
        owner,
        'POST',
        `/chatgroups/${gid}/invite`,
        { usernames: [others[2]?.username] },
        'small#groups',
      ),
      403,
      'forbidden_op',
      /maxusers/,
    );

    // Groups per user: the user who is in groupsPerUser groups cannot make or join one more.
    const busy = await newUser(t.url);
    for (let i = 0; i < Limits.groupsPerUser; i += 1) {
      await ok(rest(t.url, busy, 'POST', '/chatgroups', { groupname: `g${i}`, public: true }));
    }
    assertError(
      await rest(t.url, busy, 'POST', '/chatgroups', { groupname: 'one more', public: true }),
      403,
      'forbidden_op',
      /groupsPerUser/,
    );
    const host = await newUser(t.url);
    const open = await ok(
      rest<GroupIdResponse>(t.url, host, 'POST', '/chatgroups', { groupname: 'o', public: true }),
    );
    assertError(
      await rest(t.url, busy, 'POST', `/chatgroups/${open.data.groupid}/apply`, {}),
      403,
      'forbidden_op',
      /groupsPerUser/,
    );

    // Invitations per minute, counted per invitee (re-inviting the same user counts again).
    const inviter = await newUser(t.url);
    const invitee = await newUser(t.url);
    const team = await ok(
      rest<GroupIdResponse>(t.url, inviter, 'POST', '/chatgroups', { groupname: 'r' }),
    );
    const invite = () =>
      rest(t.url, inviter, 'POST', `/chatgroups/${team.data.groupid}/invite`, {
        usernames: [invitee.username],
      });
    for (let i = 0; i < Limits.invitationsPerMinute; i += 1) await ok(invite());
    assertError(await invite(), 429, 'reach_limit', /invitationsPerMinute/);
  });
});
