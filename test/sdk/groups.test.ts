// Groups through the SDK against the real server: create, invite (offline too), accept, messages of
// several kinds, group read receipts, mute, admins, kick, edit, hand-over, disband; join with and
// without approval. The owner listens with 4.x handlers, Bob with the 3.x `listen` set.
import { expect } from '@open-wc/testing';
import WebIM, {
  type GroupEventPayload,
  type InviteMessage,
  type PresenceEvent,
  type ReceiptEvent,
  type ReceivedMessage,
} from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import {
  OK,
  closeAll,
  failure,
  fileOf,
  loggedIn,
  newUser,
  until,
  waitFor,
} from './sdk-fixtures.js';

const text = (to: string, msg: string, extra: Record<string, unknown> = {}) =>
  WebIM.message.create({ type: 'txt', chatType: 'groupChat', to, msg, ...extra });

describe('groups', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('walks a group from creation to disbanding, with every callback', async () => {
    const alice = await loggedIn(server);
    const bobUser = await newUser(server);
    const carol = await loggedIn(server);
    const bob = bobUser.username;

    const data = {
      groupname: 'Team',
      desc: 'our team',
      members: [],
      public: true,
      approval: false,
      allowinvites: false,
      inviteNeedConfirm: true,
    };
    let fromSuccess: unknown;
    const created = await alice.conn.createGroupNew({ data, success: (r) => (fromSuccess = r) });
    const gid = created.data.groupid;
    expect(gid).to.match(/^[0-9]{15,}$/);
    expect(fromSuccess).to.equal(created);
    expect((await alice.events.wait('onCreateGroup'))[0]).to.deep.equal({ data: { groupid: gid } });
    const create = await waitFor<GroupEventPayload>(alice.events, 'onGroupEvent', {
      operation: 'create',
    });
    expect(create).to.deep.include({ id: gid, name: 'Team', from: alice.username });

    // Bob is offline when invited; he gets it on login (3.x callbacks and the 4.x one).
    expect(
      await alice.conn.inviteToGroup({ groupId: gid, users: [bob], reason: 'join us' }),
    ).to.deep.equal(OK);
    const bobSide = await loggedIn(server, {}, bobUser, true);
    const [invite] = (await bobSide.events.wait('onInviteMessage')) as [InviteMessage];
    expect(invite).to.deep.include({
      type: 'invite',
      from: alice.username,
      to: bob,
      roomid: gid,
      reason: 'join us',
    });
    const presence = await waitFor<PresenceEvent>(bobSide.events, 'onPresence', { type: 'invite' });
    expect(presence).to.deep.include({ gid, from: alice.username, to: bob, status: 'join us' });
    const invited = await waitFor<GroupEventPayload>(bobSide.events, 'onGroupEvent', {
      operation: 'inviteToJoin',
    });
    expect(invited).to.deep.include({
      id: gid,
      from: alice.username,
      userId: bob,
      reason: 'join us',
    });

    expect(await bobSide.conn.agreeInviteIntoGroup({ groupId: gid })).to.deep.equal(OK);
    const accepted = await waitFor<GroupEventPayload>(alice.events, 'onGroupEvent', {
      operation: 'acceptInvite',
    });
    expect(accepted).to.deep.include({ id: gid, from: bob });
    expect(
      await waitFor<PresenceEvent>(alice.events, 'onPresence', { type: 'invite_accept' }),
    ).to.deep.include({ gid, from: bob, to: alice.username });

    // Carol joins the public group herself (no approval).
    expect(await carol.conn.joinGroup({ groupId: gid, message: 'hello' })).to.deep.equal({
      data: { result: 'joined' },
    });
    const joined = await waitFor<PresenceEvent>(bobSide.events, 'onPresence', {
      type: 'memberJoinPublicGroupSuccess',
    });
    expect(joined).to.deep.include({ gid, from: carol.username });
    const members = await alice.conn.listGroupMembers({ groupId: gid });
    expect(members.entities.map((m) => [m.username, m.role])).to.have.deep.members([
      [alice.username, 'owner'],
      [bob, 'member'],
      [carol.username, 'member'],
    ]);
    // The 4.x SDK's shape beside the server's list: `{owner}` or `{member}` each.
    expect(members.data).to.have.deep.members([
      { owner: alice.username },
      { member: bob },
      { member: carol.username },
    ]);
    const info = await bobSide.conn.getGroupInfo({ groupId: gid });
    expect(info.data[0]).to.deep.include({ id: gid, name: 'Team', affiliations_count: 3 });
    const mine = await carol.conn.getJoinedGroups();
    expect(mine.entities.map((g) => [g.id, g.role])).to.deep.equal([[gid, 'member']]);
    expect(mine.data).to.deep.equal([{ groupid: gid, groupname: 'Team' }]);

    // Messages of several kinds, received as 3.x `groupchat`.
    await alice.conn.send(text(gid, 'hi team'));
    await alice.conn.send(
      WebIM.message.create({
        type: 'img',
        chatType: 'groupChat',
        to: gid,
        file: fileOf('team.png', 'image/png', 2048),
      }),
    );
    await alice.conn.send(
      WebIM.message.create({ type: 'custom', chatType: 'groupChat', to: gid, customEvent: 'poll' }),
    );
    // 3.x style: `type: 'groupchat'` in `set`.
    await carol.conn.send(
      new WebIM.message('loc', carol.conn.getUniqueId()).set({
        type: 'groupchat',
        to: gid,
        addr: 'here',
        lat: 1,
        lng: 2,
      }).body,
    );
    const received = await until(
      () => bobSide.events.count('onMessage') >= 4 && bobSide.events.all('onMessage'),
      'four group messages',
    );
    const messages = received.map(([list]) => (list as ReceivedMessage[])[0]!);
    expect(messages.map((m) => [m.contentsType, m.type, m.chatType, m.to])).to.deep.equal([
      ['TEXT', 'groupchat', 'groupChat', gid],
      ['IMAGE', 'groupchat', 'groupChat', gid],
      ['CUSTOM', 'groupchat', 'groupChat', gid],
      ['LOCATION', 'groupchat', 'groupChat', gid],
    ]);
    expect(messages.map((m) => m.from)).to.deep.equal([
      alice.username,
      alice.username,
      alice.username,
      carol.username,
    ]);
    expect((await bobSide.events.wait('onPictureMessage'))[0]).to.include({ to: gid });
    const history = await bobSide.conn.getHistoryMessages({ targetId: gid, chatType: 'groupChat' });
    expect(history.messages.map((m) => m.contentsType)).to.deep.equal([
      'LOCATION',
      'CUSTOM',
      'IMAGE',
      'TEXT',
    ]);
    expect(history.messages.every((m) => m.type === 'groupchat')).to.equal(true);

    // A read receipt the sender asked for reaches them with a count.
    const asked = await alice.conn.send(
      text(gid, 'read me', { msgConfig: { allowGroupAck: true } }),
    );
    const [askedCopy] = (await bobSide.events.wait('onTextMessage', 2)) as [ReceivedMessage];
    expect(askedCopy.msgConfig).to.deep.equal({ allowGroupAck: true });
    await bobSide.conn.send(
      WebIM.message.create({ type: 'read', chatType: 'groupChat', id: asked.serverMsgId, to: gid }),
    );
    const [read] = (await alice.events.wait('onReadMessage')) as [ReceiptEvent];
    expect(read).to.deep.include({
      mid: asked.serverMsgId,
      from: bob,
      chatType: 'groupChat',
      groupReadCount: 1,
    });
    const readers = await alice.conn.getGroupMsgReadUser({
      groupId: gid,
      msgId: asked.serverMsgId,
    });
    expect(readers.data.map((r) => r.username)).to.deep.equal([bob]);

    // Mute: Carol's sends fail with 507 and onMutedMessage; Bob is not disturbed.
    expect(
      await alice.conn.mute({ groupId: gid, username: carol.username, muteDuration: -1 }),
    ).to.deep.equal(OK);
    const muted = await waitFor<GroupEventPayload>(carol.events, 'onGroupEvent', {
      operation: 'muteMember',
    });
    expect(muted).to.deep.include({ from: alice.username, userId: carol.username, muteUntil: -1 });
    expect(
      await waitFor<PresenceEvent>(bobSide.events, 'onPresence', { type: 'addMute' }),
    ).to.deep.include({ gid, from: alice.username });
    const silenced = text(gid, 'can I speak?');
    const refused = await failure(carol.conn.send(silenced));
    expect(refused.type).to.equal(WebIM.statusCode.SERVICE_NOT_ALLOW_MESSAGING_MUTE);
    expect((await carol.events.wait('onMutedMessage'))[0]).to.deep.equal({ mid: silenced.id });
    await bobSide.conn.send(text(gid, 'I can'));
    expect((await alice.conn.getGroupMuteList({ groupId: gid })).data).to.deep.equal([
      { user: carol.username, expire: -1 },
    ]);
    await alice.conn.unmuteGroupMember({ groupId: gid, username: carol.username });
    await waitFor(carol.events, 'onGroupEvent', { operation: 'unmuteMember' });
    await carol.conn.send(text(gid, 'thanks'));

    // Admins and an edit.
    await alice.conn.setAdmin({ groupId: gid, username: bob });
    await waitFor(bobSide.events, 'onPresence', { type: 'addAdmin' });
    expect(await carol.conn.getGroupAdmin({ groupId: gid })).to.deep.equal({ data: [bob] });
    await alice.conn.removeGroupAdmin({ groupId: gid, username: bob });
    await waitFor(bobSide.events, 'onPresence', { type: 'removeAdmin' });
    const edited = await alice.conn.modifyGroup({
      groupId: gid,
      groupName: 'Team 2',
      description: 'renamed',
    });
    expect(edited.data[0]).to.deep.include({ name: 'Team 2', description: 'renamed' });
    const update = await waitFor<GroupEventPayload>(carol.events, 'onGroupEvent', {
      operation: 'updateInfo',
    });
    expect(update).to.deep.include({ id: gid, name: 'Team 2', from: alice.username });

    // Kick: Carol is told she was removed, Bob that she left; she can no longer post.
    expect(
      await alice.conn.removeSingleGroupMember({ groupId: gid, username: carol.username }),
    ).to.deep.equal(OK);
    expect(
      await waitFor<PresenceEvent>(carol.events, 'onPresence', { type: 'removedFromGroup' }),
    ).to.deep.include({ gid, from: alice.username, to: carol.username });
    expect(
      await waitFor<PresenceEvent>(bobSide.events, 'onPresence', { type: 'leaveGroup' }),
    ).to.deep.include({ gid, from: carol.username });
    expect((await failure(carol.conn.send(text(gid, 'still here?')))).type).to.equal(
      WebIM.statusCode.GROUP_NOT_JOINED,
    );

    // Hand-over, then the new owner disbands: every member is told.
    await alice.conn.changeGroupOwner({ groupId: gid, newOwner: bob });
    expect(
      await waitFor<PresenceEvent>(bobSide.events, 'onPresence', { type: 'changeOwner' }),
    ).to.deep.include({ gid, owner: bob });
    expect(await bobSide.conn.dissolveGroup({ groupId: gid })).to.deep.equal(OK);
    const destroyed = await waitFor<GroupEventPayload>(alice.events, 'onGroupEvent', {
      operation: 'destroy',
    });
    expect(destroyed).to.deep.include({ id: gid, from: bob });
    expect(
      await waitFor<PresenceEvent>(alice.events, 'onPresence', { type: 'deleteGroupChat' }),
    ).to.deep.include({ gid, from: bob });
    expect((await failure(alice.conn.send(text(gid, 'anyone?')))).type).to.equal(
      WebIM.statusCode.GROUP_NOT_EXIST,
    );
    // The REST error shape for a group that is gone.
    const gone = await failure(alice.conn.getGroupInfo({ groupId: gid }));
    expect(gone.type).to.equal(17);
    expect(JSON.parse(gone.data!).error).to.equal('service_resource_not_found');
  });

  it('applications with approval, a declined invitation, and leaving', async () => {
    const owner = await loggedIn(server);
    const dave = await loggedIn(server, {}, undefined, true);
    const erin = await loggedIn(server);
    const { data } = await owner.conn.createGroup({
      data: { groupname: 'Club', public: true, approval: true, members: [] },
    });
    const groupId = data.groupid;

    // Members added at creation without confirmation are told they are in.
    const direct = await owner.conn.createGroup({
      data: {
        groupname: 'Direct',
        public: false,
        members: [erin.username],
        inviteNeedConfirm: false,
      },
    });
    const joinedDirectly = await waitFor<GroupEventPayload>(erin.events, 'onGroupEvent', {
      operation: 'directJoined',
    });
    expect(joinedDirectly).to.deep.include({
      id: direct.data.groupid,
      name: 'Direct',
      from: owner.username,
      userId: erin.username,
    });
    await waitFor(erin.events, 'onPresence', { type: 'direct_joined', gid: direct.data.groupid });
    // A private group is not for outsiders.
    const outsider = await failure(dave.conn.getGroupMembers({ groupId: direct.data.groupid }));
    expect(JSON.parse(outsider.data!).error).to.equal('forbidden_op');
    await owner.conn.destroyGroup({ groupId: direct.data.groupid });
    const listed = await dave.conn.getPublicGroups({ limit: 100 });
    expect(listed.data.map((g) => g.groupid)).to.include(groupId);

    expect(await dave.conn.joinGroup({ groupId, message: 'let me in' })).to.deep.equal({
      data: { result: 'requested' },
    });
    expect(
      await waitFor<PresenceEvent>(owner.events, 'onPresence', { type: 'joinGroupNotifications' }),
    ).to.deep.include({ gid: groupId, from: dave.username, status: 'let me in' });
    await owner.conn.acceptGroupJoinRequest({ groupId, applicant: dave.username });
    expect(
      await waitFor<PresenceEvent>(dave.events, 'onPresence', { type: 'joinPublicGroupSuccess' }),
    ).to.deep.include({ gid: groupId, from: owner.username });

    await erin.conn.joinGroup({ groupId });
    await waitFor(owner.events, 'onGroupEvent', {
      operation: 'requestToJoin',
      from: erin.username,
    });
    await owner.conn.rejectJoinGroup({ groupId, applicant: erin.username, reason: 'full' });
    const declined = await waitFor<GroupEventPayload>(erin.events, 'onGroupEvent', {
      operation: 'joinPublicGroupDeclined',
    });
    expect(declined).to.deep.include({ id: groupId, from: owner.username, reason: 'full' });

    await owner.conn.inviteUsersToGroup({ groupId, users: [erin.username] });
    await waitFor(erin.events, 'onInviteMessage', { roomid: groupId });
    await erin.conn.rejectGroupInvite({ groupId, reason: 'no thanks' });
    expect(
      await waitFor<PresenceEvent>(owner.events, 'onPresence', { type: 'invite_decline' }),
    ).to.deep.include({ gid: groupId, from: erin.username, status: 'no thanks' });

    expect(await dave.conn.quitGroup({ groupId })).to.deep.equal(OK);
    const left = await waitFor<GroupEventPayload>(owner.events, 'onGroupEvent', {
      operation: 'memberAbsence',
    });
    expect(left).to.deep.include({ from: dave.username, userId: dave.username });
    // The owner cannot quit (403 with the REST error shape).
    const refused = await failure(owner.conn.leaveGroup({ groupId }));
    expect(JSON.parse(refused.data!).error).to.equal('forbidden_op');
    await owner.conn.destroyGroup({ groupId });
  });
});
