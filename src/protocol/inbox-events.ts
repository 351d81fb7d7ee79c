/**
 * What a user's inbox holds besides messages, in seq order with them, replayed after `auth` and
 * pushed live as `event` (server-frames.ts): receipts and recalls, contact and group changes, edits
 * (message-edits.ts) and deletions for me (deletions.ts).
 */
import type { RoamingDeleteEvent } from './deletions.js';
import type { ChatType } from './message-bodies.js';
import type { MessageEditEvent } from './message-edits.js';

/**
 * A receipt or recall, stored in the inbox of each user it concerns and replayed like messages.
 * - `delivered`: `from` (the recipient) got the message `mid` that `to` (its sender) sent.
 * - `read`: `from` read the message `mid` from `to` and everything before it. Stored for the sender
 *   (`onReadMessage`) and for the reader's other devices (their unread count drops).
 * - `channel`: `from` read the whole conversation with `to` (`onChannelMessage`; reader's devices too).
 * - `recall`: `from` recalled their message `mid` to `to`; every copy becomes a "recalled" notice.
 */
export interface InboxEvent {
  kind: 'delivered' | 'read' | 'channel' | 'recall';
  /** This user's sequence number for the event; 0 for a repeated `channel`, told live, stored nowhere. */
  seq: number;
  from: string;
  to: string;
  chatType: ChatType;
  /** The message concerned (absent for `channel`). */
  mid?: string;
  /** `read` of a group message with `allowGroupAck`, for its sender: how many members have read it. */
  groupReadCount?: number;
  time: number;
}

/**
 * What happens between two users. Stored in the inbox of both (`from` and `to`), except `block` and
 * `unblock`, which only the blocker's devices learn (the blocked user is never told).
 * - `request`: `from` asks `to` to be contacts, with a message (`status`).
 * - `accept` / `decline`: `from` answers the request `to` made.
 * - `remove`: `from` deleted the contact `to` (both sides lose it).
 * - `block` / `unblock`: `from` put `to` on, or took them off, their blocklist.
 */
export const ContactOperations = [
  'request',
  'accept',
  'decline',
  'remove',
  'block',
  'unblock',
] as const;
export type ContactOperation = (typeof ContactOperations)[number];

export interface ContactEvent {
  kind: 'contact';
  operation: ContactOperation;
  seq: number;
  from: string;
  to: string;
  /** The request's message (`request`); absent otherwise. */
  status?: string;
  time: number;
}

/**
 * What happens in a group, named as the 4.x SDK's `onGroupEvent` operations. Who gets each one:
 * - `inviteToJoin`: the invitee only (while the group's `inviteNeedConfirm` is set; otherwise the
 *   invitee is added at once and gets `directJoined`, members `memberPresence`).
 * - `requestToJoin`: the owner and the admins only.
 * - `rejectInvite`, `joinPublicGroupDeclined`: the user who invited / the applicant, and the actor.
 * - `unblockMember` (a ban lifted): the owner, the admins and the user unbanned.
 * - every other operation: every member after the change, plus `userId` when they are not one
 *   (a removed or banned member, an applicant let in), plus the actor's other devices.
 *   A ban is a `removeMember` with `blocked: true`, as the 4.x SDK has no operation of its own.
 * `destroy` also reaches users with a pending invitation to, or application for, the group.
 * `create` goes to the owner's devices; members added at creation get `directJoined` (or
 * `inviteToJoin` when the group was created with `inviteNeedConfirm`).
 */
export const GroupOperations = [
  'create',
  'destroy',
  'inviteToJoin',
  'acceptInvite',
  'rejectInvite',
  'directJoined',
  'requestToJoin',
  'acceptRequest',
  'joinPublicGroupDeclined',
  'memberPresence',
  'memberAbsence',
  'removeMember',
  'updateInfo',
  'changeOwner',
  'setAdmin',
  'removeAdmin',
  'muteMember',
  'unmuteMember',
  'updateAnnouncement',
  'muteAllMembers',
  'unmuteAllMembers',
  'unblockMember',
] as const;
/**
 * Also `memberAttributesUpdate` (a member's attributes set, to every member), which the store
 * does not act on: kept out of the list above, which the signed-in page carries.
 */
export type GroupOperation = (typeof GroupOperations)[number] | 'memberAttributesUpdate';

export interface GroupEvent {
  kind: 'group';
  operation: GroupOperation;
  seq: number;
  /** The group id. */
  gid: string;
  /** The group's name after the change. */
  name: string;
  /** Who did it (the inviter, the applicant, the owner or admin acting, the member leaving). */
  from: string;
  /**
   * The member it is about, when not `from`: the invitee, the applicant, the member removed, muted
   * or made admin, the new owner; for `memberPresence` / `memberAbsence`, who joined or left.
   */
  userId?: string;
  /** An invitation's or application's message, or a refusal's reason. */
  reason?: string;
  /** `muteMember`: muted until then, ms since the epoch (`-1`: until unmuted). */
  muteUntil?: number;
  /** `updateAnnouncement`: the new announcement (`''`: removed). */
  announcement?: string;
  /** `removeMember`: the member was banned too (cannot rejoin until `unblockMember`). */
  blocked?: boolean;
  /**
   * `memberAttributesUpdate`: the attributes set for member `userId` (`''`: a key removed), as
   * asked; `from` set them.
   */
  attributes?: Record<string, string>;
  time: number;
}

/** Everything an inbox holds besides messages, replayed with them in seq order. */
export type UserEvent =
  InboxEvent | ContactEvent | GroupEvent | MessageEditEvent | RoamingDeleteEvent;
