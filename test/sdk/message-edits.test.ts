// modifyMessage / onModifiedMessage against a real server: the edit reaches the recipient and my
// other device live, a later login replays it, history reads the edited text; refusals reject with
// the real SDK's codes.
import { expect } from '@open-wc/testing';
import WebIM, { type TextMessage } from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { Recorder, closeAll, connection, failure, loggedIn } from './sdk-fixtures.js';

const text = (to: string, msg: string) => WebIM.message.create({ type: 'txt', to, msg });

describe('modifyMessage', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('edits my text for the recipient and my other device, and after a reload', async () => {
    const alice = await loggedIn(server, { isMultiLoginSessions: true });
    const tablet = await loggedIn(server, { isMultiLoginSessions: true }, alice);
    const bob = await loggedIn(server);
    const sent = await alice.conn.send(text(bob.username, 'see you at 5'));
    await bob.events.wait('onTextMessage');

    const result = await alice.conn.modifyMessage({
      messageId: sent.serverMsgId,
      modifiedMessage: text(bob.username, 'see you at 6'),
    });
    expect(result.type).to.equal(0);
    const edited = result.message as TextMessage;
    expect(edited).to.include({ id: sent.serverMsgId, msg: 'see you at 6', data: 'see you at 6' });
    expect(edited.modifiedInfo).to.include({ operatorId: alice.username, operationCount: 1 });

    for (const side of [bob, tablet]) {
      const [message] = (await side.events.wait('onModifiedMessage')) as [TextMessage];
      expect(message).to.include({
        id: sent.serverMsgId,
        msg: 'see you at 6',
        from: alice.username,
      });
      expect(message.modifiedInfo?.operationCount).to.equal(1);
    }
    expect(alice.events.count('onModifiedMessage')).to.equal(0);

    const page = await bob.conn.getHistoryMessages({
      targetId: alice.username,
      chatType: 'singleChat',
    });
    expect(page.messages[0]).to.include({ msg: 'see you at 6' });
    expect((page.messages[0] as TextMessage).modifiedInfo?.operatorId).to.equal(alice.username);

    // A reload that starts from the beginning of bob's inbox replays the message, then its edit.
    const conn = connection(server, { isMultiLoginSessions: true });
    const replay = new Recorder(conn, 'recorder');
    conn.syncCursor = 0;
    await conn.open({ user: bob.username, pwd: bob.password });
    const [replayed] = (await replay.wait('onModifiedMessage')) as [TextMessage];
    expect(replayed).to.include({ id: sent.serverMsgId, msg: 'see you at 6' });
    expect(replay.count('onTextMessage')).to.equal(1);
  });

  it('refuses with the real SDK codes: not mine, not text, recalled, empty', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const mine = await alice.conn.send(text(bob.username, 'mine'));
    const theirs = await bob.conn.send(text(alice.username, 'theirs'));
    const place = await alice.conn.send(
      WebIM.message.create({ type: 'loc', to: bob.username, addr: 'here', lat: 1, lng: 2 }),
    );
    const gone = await alice.conn.send(text(bob.username, 'gone'));
    await alice.conn.recallMessage({ mid: gone.serverMsgId, to: bob.username });

    const edit = (messageId: string, to: string, msg = 'new') =>
      failure(alice.conn.modifyMessage({ messageId, modifiedMessage: text(to, msg) }));
    expect((await edit(theirs.serverMsgId, alice.username)).type).to.equal(
      WebIM.statusCode.PERMISSION_DENIED,
    );
    expect((await edit(place.serverMsgId, bob.username)).type).to.equal(
      WebIM.statusCode.MODIFY_MESSAGE_FORMAT_ERROR,
    );
    expect((await edit(gone.serverMsgId, bob.username)).type).to.equal(
      WebIM.statusCode.MODIFY_MESSAGE_NOT_EXIST,
    );
    // Checked before sending: an empty text, and a new message that is not text.
    expect((await edit(mine.serverMsgId, bob.username, ' ')).type).to.equal(
      WebIM.statusCode.MODIFY_MESSAGE_FORMAT_ERROR,
    );
    const notText = await failure(
      alice.conn.modifyMessage({
        messageId: mine.serverMsgId,
        modifiedMessage: WebIM.message.create({ type: 'cmd', to: bob.username, action: 'x' }),
      }),
    );
    expect(notText.type).to.equal(WebIM.statusCode.MODIFY_MESSAGE_FORMAT_ERROR);
    expect(bob.events.count('onModifiedMessage')).to.equal(0);
  });
});
