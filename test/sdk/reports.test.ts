// reportMessage against a real server: a message of my conversation is reported (4.x arguments),
// one of a conversation I am not part of is refused with the server's body.
import { expect } from '@open-wc/testing';
import WebIM from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { closeAll, loggedIn } from './sdk-fixtures.js';

describe('reportMessage', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('reports a message I received; refuses one of a conversation I am not part of', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const carol = await loggedIn(server);
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'buy cheap pills' }),
    );
    const result = await bob.conn.reportMessage({
      reportType: 'spam',
      reportReason: 'unsolicited advertising',
      messageId: sent.serverMsgId,
    });
    expect(result).to.deep.equal({ data: { result: true } });

    const refused = await carol.conn
      .reportMessage({ reportType: 'spam', reportReason: '', messageId: sent.serverMsgId })
      .then(
        () => null,
        (error: { type: number; data: string }) => error,
      );
    expect(refused?.type).to.equal(17);
    expect(JSON.parse(refused!.data)).to.include({ error: 'forbidden_op' });
  });
});
