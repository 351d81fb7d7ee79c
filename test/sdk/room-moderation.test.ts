// Moderating a chat room through the 4.x SDK against a server of this file's own (its room admin
// is set with the CLI): who may create rooms (`can_create`), room admins, a mute with a duration,
// muting everyone, bans and the announcement, with the `onChatroomEvent` fields members get live
// (`muteUntil`, `announcement`, `blocked`) and each refusal of someone without the role.
import { expect } from '@open-wc/testing';
import WebIM, { type ChatroomEventPayload, type PresenceEvent } from '../../src/sdk/index.js';
import { disposeServer, serverCli, startServer, type TestServer } from '../support/servers.js';
import { OK, closeAll, failure, loggedIn, newUser, waitFor, type User } from './sdk-fixtures.js';

const text = (to: string, msg: string) =>
  WebIM.message.create({ type: 'txt', chatType: 'chatRoom', to, msg });

/** The REST error of a refusal: 17 with the server's `{error, error_description}`. */
async function refusal(work: Promise<unknown>) {
  const error = await failure(work);
  expect(error.type).to.equal(17);
  return JSON.parse(error.data!) as { error: string; error_description: string };
}

describe('chat room moderation', () => {
  let server: TestServer;
  let managerUser: User;

  before(async () => {
    server = await startServer();
    managerUser = await newUser(server, 'manager');
    const cli = await serverCli(server.id, [
      'app',
      'set',
      'demo#chat',
      '--room-admins',
      managerUser.username,
    ]);
    expect(cli.code, cli.stderr).to.equal(0);
  });

  after(() => disposeServer(server.id));

  afterEach(closeAll);

  /** A room of the app's room admin, joined by Carol (made admin), Bob and Dave. */
  async function room() {
    const manager = await loggedIn(server, {}, managerUser);
    const [carol, bob, dave] = [
      await loggedIn(server),
      await loggedIn(server),
      await loggedIn(server),
    ];
    const roomId = (await manager.conn.createChatRoom({ name: 'Moderated' })).data.id;
    for (const member of [manager, carol, bob, dave]) await member.conn.joinChatRoom({ roomId });
    const chatRoomId = roomId;
    const refused = await refusal(
      bob.conn.setChatRoomAdmin({ chatRoomId, username: carol.username }),
    );
    expect(refused.error).to.equal('forbidden_op');
    expect(refused.error_description).to.match(/may make or remove admins/);
    expect(
      await manager.conn.setChatRoomAdmin({ chatRoomId, username: carol.username }),
    ).to.deep.equal(OK);
    await waitFor(dave.events, 'onChatroomEvent', {
      operation: 'setAdmin',
      userId: carol.username,
    });
    return { manager, carol, bob, dave, roomId, chatRoomId };
  }

  it('says who may create rooms; makes and removes room admins', async () => {
    const manager = await loggedIn(server, {}, managerUser);
    const bob = await loggedIn(server);
    expect((await manager.conn.getChatRooms({ pagenum: 1, pagesize: 20 })).can_create).to.equal(
      true,
    );
    expect((await bob.conn.getChatRooms({ pagenum: 1, pagesize: 20 })).can_create).to.equal(false);

    const { carol, dave, chatRoomId } = await room();
    expect(await dave.conn.getChatRoomAdmin({ chatRoomId })).to.deep.equal({
      data: [carol.username],
    });
    // An admin may not make admins.
    expect(
      (await refusal(carol.conn.setChatRoomAdmin({ chatRoomId, username: dave.username }))).error,
    ).to.equal('forbidden_op');
    expect(
      await manager.conn.removeChatRoomAdmin({ chatRoomId, username: carol.username }),
    ).to.deep.equal(OK);
    const removed = await waitFor<ChatroomEventPayload>(dave.events, 'onChatroomEvent', {
      operation: 'removeAdmin',
    });
    expect(removed).to.deep.include({
      id: chatRoomId,
      from: manager.username,
      userId: carol.username,
    });
    expect(removed).not.to.have.property('t');
    expect(await dave.conn.getChatRoomAdmin({ chatRoomId })).to.deep.equal({ data: [] });
    // No longer an admin: no longer a moderator.
    expect(
      (
        await refusal(
          carol.conn.muteChatRoomMember({
            chatRoomId,
            username: dave.username,
            muteDuration: 60_000,
          }),
        )
      ).error,
    ).to.equal('forbidden_op');
  });

  it('mutes a member for a while and unmutes; mutes everyone but managers and admins', async () => {
    const { manager, carol, bob, dave, roomId, chatRoomId } = await room();

    const byMember = await refusal(
      dave.conn.muteChatRoomMember({ chatRoomId, username: bob.username, muteDuration: 60_000 }),
    );
    expect(byMember.error_description).to.match(/only the room's owner/);
    const before = Date.now();
    expect(
      await carol.conn.muteChatRoomMember({
        chatRoomId,
        username: bob.username,
        muteDuration: 60_000,
      }),
    ).to.deep.equal(OK);
    const muted = await waitFor<ChatroomEventPayload>(bob.events, 'onChatroomEvent', {
      operation: 'muteMember',
    });
    expect(muted).to.deep.include({ id: roomId, from: carol.username, userId: bob.username });
    expect(muted.muteUntil).to.be.within(before + 60_000 - 5_000, Date.now() + 60_000 + 5_000);
    expect(await dave.conn.getChatRoomMuteList({ chatRoomId })).to.deep.equal({
      data: [{ user: bob.username, expire: muted.muteUntil }],
    });
    const silenced = await failure(bob.conn.send(text(roomId, 'hello?')));
    expect(silenced.type).to.equal(WebIM.statusCode.SERVICE_NOT_ALLOW_MESSAGING_MUTE);
    expect(
      await carol.conn.unmuteChatRoomMember({ chatRoomId, username: bob.username }),
    ).to.deep.equal(OK);
    await waitFor(bob.events, 'onChatroomEvent', {
      operation: 'unmuteMember',
      userId: bob.username,
    });
    expect((await dave.conn.getChatRoomMuteList({ chatRoomId })).data).to.deep.equal([]);
    await bob.conn.send(text(roomId, 'free'));

    // Everyone muted: members refused, admins and managers still write.
    expect((await refusal(dave.conn.disableSendChatRoomMsg({ chatRoomId }))).error).to.equal(
      'forbidden_op',
    );
    expect(await carol.conn.disableSendChatRoomMsg({ chatRoomId })).to.deep.equal({
      data: { mute: true },
    });
    await waitFor(dave.events, 'onChatroomEvent', {
      operation: 'muteAllMembers',
      from: carol.username,
    });
    expect((await dave.conn.getChatRoomDetails({ chatRoomId })).data[0]?.mute).to.equal(true);
    expect((await failure(dave.conn.send(text(roomId, 'me too?')))).type).to.equal(
      WebIM.statusCode.SERVICE_NOT_ALLOW_MESSAGING_MUTE,
    );
    await carol.conn.send(text(roomId, 'one at a time'));
    expect(await manager.conn.enableSendChatRoomMsg({ chatRoomId })).to.deep.equal({
      data: { mute: false },
    });
    await waitFor(dave.events, 'onChatroomEvent', { operation: 'unmuteAllMembers' });
    await dave.conn.send(text(roomId, 'thanks'));
  });

  it('bans a member, who cannot join until unbanned; sets the announcement', async () => {
    const { manager, carol, bob, dave, roomId, chatRoomId } = await room();

    expect(
      (await refusal(bob.conn.blockChatRoomMember({ chatRoomId, username: dave.username }))).error,
    ).to.equal('forbidden_op');
    const aboveThem = await refusal(
      carol.conn.blockChatRoomMember({ chatRoomId, username: manager.username }),
    );
    expect(aboveThem.error_description).to.match(/you cannot ban/);
    expect(
      await carol.conn.blockChatRoomMember({ chatRoomId, username: dave.username }),
    ).to.deep.equal(OK);
    const banned = await waitFor<ChatroomEventPayload>(dave.events, 'onChatroomEvent', {
      operation: 'removeMember',
    });
    expect(banned).to.deep.include({ id: roomId, userId: dave.username, blocked: true });
    const presence = await waitFor<PresenceEvent>(dave.events, 'onPresence', {
      type: 'removedFromGroup',
    });
    expect(presence).to.deep.include({ gid: roomId, chatroom: true });
    await waitFor(bob.events, 'onChatroomEvent', { operation: 'removeMember', blocked: true });
    expect((await refusal(bob.conn.getChatRoomBlocklist({ chatRoomId }))).error).to.equal(
      'forbidden_op',
    );
    expect(await carol.conn.getChatRoomBlocklist({ chatRoomId })).to.deep.equal({
      data: [dave.username],
    });
    const rejoin = await refusal(dave.conn.joinChatRoom({ roomId }));
    expect(rejoin.error_description).to.match(/you are banned from room/);
    expect(
      await carol.conn.unblockChatRoomMember({ chatRoomId, username: dave.username }),
    ).to.deep.equal(OK);
    await waitFor(dave.events, 'onChatroomEvent', {
      operation: 'unblockMember',
      userId: dave.username,
    });
    expect(await manager.conn.getChatRoomBlocklist({ chatRoomId })).to.deep.equal({ data: [] });
    expect(await dave.conn.joinChatRoom({ roomId })).to.deep.equal(OK);

    expect(
      (await refusal(dave.conn.updateChatRoomAnnouncement({ roomId, announcement: 'mine' }))).error,
    ).to.equal('forbidden_op');
    expect(await dave.conn.fetchChatRoomAnnouncement({ roomId })).to.deep.equal({
      data: { announcement: '' },
    });
    expect(
      await carol.conn.updateChatRoomAnnouncement({ roomId, announcement: 'No spam' }),
    ).to.deep.equal({ data: { id: roomId, result: true } });
    const announced = await waitFor<ChatroomEventPayload>(bob.events, 'onChatroomEvent', {
      operation: 'updateAnnouncement',
    });
    expect(announced).to.deep.include({ from: carol.username, announcement: 'No spam' });
    expect(await dave.conn.fetchChatRoomAnnouncement({ roomId })).to.deep.equal({
      data: { announcement: 'No spam' },
    });
  });
});
