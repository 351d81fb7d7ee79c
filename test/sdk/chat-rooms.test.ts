// Chat rooms through the SDK against a server of this file's own (its room admin is set with the
// CLI): list, create, join, messages (live, seq 0, never moving the sync cursor), the recent window,
// leave, kick, destroy, with the 4.x `onChatroomEvent` and the 3.x presence.
import { expect } from '@open-wc/testing';
import WebIM, {
  type ChatroomEventPayload,
  type PresenceEvent,
  type TextMessage,
} from '../../src/sdk/index.js';
import { disposeServer, serverCli, startServer, type TestServer } from '../support/servers.js';
import { OK, closeAll, failure, loggedIn, newUser, waitFor } from './sdk-fixtures.js';

const text = (to: string, msg: string) =>
  WebIM.message.create({ type: 'txt', chatType: 'chatRoom', to, msg });

describe('chat rooms', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer();
  });

  after(() => disposeServer(server.id));

  afterEach(closeAll);

  it('walks a room from creation to its end', async () => {
    const adminUser = await newUser(server, 'admin');
    const cli = await serverCli(server.id, [
      'app',
      'set',
      'demo#chat',
      '--room-admins',
      adminUser.username,
    ]);
    expect(cli.code, cli.stderr).to.equal(0);
    const admin = await loggedIn(server, {}, adminUser);
    const bob = await loggedIn(server, {}, undefined, true);
    const carol = await loggedIn(server);

    const rooms = await bob.conn.getChatRooms({ pagenum: 1, pagesize: 20 });
    expect(rooms.data.map((room) => room.name)).to.include('Lobby');
    const notAdmin = await failure(bob.conn.createChatRoom({ name: 'Mine' }));
    expect(JSON.parse(notAdmin.data!).error).to.equal('forbidden_op');
    const created = await admin.conn.createChatRoom({
      name: 'Talk',
      description: 'about things',
      maxusers: 10,
    });
    const roomId = created.data.id;
    expect(roomId).to.match(/^[0-9]{15,}$/);
    const details = await carol.conn.getChatRoomDetails({ chatRoomId: roomId });
    expect(details.data[0]).to.deep.include({ id: roomId, name: 'Talk', maxusers: 10 });

    expect(await admin.conn.joinChatRoom({ roomId })).to.deep.equal(OK);
    expect(await bob.conn.joinChatRoom({ roomId })).to.deep.equal(OK);
    await carol.conn.joinChatRoom({ roomId });
    const joined = await waitFor<ChatroomEventPayload>(bob.events, 'onChatroomEvent', {
      operation: 'memberPresence',
      userId: carol.username,
    });
    expect(joined).to.deep.include({ id: roomId, name: 'Talk', from: carol.username });
    expect(joined.time).to.be.a('number');
    const members = await carol.conn.listChatRoomMembers({ chatRoomId: roomId });
    // The 4.x SDK's shape, one `{member}` per member, with its role there: the app's room admin
    // made the room, so it is its owner.
    expect(members.data).to.have.deep.members([
      { member: admin.username, role: 'owner' },
      { member: bob.username, role: 'member' },
      { member: carol.username, role: 'member' },
    ]);
    expect((await bob.conn.getJoinedChatRooms()).data.map((room) => room.id)).to.deep.equal([
      roomId,
    ]);

    // Room messages have no seq: the cursor stays where it is.
    const cursor = bob.conn.syncCursor;
    await carol.conn.send(text(roomId, 'hello room'));
    // 3.x style: `type: 'chatroom'` in `set`.
    await bob.conn.send(
      new WebIM.message('txt', bob.conn.getUniqueId()).set({
        type: 'chatroom',
        to: roomId,
        msg: 'hi carol',
      }).body,
    );
    const [message] = (await bob.events.wait('onTextMessage')) as [TextMessage];
    expect(message).to.deep.include({
      type: 'chatroom',
      chatType: 'chatRoom',
      from: carol.username,
      to: roomId,
      data: 'hello room',
      seq: 0,
    });
    const [reply] = (await carol.events.wait('onTextMessage')) as [TextMessage];
    expect(reply).to.deep.include({ type: 'chatroom', from: bob.username, data: 'hi carol' });
    expect(bob.conn.syncCursor).to.equal(cursor);

    // A later member reads the recent window.
    const dave = await loggedIn(server);
    await dave.conn.joinChatRoom({ roomId });
    const recent = await dave.conn.getHistoryMessages({ targetId: roomId, chatType: 'chatRoom' });
    expect(recent.messages.map((m) => [m.type, m.from, (m as TextMessage).msg])).to.deep.equal([
      ['chatroom', bob.username, 'hi carol'],
      ['chatroom', carol.username, 'hello room'],
    ]);
    expect(await dave.conn.leaveChatRoom({ roomId })).to.deep.equal(OK);
    await waitFor(bob.events, 'onChatroomEvent', {
      operation: 'memberAbsence',
      userId: dave.username,
    });
    const outsider = await failure(dave.conn.send(text(roomId, 'let me talk')));
    expect(outsider.type).to.equal(WebIM.statusCode.CHATROOM_NOT_JOINED);
    const nowhere = await failure(dave.conn.send(text('123456789012345678', 'anyone?')));
    expect(nowhere.type).to.equal(WebIM.statusCode.CHATROOM_NOT_EXIST);

    // Kick: Carol gets the 4.x event and the 3.x presence; she can no longer post.
    expect(
      await admin.conn.removeSingleChatRoomMember({ chatRoomId: roomId, username: carol.username }),
    ).to.deep.equal(OK);
    const kicked = await waitFor<ChatroomEventPayload>(carol.events, 'onChatroomEvent', {
      operation: 'removeMember',
    });
    expect(kicked).to.deep.include({ id: roomId, from: admin.username, userId: carol.username });
    expect(
      await waitFor<PresenceEvent>(carol.events, 'onPresence', { type: 'removedFromGroup' }),
    ).to.deep.include({ chatroom: true, gid: roomId, from: admin.username });
    expect((await failure(carol.conn.send(text(roomId, 'hey')))).type).to.equal(
      WebIM.statusCode.CHATROOM_NOT_JOINED,
    );

    // The end: every member is told, and the room is gone.
    expect(await admin.conn.destroyChatRoom({ chatRoomId: roomId })).to.deep.equal(OK);
    await waitFor(admin.events, 'onChatroomEvent', { operation: 'destroy' });
    expect(
      await waitFor<PresenceEvent>(bob.events, 'onPresence', { type: 'deleteGroupChat' }),
    ).to.deep.include({ chatroom: true, gid: roomId, from: admin.username });
    expect((await failure(bob.conn.send(text(roomId, 'hello?')))).type).to.equal(
      WebIM.statusCode.CHATROOM_NOT_EXIST,
    );
  });
});
