// Moderating a group through the 4.x SDK against the real server: the announcement
// (fetch/updateGroupAnnouncement), mute everyone (disable/enableSendGroupMsg) and bans
// (block/unblockGroupMember, getGroupBlocklist), with the `onGroupEvent` fields members get live
// (`announcement`, `blocked`) and each refusal of someone without the role.
import { expect } from '@open-wc/testing';
import WebIM, { type GroupEventPayload, type PresenceEvent } from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { OK, closeAll, failure, loggedIn, waitFor } from './sdk-fixtures.js';

const text = (to: string, msg: string) =>
  WebIM.message.create({ type: 'txt', chatType: 'groupChat', to, msg });

/** The REST error of a refusal: 17 with the server's `{error, error_description}`. */
async function refusal(work: Promise<unknown>) {
  const error = await failure(work);
  expect(error.type).to.equal(17);
  return JSON.parse(error.data!) as { error: string; error_description: string };
}

describe('group moderation', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  /** Alice owns a group of Bob and Carol; Carol is an admin. */
  async function moderated(isPublic = false) {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const carol = await loggedIn(server);
    const { data } = await alice.conn.createGroup({
      data: {
        groupname: 'Moderated',
        desc: '',
        members: [bob.username, carol.username],
        public: isPublic,
        approval: false,
        allowinvites: false,
        inviteNeedConfirm: false,
      },
    });
    const groupId = data.groupid;
    expect(await alice.conn.setGroupAdmin({ groupId, username: carol.username })).to.deep.equal(OK);
    await waitFor(bob.events, 'onGroupEvent', { operation: 'setAdmin', userId: carol.username });
    return { alice, bob, carol, groupId };
  }

  it('sets and removes the announcement; members read it and get it live; a member is refused', async () => {
    const { alice, bob, carol, groupId } = await moderated();

    const refused = await refusal(
      bob.conn.updateGroupAnnouncement({ groupId, announcement: 'mine' }),
    );
    expect(refused.error).to.equal('forbidden_op');
    expect(refused.error_description).to.match(/only the owner and the admins/);
    expect(await bob.conn.fetchGroupAnnouncement({ groupId })).to.deep.equal({
      data: { announcement: '' },
    });

    let fromSuccess: unknown;
    const updated = await carol.conn.updateGroupAnnouncement({
      groupId,
      announcement: 'Be kind <b>here</b>',
      success: (result) => (fromSuccess = result),
    });
    expect(updated).to.deep.equal({ data: { id: groupId, result: true } });
    expect(fromSuccess).to.equal(updated);
    const live = await waitFor<GroupEventPayload>(bob.events, 'onGroupEvent', {
      operation: 'updateAnnouncement',
    });
    expect(live).to.deep.include({
      id: groupId,
      from: carol.username,
      announcement: 'Be kind <b>here</b>',
    });
    expect(live).not.to.have.property('kind');
    expect(await bob.conn.fetchGroupAnnouncement({ groupId })).to.deep.equal({
      data: { announcement: 'Be kind <b>here</b>' },
    });

    // '' removes it, and the event says so with an empty announcement.
    await alice.conn.updateGroupAnnouncement({ groupId, announcement: '' });
    await waitFor(bob.events, 'onGroupEvent', {
      operation: 'updateAnnouncement',
      announcement: '',
    });
    expect((await carol.conn.fetchGroupAnnouncement({ groupId })).data.announcement).to.equal('');
  });

  it('mutes everyone but the owner and admins, then lets them write again', async () => {
    const { alice, bob, carol, groupId } = await moderated();

    const refused = await refusal(bob.conn.disableSendGroupMsg({ groupId }));
    expect(refused.error).to.equal('forbidden_op');
    expect(refused.error_description).to.match(/may mute everyone/);

    expect(await carol.conn.disableSendGroupMsg({ groupId })).to.deep.equal({
      data: { mute: true },
    });
    const muted = await waitFor<GroupEventPayload>(bob.events, 'onGroupEvent', {
      operation: 'muteAllMembers',
    });
    expect(muted).to.deep.include({ id: groupId, from: carol.username });
    expect((await bob.conn.getGroupInfo({ groupId })).data[0]?.mute).to.equal(true);
    const silenced = await failure(bob.conn.send(text(groupId, 'may I?')));
    expect(silenced.type).to.equal(WebIM.statusCode.SERVICE_NOT_ALLOW_MESSAGING_MUTE);
    // The admin still writes, and Bob still reads.
    await carol.conn.send(text(groupId, 'quiet please'));
    await bob.events.wait('onTextMessage');

    expect((await refusal(bob.conn.enableSendGroupMsg({ groupId }))).error).to.equal(
      'forbidden_op',
    );
    expect(await alice.conn.enableSendGroupMsg({ groupId })).to.deep.equal({
      data: { mute: false },
    });
    await waitFor(bob.events, 'onGroupEvent', { operation: 'unmuteAllMembers' });
    await bob.conn.send(text(groupId, 'thanks'));
  });

  it('bans a member, who cannot rejoin until unbanned; lists the banned to owner and admins', async () => {
    const { alice, bob, carol, groupId } = await moderated(true);

    const byMember = await refusal(
      bob.conn.blockGroupMember({ groupId, username: carol.username }),
    );
    expect(byMember.error).to.equal('forbidden_op');
    expect(byMember.error_description).to.match(/only the owner and the admins may ban/);
    const owner = await refusal(carol.conn.blockGroupMember({ groupId, username: alice.username }));
    expect(owner.error_description).to.match(/owner cannot be banned/);
    expect(await alice.conn.getGroupBlocklist({ groupId })).to.deep.equal({ data: [] });

    expect(await carol.conn.blockGroupMember({ groupId, username: bob.username })).to.deep.equal(
      OK,
    );
    const banned = await waitFor<GroupEventPayload>(bob.events, 'onGroupEvent', {
      operation: 'removeMember',
    });
    expect(banned).to.deep.include({
      id: groupId,
      from: carol.username,
      userId: bob.username,
      blocked: true,
    });
    // The 3.x presence of a removal, to the member removed.
    const presence = await waitFor<PresenceEvent>(bob.events, 'onPresence', {
      type: 'removedFromGroup',
    });
    expect(presence).to.deep.include({ gid: groupId, from: carol.username });
    await waitFor(alice.events, 'onGroupEvent', { operation: 'removeMember', blocked: true });
    expect(await carol.conn.getGroupBlocklist({ groupId })).to.deep.equal({
      data: [bob.username],
    });
    expect((await refusal(bob.conn.getGroupBlocklist({ groupId }))).error).to.equal('forbidden_op');

    // Out, and kept out.
    expect((await failure(bob.conn.send(text(groupId, 'let me back')))).type).to.equal(
      WebIM.statusCode.GROUP_NOT_JOINED,
    );
    const rejoin = await refusal(bob.conn.joinGroup({ groupId }));
    expect(rejoin.error_description).to.match(/you are banned from group/);

    const notBanned = await refusal(
      alice.conn.unblockGroupMember({ groupId, username: carol.username }),
    );
    expect(notBanned.error).to.equal('service_resource_not_found');
    expect(await alice.conn.unblockGroupMember({ groupId, username: bob.username })).to.deep.equal(
      OK,
    );
    const unbanned = await waitFor<GroupEventPayload>(bob.events, 'onGroupEvent', {
      operation: 'unblockMember',
    });
    expect(unbanned).to.deep.include({ id: groupId, from: alice.username, userId: bob.username });
    expect(await alice.conn.getGroupBlocklist({ groupId })).to.deep.equal({ data: [] });
    // Unbanned is not a member again, but may join.
    expect((await bob.conn.joinGroup({ groupId })).data.result).to.equal('joined');
    await bob.conn.send(text(groupId, 'back'));
  });
});
