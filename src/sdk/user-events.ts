/**
 * Contact and group events (from the inbox), presence and room frames (live) as the callbacks
 * both SDK generations fire: the 4.x ones (`onGroupEvent`, `onChatroomEvent`,
 * `onPresenceStatusChange`, `onContact*`, `onMultiDeviceEvent`) and the 3.x `onPresence` types,
 * which many apps still switch on.
 */
import type {
  ContactEvent,
  ContactOperation,
  GroupEvent,
  GroupOperation,
  PresenceFrame,
  RoomEventFrame,
  UserEvent,
} from '../protocol/index.js';

/** `[callback name, payload]`, fired in order. */
export type Callback = [string, unknown];

const RECEIPT_CALLBACKS = {
  delivered: 'onDeliveredMessage',
  read: 'onReadMessage',
  channel: 'onChannelMessage',
  recall: 'onRecallMessage',
} as const;

// What the other side's change is to me: its 3.x presence type, then the 4.x callbacks.
const CONTACT: Partial<Record<ContactOperation, string[]>> = {
  request: ['subscribe', 'onContactInvited'],
  accept: ['subscribed', 'onContactAgreed', 'onContactAdded'],
  decline: ['unsubscribed', 'onContactRefuse'],
  remove: ['unsubscribed', 'onContactDeleted'],
};

const MULTI_DEVICE: Record<ContactOperation, string> = {
  request: 'contactAdd',
  accept: 'contactAccept',
  decline: 'contactDecline',
  remove: 'contactRemove',
  block: 'contactBan',
  unblock: 'contactAllow',
};

const GROUP_3X: Partial<Record<GroupOperation, string>> = {
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
};

/**
 * A contact event's callbacks. One whose `from` is me was done by me (here or on another device):
 * `onMultiDeviceEvent` only. Payloads carry the event's `seq` (as receipts do), so an app that
 * keeps its own sync cursor can move it past the event.
 */
export function contactCallbacks(event: ContactEvent, me: string): Callback[] {
  const { operation, from, to, status, time, seq } = event;
  if (from === me) {
    const payload = { operation: MULTI_DEVICE[operation], target: to, data: status, time, seq };
    return [['onMultiDeviceEvent', defined(payload)]];
  }
  const [type, ...names] = CONTACT[operation] ?? [];
  if (!type) return [];
  const payload = defined({ type, from, to, status, time, seq });
  return [...names, 'onPresence'].map((name) => [name, payload]);
}

/** A group event's `onGroupEvent`, and for a change someone else made, the 3.x callbacks. */
export function groupCallbacks(event: GroupEvent, me: string): Callback[] {
  // Every field but `kind`, the group's id as `id` (the 4.x name).
  const { kind: _kind, gid, ...fields } = event;
  const { operation, from, userId, reason, time } = fields;
  const callbacks: Callback[] = [['onGroupEvent', defined({ ...fields, id: gid })]];
  let type = GROUP_3X[operation];
  if (from === me || !type) return callbacks;
  if (operation === 'removeMember' && userId === me) type = 'removedFromGroup';
  callbacks.push([
    'onPresence',
    {
      type,
      gid,
      // 3.x named the member who joined or left as `from`, whoever let them in or removed them.
      from: type === 'leaveGroup' || type.startsWith('member') ? (userId ?? from) : from,
      to: me,
      status: reason ?? '',
      ...(operation === 'changeOwner' ? { owner: userId } : {}),
      time,
    },
  ]);
  if (type === 'invite') {
    callbacks.push([
      'onInviteMessage',
      { type, from, to: me, roomid: gid, reason: reason ?? '', time },
    ]);
  }
  return callbacks;
}

/** A contact came online or went offline: the 4.x presence shape, with one `web` device. */
export function presenceCallbacks({ user, online, time }: PresenceFrame): Callback[] {
  const status = {
    userId: user,
    description: '',
    expire: 0,
    last_time: Math.floor(time / 1000),
    statusDetails: [{ device: 'web', status: online ? 1 : 0 }],
  };
  return [['onPresenceStatusChange', [status]]];
}

/** A room change's `onChatroomEvent`, and the 3.x presence of a kick (to the kicked) or the end. */
export function roomCallbacks(frame: RoomEventFrame, me: string): Callback[] {
  // Every field but `t`, the room's id as `id` (the 4.x name).
  const { t: _t, roomId, ...fields } = frame;
  const { operation, from, userId, time } = fields;
  const callbacks: Callback[] = [['onChatroomEvent', defined({ ...fields, id: roomId })]];
  const type =
    operation === 'destroy'
      ? 'deleteGroupChat'
      : operation === 'removeMember' && userId === me && 'removedFromGroup';
  if (type) {
    callbacks.push(['onPresence', { type, chatroom: true, gid: roomId, from, to: me, time }]);
  }
  return callbacks;
}

/** The fields that have a value (a payload never carries `undefined` keys). */
export function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The callbacks of an inbox event (a receipt, recall, contact or group event, a deletion of mine),
 * all but an edit's, whose message the connection makes. One whose `from` is me was done on another
 * of my devices (or, for contacts and groups, by this one over REST).
 */
export function inboxCallbacks(
  event: Exclude<UserEvent, { kind: 'modify' }>,
  me: string,
): Callback[] {
  if (event.kind === 'contact') return contactCallbacks(event, me);
  if (event.kind === 'group') return groupCallbacks(event, me);
  // Delete for me, on any of my devices: already in the 4.x shape.
  if (event.kind === 'roaming') return [['onMultiDeviceEvent', event]];
  const { kind, from, to, mid, chatType, time, groupReadCount, seq } = event;
  const payload = { from, to, chatType, time, seq: seq || undefined, mid, groupReadCount };
  return [[RECEIPT_CALLBACKS[kind], defined(payload)]];
}
