// Contact, group, presence and room events to callbacks, for the operations the end-to-end tests
// (contacts, groups, chat-rooms) do not reach, and the rules of who is told what.
import { expect } from '@open-wc/testing';
import type { GroupEvent, GroupOperation } from '../../src/protocol/index.js';
import {
  contactCallbacks,
  groupCallbacks,
  presenceCallbacks,
  roomCallbacks,
} from '../../src/sdk/user-events.js';

const group = (operation: GroupOperation, extra: Partial<GroupEvent> = {}): GroupEvent => ({
  kind: 'group',
  operation,
  seq: 1,
  gid: '100000000000000001',
  name: 'Team',
  from: 'owner',
  time: 5,
  ...extra,
});

const presenceType = (event: GroupEvent, me = 'me') =>
  (groupCallbacks(event, me).find(([name]) => name === 'onPresence')?.[1] as { type: string })
    ?.type;

describe('user events', () => {
  it('maps every group operation to its 3.x presence type', () => {
    const expected: Partial<Record<GroupOperation, string>> = {
      destroy: 'deleteGroupChat',
      inviteToJoin: 'invite',
      acceptInvite: 'invite_accept',
      rejectInvite: 'invite_decline',
      directJoined: 'direct_joined',
      requestToJoin: 'joinGroupNotifications',
      acceptRequest: 'joinPublicGroupSuccess',
      joinPublicGroupDeclined: 'joinPublicGroupDeclined',
      memberPresence: 'memberJoinPublicGroupSuccess',
      memberAbsence: 'leaveGroup',
      removeMember: 'leaveGroup',
      updateInfo: 'update',
      changeOwner: 'changeOwner',
      setAdmin: 'addAdmin',
      removeAdmin: 'removeAdmin',
      muteMember: 'addMute',
      unmuteMember: 'removeMute',
      create: undefined,
    };
    for (const [operation, type] of Object.entries(expected)) {
      expect(presenceType(group(operation as GroupOperation)), operation).to.equal(type);
    }
    expect(presenceType(group('removeMember', { userId: 'me' }))).to.equal('removedFromGroup');
  });

  it('gives my own group changes only onGroupEvent, with no undefined fields', () => {
    const callbacks = groupCallbacks(group('updateInfo', { from: 'me' }), 'me');
    expect(callbacks).to.deep.equal([
      [
        'onGroupEvent',
        {
          operation: 'updateInfo',
          id: '100000000000000001',
          name: 'Team',
          from: 'me',
          time: 5,
          seq: 1,
        },
      ],
    ]);
  });

  it('names the member who joined or left as from, the way 3.x did', () => {
    const removed = group('removeMember', { userId: 'carol' });
    const [, presence] = groupCallbacks(removed, 'bob')[1]!;
    expect(presence).to.deep.include({ type: 'leaveGroup', from: 'carol', to: 'bob', status: '' });
  });

  it('fires nothing but onMultiDeviceEvent for contact changes I made', () => {
    const base = { kind: 'contact', seq: 1, from: 'me', to: 'peer', time: 5 } as const;
    expect(contactCallbacks({ ...base, operation: 'block' }, 'me')).to.deep.equal([
      ['onMultiDeviceEvent', { operation: 'contactBan', target: 'peer', time: 5, seq: 1 }],
    ]);
    // Others' block and unblock are never sent to the blocked user; if one came, nothing fires.
    expect(contactCallbacks({ ...base, operation: 'unblock', from: 'x' }, 'me')).to.deep.equal([]);
  });

  it('presence and room frames', () => {
    expect(
      presenceCallbacks({ t: 'presence', user: 'bob', online: true, time: 12_345 }),
    ).to.deep.equal([
      [
        'onPresenceStatusChange',
        [
          {
            userId: 'bob',
            description: '',
            expire: 0,
            last_time: 12,
            statusDetails: [{ device: 'web', status: 1 }],
          },
        ],
      ],
    ]);
    const room = { t: 'room', roomId: '2', name: 'R', from: 'admin', time: 1 } as const;
    // A kick of someone else: only the 4.x event.
    expect(
      roomCallbacks({ ...room, operation: 'removeMember', userId: 'carol' }, 'me').map(([n]) => n),
    ).to.deep.equal(['onChatroomEvent']);
    expect(roomCallbacks({ ...room, operation: 'updateInfo' }, 'me')).to.deep.equal([
      ['onChatroomEvent', { operation: 'updateInfo', id: '2', name: 'R', from: 'admin', time: 1 }],
    ]);
  });
});
