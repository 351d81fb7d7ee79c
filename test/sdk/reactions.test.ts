// addReaction / deleteReaction / getReactionList / getReactionDetail / onReactionChange against a
// real server, with the 4.x SDK's arguments and result shapes; a refusal rejects with the server's
// Agora body and changes nothing.
import { expect } from '@open-wc/testing';
import WebIM from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { closeAll, failure, loggedIn, OK } from './sdk-fixtures.js';

describe('reactions', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  async function conversation() {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'react to me' }),
    );
    await bob.events.wait('onTextMessage');
    return { alice, bob, messageId: sent.serverMsgId! };
  }

  it('adds a reaction: onReactionChange on both sides, read back by list and detail', async () => {
    const { alice, bob, messageId } = await conversation();
    expect(await bob.conn.addReaction({ messageId, reaction: '👍' })).to.deep.equal(OK);

    for (const [side, self] of [
      [alice, false],
      [bob, true],
    ] as const) {
      const [change] = (await side.events.wait('onReactionChange')) as [Record<string, unknown>];
      expect(change).to.deep.include({
        from: bob.username,
        to: alice.username,
        chatType: 'singleChat',
        messageId,
      });
      // The frame itself (its `t: 'reaction'` rides along: cheaper than taking it off).
      expect(change.reactions).to.deep.equal([
        {
          reaction: '👍',
          count: 1,
          userList: [bob.username],
          isAddedBySelf: self,
          op: [{ operator: bob.username, reactionType: 'create' }],
        },
      ]);
    }

    const list = await alice.conn.getReactionList({ chatType: 'singleChat', messageId });
    expect(list.data).to.deep.equal([
      {
        msgId: messageId,
        reactionList: [
          { reaction: '👍', userCount: 1, isAddedBySelf: false, userList: [bob.username] },
        ],
      },
    ]);
    // The lower-case alias and an array of ids, with the 3.x callbacks.
    const listed = await new Promise((resolve, reject) => {
      void bob.conn
        .getReactionlist({
          chatType: 'singleChat',
          messageId: [messageId],
          success: resolve,
          error: reject,
        })
        .catch(() => undefined);
    });
    expect((listed as typeof list).data[0]!.reactionList[0]!.isAddedBySelf).to.equal(true);

    const detail = await alice.conn.getReactionDetail({ messageId, reaction: '👍', pageSize: 1 });
    expect(detail.data).to.deep.equal({
      reaction: '👍',
      userCount: 1,
      isAddedBySelf: false,
      userList: [bob.username],
      cursor: null,
    });
  });

  it('deletes a reaction: onReactionChange at count 0, the list empty', async () => {
    const { alice, bob, messageId } = await conversation();
    await alice.conn.addReaction({ messageId, reaction: 'ok' });
    await bob.events.wait('onReactionChange');
    expect(await alice.conn.deleteReaction({ messageId, reaction: 'ok' })).to.deep.equal(OK);
    const [change] = (await bob.events.wait('onReactionChange', 2)) as [
      { reactions: { count: number; op: { reactionType: string }[] }[] },
    ];
    expect(change.reactions[0]!.count).to.equal(0);
    expect(change.reactions[0]!.op[0]!.reactionType).to.equal('delete');
    const list = await bob.conn.getReactionList({ chatType: 'singleChat', messageId });
    expect(list.data[0]!.reactionList).to.deep.equal([]);
  });

  it('refuses one of a conversation I am not part of with the server body; -3 without an id', async () => {
    const { bob, messageId } = await conversation();
    const carol = await loggedIn(server);
    const refused = await failure(carol.conn.addReaction({ messageId, reaction: '👍' }));
    expect(refused.type).to.equal(17);
    expect(JSON.parse(refused.data!)).to.include({ error: 'forbidden_op' });
    const tooLong = await failure(bob.conn.addReaction({ messageId, reaction: 'x'.repeat(129) }));
    expect(JSON.parse(tooLong.data!)).to.include({ error: 'illegal_argument' });
    const list = await bob.conn.getReactionList({ chatType: 'singleChat', messageId });
    expect(list.data[0]!.reactionList).to.deep.equal([]);
    expect(bob.events.count('onReactionChange')).to.equal(0);
  });
});
