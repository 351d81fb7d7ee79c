// Groups through the real REST routes and WebSocket sessions: creation, invitations (also to
// someone offline), applications, group messages with per-member seqs, read acks, recall, history
// and conversations, disband; each refusal of who may read or post.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboxEvent, ServerFrame } from '../../src/protocol/frames.js';
import {
  Limits,
  type ConversationsResponse,
  type GroupAcksResponse,
  type GroupIdResponse,
  type GroupInfoResponse,
  type GroupMembersResponse,
  type GroupsResponse,
  type HistoryResponse,
  type PublicGroupsResponse,
} from '../../src/protocol/rest.js';
import { groupEvent } from './support/contact-group-steps.js';
import {
  api,
  assertError,
  connect,
  connectSynced,
  newUser,
  ok,
  rest,
  sendGroupText,
  settle,
  startTestServer,
  textOf,
  uniqueName,
  uploaded,
  type TestServer,
  type TestUser,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

async function createGroup(owner: TestUser, body: Record<string, unknown>): Promise<string> {
  const response = await rest<GroupIdResponse>(t.url, owner, 'POST', '/chatgroups', {
    groupname: 'g',
    public: false,
    ...body,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.match(response.body.data.groupid, Limits.numericIdPattern);
  return response.body.data.groupid;
}

const groupEventsOf = (frames: ServerFrame[]) =>
  frames.flatMap((f) => (f.t === 'event' && f.event.kind === 'group' ? [f.event] : []));

describe('groups', () => {
  it('creates a group, shows it to members, lists public groups, and refuses bad input', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const gid = await createGroup(alice, {
      groupname: 'Climbers',
      desc: 'rocks',
      members: [bob.username],
      public: true,
      inviteNeedConfirm: false,
      maxusers: 10,
    });
    const created = await groupEvent(a.socket, 'create');
    assert.deepEqual(
      { ...created, seq: 0, time: 0 },
      {
        kind: 'group',
        operation: 'create',
        seq: 0,
        gid,
        name: 'Climbers',
        from: alice.username,
        time: 0,
      },
    );
    const joined = await groupEvent(b.socket, 'directJoined');
    assert.equal(joined.userId, bob.username);
    assert.equal(joined.from, alice.username);

    const info = await ok(rest<GroupInfoResponse>(t.url, bob, 'GET', `/chatgroups/${gid}`));
    assert.deepEqual(
      { ...info.data[0], created: 0 },
      {
        id: gid,
        name: 'Climbers',
        description: 'rocks',
        owner: alice.username,
        public: true,
        approval: false,
        allowinvites: false,
        inviteNeedConfirm: false,
        maxusers: 10,
        created: 0,
        affiliations_count: 2,
        admins: [],
        mute: false,
        announcement: '',
      },
    );
    const mine = await ok(
      rest<GroupsResponse>(t.url, bob, 'GET', `/users/${bob.username}/joined_chatgroups`),
    );
    assert.deepEqual(
      mine.entities.map((g) => [g.id, g.role]),
      [[gid, 'member']],
    );
    assertError(
      await rest(t.url, alice, 'GET', `/users/${bob.username}/joined_chatgroups`),
      403,
      'forbidden_op',
    );
    const members = await ok(
      rest<GroupMembersResponse>(t.url, bob, 'GET', `/chatgroups/${gid}/users`),
    );
    assert.deepEqual(
      members.entities.map((m) => [m.username, m.role]),
      [
        [alice.username, 'owner'],
        [bob.username, 'member'],
      ],
    );
    const listed = await ok(
      rest<PublicGroupsResponse>(t.url, bob, 'GET', '/publicchatgroups?limit=100'),
    );
    assert.ok(listed.data.some((g) => g.groupid === gid && g.affiliations_count === 2));

    // Bad input: each named.
    const create = (body: Record<string, unknown>) =>
      rest(t.url, alice, 'POST', '/chatgroups', { groupname: 'x', public: false, ...body });
    assertError(
      await create({ groupname: 'n'.repeat(Limits.groupNameMaxChars + 1) }),
      400,
      'illegal_argument',
      /groupNameMaxChars/,
    );
    assertError(
      await create({ desc: 'd'.repeat(Limits.groupDescriptionMaxChars + 1) }),
      400,
      'illegal_argument',
      /groupDescriptionMaxChars/,
    );
    assertError(
      await create({ maxusers: Limits.groupMembersMax + 1 }),
      400,
      'illegal_argument',
      /groupMembersMax/,
    );
    assertError(await create({ members: ['nobody-like-this'] }), 404, 'service_resource_not_found');
    assertError(await create({ public: 'yes' }), 400, 'illegal_argument', /public/);
    assertError(await create({ groupname: undefined }), 400, 'illegal_argument', /groupname/);
    assertError(
      await rest(t.url, alice, 'GET', '/chatgroups/123456789012345678'),
      404,
      'service_resource_not_found',
    );
    assertError(
      await rest(t.url, alice, 'GET', '/chatgroups/not-a-group'),
      404,
      'service_resource_not_found',
    );
    const anonymous = await api(t.url, 'GET', `/demo/chat/chatgroups/${gid}`);
    assertError(anonymous, 401, 'auth_bad_access_token');
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('delivers an invitation to an invitee who connects later; accept and reject reach the inviter', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const gid = await createGroup(alice, { groupname: 'Book club' });
    await ok(
      rest(t.url, alice, 'POST', `/chatgroups/${gid}/invite`, {
        usernames: [bob.username, carol.username],
        reason: 'join us',
      }),
    );
    // Not members yet: a private group is closed to them.
    assertError(await rest(t.url, bob, 'GET', `/chatgroups/${gid}`), 403, 'forbidden_op');
    assertError(await rest(t.url, bob, 'GET', `/chatgroups/${gid}/users`), 403, 'forbidden_op');

    const a = await connectSynced(t.url, alice);
    const b = await connect(t.url, bob);
    await b.socket.next('sync-done');
    const replayed = groupEventsOf(b.socket.received);
    assert.deepEqual(
      replayed.map((e) => ({ ...e, seq: 0, time: 0 })),
      [
        {
          kind: 'group',
          operation: 'inviteToJoin',
          seq: 0,
          gid,
          name: 'Book club',
          from: alice.username,
          userId: bob.username,
          reason: 'join us',
          time: 0,
        },
      ],
    );
    assertError(
      await rest(t.url, alice, 'POST', `/chatgroups/${gid}/invite_verify`, { accept: true }),
      404,
      'service_resource_not_found',
    );
    await groupEvent(b.socket, 'inviteToJoin');
    await ok(rest(t.url, bob, 'POST', `/chatgroups/${gid}/invite_verify`, { accept: true }));
    const accepted = await groupEvent(a.socket, 'acceptInvite');
    assert.equal(accepted.from, bob.username);
    assert.equal((await groupEvent(b.socket, 'acceptInvite')).from, bob.username);

    await ok(
      rest(t.url, carol, 'POST', `/chatgroups/${gid}/invite_verify`, {
        accept: false,
        reason: 'busy',
      }),
    );
    const rejected = await groupEvent(a.socket, 'rejectInvite');
    assert.equal(rejected.from, carol.username);
    assert.equal(rejected.reason, 'busy');
    // Bob, a member, is not told about Carol's answer.
    await settle(b.socket);
    assert.equal(groupEventsOf(b.socket.unread()).length, 0);

    const members = await ok(
      rest<GroupMembersResponse>(t.url, bob, 'GET', `/chatgroups/${gid}/users`),
    );
    assert.deepEqual(
      members.entities.map((m) => m.username),
      [alice.username, bob.username],
    );
    // Members may not invite unless allowinvites; an invitee who blocked the inviter is refused.
    assertError(
      await rest(t.url, bob, 'POST', `/chatgroups/${gid}/invite`, { usernames: [carol.username] }),
      403,
      'forbidden_op',
    );
    await ok(
      rest(t.url, carol, 'POST', `/users/${carol.username}/blocks/users`, {
        usernames: [alice.username],
      }),
    );
    assertError(
      await rest(t.url, alice, 'POST', `/chatgroups/${gid}/invite`, {
        usernames: [carol.username],
      }),
      403,
      'forbidden_op',
    );
    assertError(
      await rest(t.url, alice, 'POST', '/chatgroups', {
        groupname: 'x',
        members: [carol.username],
      }),
      403,
      'forbidden_op',
    );
    assertError(
      await rest(t.url, alice, 'POST', `/chatgroups/${gid}/invite`, { usernames: [bob.username] }),
      400,
      'illegal_argument',
      /member already/,
    );

    // Disbanding reaches a user whose invitation is still pending, so their client can drop it.
    const dave = await newUser(t.url);
    await ok(
      rest(t.url, alice, 'POST', `/chatgroups/${gid}/invite`, { usernames: [dave.username] }),
    );
    await ok(rest(t.url, alice, 'DELETE', `/chatgroups/${gid}`));
    const d = await connect(t.url, dave);
    await d.socket.next('sync-done');
    assert.deepEqual(
      groupEventsOf(d.socket.received).map((e) => e.operation),
      ['inviteToJoin', 'destroy'],
    );
    await Promise.all([a.socket.close(), b.socket.close(), d.socket.close()]);
  });

  it('fans a group message out to every member with their own seq, replays it, and keeps history for members', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const dave = await newUser(t.url);
    const gid = await createGroup(alice, {
      members: [bob.username, carol.username],
      inviteNeedConfirm: false,
    });
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const d = await connectSynced(t.url, dave);
    // Bob's seq is ahead of Alice's: his own inbox holds a 1:1 message first.
    d.socket.send({
      t: 'msg',
      id: 'x1',
      to: bob.username,
      chatType: 'singleChat',
      type: 'txt',
      msg: 'hey',
    });
    await b.socket.next('msg');

    const id = sendGroupText(a.socket, gid, 'hello group');
    const ack = await a.socket.next('ack', (f) => f.id === id);
    const atBob = await b.socket.next('msg', (f) => f.message.chatType === 'groupChat');
    assert.equal(atBob.message.to, gid);
    assert.equal(atBob.message.from, alice.username);
    assert.equal(atBob.message.mid, ack.mid);
    assert.equal(textOf(atBob.message), 'hello group');
    assert.equal(atBob.message.seq, b.authOk.seq + 2, 'the 1:1 message, then this');
    assert.notEqual(atBob.message.seq, ack.seq);

    // Carol was offline: she gets it when she connects.
    const c = await connect(t.url, carol);
    const replayed = await c.socket.next('msg');
    assert.equal(replayed.message.mid, ack.mid);
    await c.socket.next('sync-done');

    // Non-members cannot post (602) or read the history (403); unknown groups are 605.
    const refusedId = sendGroupText(d.socket, gid, 'let me in');
    assert.equal((await d.socket.next('nack', (f) => f.id === refusedId)).code, 602);
    const unknownId = sendGroupText(d.socket, '123456789012345678', 'anyone?');
    assert.equal((await d.socket.next('nack', (f) => f.id === unknownId)).code, 605);
    const history = (path: string, user: TestUser) =>
      rest<HistoryResponse>(t.url, user, 'GET', `/users/${user.username}/messages?${path}`);
    assertError(await history(`peer=${gid}&chatType=groupChat`, dave), 403, 'forbidden_op');
    assertError(await history(`peer=${gid}`, dave), 400, 'illegal_argument', /group id/);
    const page = await ok(history(`peer=${gid}&chatType=groupChat`, carol));
    assert.deepEqual(
      page.messages.map((m) => [m.mid, m.seq, m.chatType]),
      [[ack.mid, 0, 'groupChat']],
    );

    // The group is a conversation with an unread count; reading it clears the count.
    const unread = async (user: TestUser) => {
      const list = await ok(
        rest<ConversationsResponse>(t.url, user, 'GET', `/users/${user.username}/user_channels`),
      );
      return list.entities.find((e) => e.peer === gid);
    };
    assert.deepEqual(
      { ...(await unread(carol)), lastMessage: undefined },
      { peer: gid, chatType: 'groupChat', lastMessage: undefined, unread: 1 },
    );
    assert.equal((await unread(alice))?.unread, 0, 'own messages are not unread');
    c.socket.send({ t: 'channel', to: gid, chatType: 'groupChat' });
    await settle(c.socket);
    assert.equal((await unread(carol))?.unread, 0);

    // A recall reaches every member.
    a.socket.send({ t: 'recall', id: 'r1', mid: ack.mid, to: gid, chatType: 'groupChat' });
    await a.socket.next('recalled');
    const recalled = await b.socket.next('event', (f) => f.event.kind === 'recall');
    assert.equal((recalled.event as InboxEvent).mid, ack.mid);
    await c.socket.next('event', (f) => f.event.kind === 'recall');
    await Promise.all([a.socket.close(), b.socket.close(), c.socket.close(), d.socket.close()]);
  });

  it('tells the sender who read a message only when it asked (allowGroupAck); the reader’s devices always', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const gid = await createGroup(alice, { members: [bob.username], inviteNeedConfirm: false });
    const a = await connectSynced(t.url, alice);
    const b1 = await connectSynced(t.url, bob, { multi: true });
    const b2 = await connectSynced(t.url, bob, { multi: true });

    const plainId = sendGroupText(a.socket, gid, 'no receipts please');
    const plain = await a.socket.next('ack', (f) => f.id === plainId);
    const askedId = sendGroupText(a.socket, gid, 'did you read this?', {
      msgConfig: { allowGroupAck: true },
    });
    const asked = await a.socket.next('ack', (f) => f.id === askedId);
    const echoed = await b1.socket.next('msg', (f) => f.message.mid === asked.mid);
    assert.deepEqual(echoed.message.msgConfig, { allowGroupAck: true });

    b1.socket.send({ t: 'read', mid: plain.mid, to: gid, chatType: 'groupChat' });
    const onOther = await b2.socket.next('event', (f) => f.event.kind === 'read');
    assert.equal((onOther.event as InboxEvent).mid, plain.mid);
    b1.socket.send({ t: 'read', mid: asked.mid, to: gid, chatType: 'groupChat' });
    const told = await a.socket.next('event', (f) => f.event.kind === 'read');
    assert.deepEqual(
      { ...told.event, seq: 0, time: 0 },
      {
        kind: 'read',
        seq: 0,
        from: bob.username,
        to: gid,
        chatType: 'groupChat',
        mid: asked.mid,
        groupReadCount: 1,
        time: 0,
      },
    );
    // Delivery acks are 1:1 only, and a second read stores nothing.
    b1.socket.send({ t: 'delivery', mid: asked.mid, to: alice.username });
    b2.socket.send({ t: 'read', mid: asked.mid, to: gid, chatType: 'groupChat' });
    await settle(b1.socket);
    await settle(b2.socket);
    await settle(a.socket);
    assert.equal(
      a.socket.unread().filter((f) => f.t === 'event' && f.event.kind === 'read').length,
      0,
    );

    const acks = await ok(
      rest<GroupAcksResponse>(t.url, alice, 'GET', `/chatgroups/${gid}/acks/${asked.mid}`),
    );
    assert.deepEqual(
      acks.data.map((r) => r.username),
      [bob.username],
    );
    assertError(
      await rest(t.url, bob, 'GET', `/chatgroups/${gid}/acks/${asked.mid}`),
      403,
      'forbidden_op',
    );
    assertError(
      await rest(t.url, alice, 'GET', `/chatgroups/${gid}/acks/${plain.mid}`),
      400,
      'illegal_argument',
    );
    await Promise.all([a.socket.close(), b1.socket.close(), b2.socket.close()]);
  });

  it('lets the members a file message reached download its file, and nobody else', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const eve = await newUser(t.url);
    const gid = await createGroup(alice, { members: [bob.username], inviteNeedConfirm: false });
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const file = await uploaded(t.url, alice.token);
    const id = uniqueName('f');
    a.socket.send({
      t: 'msg',
      id,
      to: gid,
      chatType: 'groupChat',
      type: 'file',
      url: file.url,
      secret: file.secret,
      filename: 'notes.txt',
      file_length: 10,
    });
    await a.socket.next('ack', (f) => f.id === id);
    const atBob = await b.socket.next('msg', (f) => f.message.chatType === 'groupChat');
    assert.equal(atBob.message.type === 'file' && atBob.message.url, file.url);
    const download = (user: TestUser) =>
      fetch(file.url, {
        headers: { authorization: `Bearer ${user.token}`, 'share-secret': file.secret },
      });
    assert.equal((await download(bob)).status, 200);
    assert.equal((await download(eve)).status, 403);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('joins public groups by applying, with the owner’s approval when the group asks for it', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const open = await createGroup(alice, { public: true });
    const vetted = await createGroup(alice, { public: true, approval: true });
    const closed = await createGroup(alice, { public: false });
    const a = await connectSynced(t.url, alice);
    const applied = await ok(
      rest(t.url, bob, 'POST', `/chatgroups/${open}/apply`, { message: 'hi' }),
    );
    assert.deepEqual(applied, { data: { result: 'joined' } });
    assert.equal((await groupEvent(a.socket, 'memberPresence')).userId, bob.username);
    // Anyone reads a public group's info and members.
    await ok(rest(t.url, carol, 'GET', `/chatgroups/${open}`));
    await ok(rest(t.url, carol, 'GET', `/chatgroups/${open}/users`));
    assertError(
      await rest(t.url, carol, 'POST', `/chatgroups/${closed}/apply`, {}),
      403,
      'forbidden_op',
    );
    assertError(
      await rest(t.url, bob, 'POST', `/chatgroups/${open}/apply`, {}),
      400,
      'illegal_argument',
    );

    const requested = await ok(
      rest(t.url, carol, 'POST', `/chatgroups/${vetted}/apply`, { message: 'me?' }),
    );
    assert.deepEqual(requested, { data: { result: 'requested' } });
    const request = await groupEvent(a.socket, 'requestToJoin');
    assert.equal(request.from, carol.username);
    assert.equal(request.reason, 'me?');
    assertError(
      await rest(t.url, carol, 'POST', `/chatgroups/${vetted}/apply_verify`, {
        applicant: carol.username,
        accept: true,
      }),
      403,
      'forbidden_op',
    );
    const c = await connectSynced(t.url, carol);
    await ok(
      rest(t.url, alice, 'POST', `/chatgroups/${vetted}/apply_verify`, {
        applicant: carol.username,
        accept: true,
      }),
    );
    const acceptRequest = await groupEvent(c.socket, 'acceptRequest');
    assert.equal(acceptRequest.userId, carol.username);
    assertError(
      await rest(t.url, alice, 'POST', `/chatgroups/${vetted}/apply_verify`, {
        applicant: bob.username,
        accept: false,
      }),
      404,
      'service_resource_not_found',
    );
    await Promise.all([a.socket.close(), c.socket.close()]);
  });
});
