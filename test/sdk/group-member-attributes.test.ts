// Group member attributes through the 4.x SDK against the real server: setGroupMemberAttributes
// (mine, and an admin's on another member), getGroupMemberAttributes, getGroupMembersAttributes
// (only some keys), the `onGroupEvent` `memberAttributesUpdate` members get live, and the refusal
// of a member setting another's.
import { expect } from '@open-wc/testing';
import WebIM from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { closeAll, failure, loggedIn, waitFor } from './sdk-fixtures.js';

describe('group member attributes', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('sets mine and, as an admin, another’s; members read them and hear each change; a member may not set another’s', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const carol = await loggedIn(server);
    const { data } = await alice.conn.createGroup({
      data: {
        groupname: 'Nicknames',
        desc: '',
        members: [bob.username, carol.username],
        public: false,
        approval: false,
        allowinvites: false,
        inviteNeedConfirm: false,
      },
    });
    const groupId = data.groupid;

    let fromSuccess: unknown;
    const mine = await bob.conn.setGroupMemberAttributes({
      groupId,
      userId: bob.username,
      memberAttributes: { nickname: 'Bobby', title: 'cook' },
      success: (result) => (fromSuccess = result),
    });
    expect(mine).to.deep.equal({ data: { nickname: 'Bobby', title: 'cook' } });
    expect(fromSuccess).to.equal(mine);
    const heard = await waitFor(carol.events, 'onGroupEvent', {
      operation: 'memberAttributesUpdate',
    });
    expect(heard).to.include({ id: groupId, from: bob.username, userId: bob.username });
    expect((heard as { attributes?: unknown }).attributes).to.deep.equal({
      nickname: 'Bobby',
      title: 'cook',
    });

    // The owner changes Bob's nickname and removes his title ('' removes a key).
    await alice.conn.setGroupMemberAttributes({
      groupId,
      userId: bob.username,
      memberAttributes: { nickname: 'Bob', title: '' },
    });
    expect(
      await carol.conn.getGroupMemberAttributes({ groupId, userId: bob.username }),
    ).to.deep.equal({ data: { nickname: 'Bob' } });
    await carol.conn.setGroupMemberAttributes({
      groupId,
      userId: carol.username,
      memberAttributes: { nickname: 'Caz', color: 'red' },
    });
    expect(
      await bob.conn.getGroupMembersAttributes({
        groupId,
        userIds: [bob.username, carol.username, alice.username],
        keys: ['nickname'],
      }),
    ).to.deep.equal({
      data: {
        [bob.username]: { nickname: 'Bob' },
        [carol.username]: { nickname: 'Caz' },
        [alice.username]: {},
      },
    });

    // A member setting another's: the REST error in the SDK's shape; nothing changed.
    const refused = await failure(
      bob.conn.setGroupMemberAttributes({
        groupId,
        userId: carol.username,
        memberAttributes: { nickname: 'Carol the Great' },
      }),
    );
    expect(refused.type).to.equal(WebIM.statusCode.WEBIM_CONNCTION_AJAX_ERROR);
    const body = JSON.parse(refused.data!) as { error: string; error_description: string };
    expect(body.error).to.equal('forbidden_op');
    expect(body.error_description).to.match(/only the owner and the admins/);
    // A missing user id is refused before anything is sent.
    const missing = await failure(bob.conn.getGroupMemberAttributes({ groupId, userId: '' }));
    expect(missing.type).to.equal(WebIM.statusCode.REQUEST_PARAMETER_ERROR);
    expect(
      await carol.conn.getGroupMemberAttributes({ groupId, userId: carol.username }),
    ).to.deep.equal({ data: { nickname: 'Caz', color: 'red' } });
  });
});
