// The REST route table: paths filled from options, and every method name of both SDK generations
// installed on connections.
import { expect } from '@open-wc/testing';
import WebIM from '../../src/sdk/index.js';
import { toPaths } from '../../src/sdk/rest-routes.js';

// sdk-surface.md's methods, 3.x and 4.x names.
const METHODS = `addContact deleteContact acceptInvitation acceptContactInvite declineInvitation
  declineContactInvite getRoster getContacts getAllContacts getContactRequests addToBlackList
  addUsersToBlacklist addUsersToBlocklist removeFromBlackList removeUserFromBlackList
  removeUserFromBlocklist getBlacklist getBlocklist createGroupNew createGroup getGroupInfo
  modifyGroup changeOwner changeGroupOwner dissolveGroup destroyGroup getGroup getJoinedGroups
  listGroups getPublicGroups listGroupMember listGroupMembers getGroupMembers inviteToGroup
  inviteUsersToGroup agreeInviteIntoGroup acceptGroupInvite rejectInviteIntoGroup
  rejectGroupInvite joinGroup agreeJoinGroup acceptGroupJoinRequest rejectJoinGroup
  rejectGroupJoinRequest quitGroup leaveGroup removeSingleGroupMember removeGroupMember mute
  muteGroupMember removeMute unmuteGroupMember getMuted getGroupMuteList getGroupAdmin setAdmin
  setGroupAdmin removeAdmin removeGroupAdmin getGroupMsgReadUser getChatRooms createChatRoom
  destroyChatRoom getChatRoomDetails joinChatRoom quitChatRoom leaveChatRoom getJoinedChatRooms
  listChatRoomMember listChatRoomMembers getChatRoomMembers removeSingleChatRoomMember
  removeChatRoomMember`.split(/\s+/);

describe('REST routes', () => {
  it('fills path parameters (encoded) and the query options that are given', () => {
    expect(
      toPaths('/chatgroups/{groupId}/users/{username}', { groupId: '1', username: 'a b' }),
    ).to.deep.equal(['/chatgroups/1/users/a%20b']);
    expect(toPaths('/chatrooms?pagenum&pagesize', { pagesize: 5 })).to.deep.equal([
      '/chatrooms?pagesize=5',
    ]);
    expect(toPaths('/publicchatgroups?limit&cursor', {})).to.deep.equal(['/publicchatgroups']);
  });

  it('makes one path per element of an array parameter', () => {
    expect(
      toPaths('/users/{me}/blocks/users/{name}', { me: 'me', name: ['a', 'b/c'] }),
    ).to.deep.equal(['/users/me/blocks/users/a', '/users/me/blocks/users/b%2Fc']);
  });

  it('refuses a missing parameter with -3 before anything is sent', () => {
    for (const groupId of [undefined, null, '', []]) {
      let thrown: unknown;
      try {
        toPaths('/chatgroups/{groupId}', { groupId });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.deep.equal({
        type: WebIM.statusCode.REQUEST_PARAMETER_ERROR,
        message: 'groupId is required',
      });
    }
  });

  it('every method name of both SDK generations is on connections', () => {
    const conn = new WebIM.connection({ appKey: 'demo#chat' });
    const record = conn as unknown as Record<string, unknown>;
    expect(METHODS.filter((name) => typeof record[name] !== 'function')).to.deep.equal([]);
  });
});
