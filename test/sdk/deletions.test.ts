// removeHistoryMessages / deleteConversation (and its 4.x alias deleteSession) against a real
// server, with the 4.x SDK's arguments: my other device hears onMultiDeviceEvent (deleteRoaming,
// deleteConversation) and my history and list leave the messages out; the other user keeps
// theirs; a refusal rejects with the server's Agora body and deletes nothing.
import { expect } from '@open-wc/testing';
import WebIM from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { closeAll, failure, loggedIn, OK } from './sdk-fixtures.js';

describe('delete for me', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  async function conversation() {
    const alice = await loggedIn(server, { isMultiLoginSessions: true });
    // Alice's second device, with the same user.
    const other = await loggedIn(server, { isMultiLoginSessions: true }, alice);
    const bob = await loggedIn(server);
    const ids: string[] = [];
    for (const text of ['one', 'two']) {
      const sent = await alice.conn.send(
        WebIM.message.create({ type: 'txt', to: bob.username, msg: text }),
      );
      ids.push(sent.serverMsgId!);
    }
    await bob.events.wait('onTextMessage', 2);
    return { alice, other, bob, ids };
  }

  const texts = async (conn: typeof WebIM.connection.prototype, peer: string) =>
    (
      await conn.getHistoryMessages({ targetId: peer, chatType: 'singleChat', pageSize: 20 })
    ).messages.map((m) => (m as { msg?: string }).msg);

  it('removeHistoryMessages: gone from my history, told to my other device, kept for the other user', async () => {
    const { alice, other, bob, ids } = await conversation();
    expect(
      await alice.conn.removeHistoryMessages({
        targetId: bob.username,
        chatType: 'singleChat',
        messageIds: [ids[0]!],
      }),
    ).to.deep.equal(OK);
    const [event] = (await other.events.wait('onMultiDeviceEvent')) as [Record<string, unknown>];
    expect(event).to.deep.include({
      operation: 'deleteRoaming',
      conversationId: bob.username,
      chatType: 'singleChat',
      messageIds: [ids[0]],
    });
    expect(await texts(alice.conn, bob.username)).to.deep.equal(['two']);
    expect(await texts(bob.conn, alice.username)).to.deep.equal(['two', 'one']);
    expect(bob.events.count('onMultiDeviceEvent')).to.equal(0);
  });

  it('deleteConversation with deleteRoam (and deleteSession): off my list and history', async () => {
    const { alice, other, bob } = await conversation();
    const listed = async () =>
      (await alice.conn.getSessionList()).data!.channel_infos.map((c) => c.channel_id);
    expect(await listed()).to.have.length(1);
    expect(
      await alice.conn.deleteConversation({
        channel: bob.username,
        chatType: 'singleChat',
        deleteRoam: true,
      }),
    ).to.deep.equal(OK);
    const [event] = (await other.events.wait('onMultiDeviceEvent')) as [Record<string, unknown>];
    expect(event).to.deep.include({
      operation: 'deleteConversation',
      conversationId: bob.username,
      conversationType: 'singleChat',
      deleteRoam: true,
    });
    expect(await listed()).to.deep.equal([]);
    expect(await texts(alice.conn, bob.username)).to.deep.equal([]);
    expect(await texts(bob.conn, alice.username)).to.deep.equal(['two', 'one']);
    // The alias, for a conversation I never had: the server's 404, through `error` too.
    const carol = await loggedIn(server);
    let called: unknown;
    const refused = await failure(
      alice.conn.deleteSession({
        channel: carol.username,
        chatType: 'singleChat',
        deleteRoam: false,
        error: (e) => (called = e),
      }),
    );
    expect(refused.type).to.equal(17);
    expect(JSON.parse(refused.data!)).to.include({ error: 'service_resource_not_found' });
    expect(called).to.equal(refused);
  });

  it("refuses another conversation's message with the server body, and deletes nothing", async () => {
    const { alice, bob, ids } = await conversation();
    const carol = await loggedIn(server);
    const refused = await failure(
      carol.conn.removeHistoryMessages({
        targetId: bob.username,
        chatType: 'singleChat',
        messageIds: [ids[0]!],
      }),
    );
    expect(refused.type).to.equal(17);
    expect(JSON.parse(refused.data!)).to.include({ error: 'service_resource_not_found' });
    const unknown = await failure(
      alice.conn.removeHistoryMessages({
        targetId: bob.username,
        chatType: 'singleChat',
        messageIds: [ids[1]!, '99999999999'],
      }),
    );
    expect(JSON.parse(unknown.data!)).to.include({ error: 'service_resource_not_found' });
    expect(await texts(alice.conn, bob.username)).to.deep.equal(['two', 'one']);
    expect(await texts(bob.conn, alice.username)).to.deep.equal(['two', 'one']);
    expect(alice.events.count('onMultiDeviceEvent')).to.equal(0);
  });
});
