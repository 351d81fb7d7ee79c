/**
 * The social part of the chat store, apart as `social.ts` is: contacts, groups and rooms
 * (`contacts.ts`, `groups.ts`, `chat-rooms.ts`, live from IndexedDB over one `SocialHost`),
 * their lists and the notices their events make, and what I do to them, each in a chunk loaded
 * when first used (`contact-actions.ts`, `group-actions.ts`, `room-actions.ts`,
 * `moderation-actions.ts`: the signed-in page's budget is full). `ChatStore` (`chat-store.ts`)
 * extends it with the session and the messages; both work over the one {@link StoreCore}, and
 * the messaging parts take `contacts`, `groups` and `rooms` from here (a received event changes
 * them, a room message needs its room).
 */
import { type Observable, Subject, filter, from, switchMap } from 'rxjs';
import { ChatRooms } from './chat-rooms.js';
import type { ContactActions } from './contact-actions.js';
import { Contacts } from './contacts.js';
import type { GroupActions } from './group-actions.js';
import { Groups } from './groups.js';
import type { Moderation } from './moderation-actions.js';
import type { RoomActions } from './room-actions.js';
import { socialHost } from './stored-lists.js';
import type { StoreCore } from './store-core.js';
import type {
  ChatNotice,
  ChatRoom,
  Contact,
  ContactRequest,
  CreateGroupInput,
  Group,
  GroupInvitation,
  GroupMember,
  GroupNicknamesApi,
  JoinRequest,
  ModeratedType,
  PublicGroup,
} from './types.js';

export class SocialStore {
  readonly contacts$: Observable<Contact[]>;
  readonly contactRequests$: Observable<ContactRequest[]>;
  readonly blocklist$: Observable<string[]>;
  readonly groups$: Observable<Group[]>;
  readonly groupInvitations$: Observable<GroupInvitation[]>;
  readonly joinRequests$: Observable<JoinRequest[]>;
  readonly rooms$: Observable<ChatRoom[]>;
  readonly canCreateRooms$: Observable<boolean>;
  readonly notices$: Observable<ChatNotice>;

  protected readonly contacts: Contacts;
  protected readonly groups: Groups;
  protected readonly rooms: ChatRooms;
  private readonly contactActions: () => Promise<ContactActions>;
  private readonly groupActions: () => Promise<GroupActions>;
  private readonly roomActions: () => Promise<RoomActions>;
  private readonly moderation: () => Promise<Moderation>;

  constructor(protected readonly core: StoreCore) {
    const notices = new Subject<ChatNotice>();
    const host = socialHost(core, notices);
    const contacts = (this.contacts = new Contacts(host));
    const groups = (this.groups = new Groups(host));
    const rooms = (this.rooms = new ChatRooms(host));
    let contactActions: Promise<ContactActions> | undefined;
    this.contactActions = () =>
      (contactActions ??= import('./contact-actions.js').then(
        (m) => new m.ContactActions(contacts),
      ));
    let groupActions: Promise<GroupActions> | undefined;
    this.groupActions = () =>
      (groupActions ??= import('./group-actions.js').then((m) => new m.GroupActions(groups)));
    let roomActions: Promise<RoomActions> | undefined;
    this.roomActions = () =>
      (roomActions ??= import('./room-actions.js').then((m) => new m.RoomActions(rooms)));
    let moderation: Promise<Moderation> | undefined;
    this.moderation = () =>
      (moderation ??= import('./moderation-actions.js').then((m) => new m.Moderation(host)));

    this.contacts$ = contacts.contacts$;
    this.contactRequests$ = contacts.requests$;
    this.blocklist$ = contacts.blocklist$;
    this.groups$ = groups.groups$;
    this.groupInvitations$ = groups.invitations$;
    this.joinRequests$ = groups.joinRequests$;
    this.rooms$ = rooms.rooms$;
    this.canCreateRooms$ = rooms.canCreate$.asObservable();
    this.notices$ = notices.asObservable();
    // Presence is live: whenever the connection is not open, nobody is shown online.
    core.subscriptions.add(
      core.status
        .pipe(filter((status) => status !== 'online'))
        .subscribe(() => contacts.forgetPresence()),
    );
  }

  groupMembers$(groupId: string): Observable<GroupMember[]> {
    return this.groups.members$(groupId);
  }

  addContact(username: string, message?: string): Promise<void> {
    return this.contactActions().then((c) => c.addContact(username, message));
  }

  acceptContact(username: string): Promise<void> {
    return this.contactActions().then((c) => c.acceptContact(username));
  }

  declineContact(username: string): Promise<void> {
    return this.contactActions().then((c) => c.declineContact(username));
  }

  removeContact(username: string): Promise<void> {
    return this.contactActions().then((c) => c.removeContact(username));
  }

  block(username: string): Promise<void> {
    return this.contactActions().then((c) => c.block(username));
  }

  unblock(username: string): Promise<void> {
    return this.contactActions().then((c) => c.unblock(username));
  }

  createGroup(input: CreateGroupInput): Promise<Group> {
    return this.groupActions().then((g) => g.create(input));
  }

  inviteToGroup(groupId: string, usernames: string[], reason?: string): Promise<void> {
    return this.groupActions().then((g) => g.invite(groupId, usernames, reason));
  }

  acceptGroupInvitation(groupId: string): Promise<void> {
    return this.groupActions().then((g) => g.acceptInvitation(groupId));
  }

  declineGroupInvitation(groupId: string, reason?: string): Promise<void> {
    return this.groupActions().then((g) => g.declineInvitation(groupId, reason));
  }

  listPublicGroups(cursor?: string): Promise<{ groups: PublicGroup[]; cursor?: string }> {
    return this.groupActions().then((g) => g.listPublic(cursor));
  }

  joinGroup(groupId: string, message?: string): Promise<'joined' | 'requested'> {
    return this.groupActions().then((g) => g.join(groupId, message));
  }

  acceptJoinRequest(groupId: string, username: string): Promise<void> {
    return this.groupActions().then((g) => g.answerRequest(groupId, username, true));
  }

  declineJoinRequest(groupId: string, username: string, reason?: string): Promise<void> {
    return this.groupActions().then((g) => g.answerRequest(groupId, username, false, reason));
  }

  leaveGroup(groupId: string): Promise<void> {
    return this.groupActions().then((g) => g.leave(groupId));
  }

  removeGroupMember(groupId: string, username: string): Promise<void> {
    return this.groupActions().then((g) => g.manage(groupId, username, 'remove'));
  }

  muteGroupMember(groupId: string, username: string, durationMs: number): Promise<void> {
    return this.groupActions().then((g) => g.manage(groupId, username, 'mute', durationMs));
  }

  unmuteGroupMember(groupId: string, username: string): Promise<void> {
    return this.groupActions().then((g) => g.manage(groupId, username, 'unmute'));
  }

  setGroupAdmin(groupId: string, username: string): Promise<void> {
    return this.groupActions().then((g) => g.manage(groupId, username, 'setAdmin'));
  }

  removeGroupAdmin(groupId: string, username: string): Promise<void> {
    return this.groupActions().then((g) => g.manage(groupId, username, 'removeAdmin'));
  }

  changeGroupOwner(groupId: string, username: string): Promise<void> {
    return this.groupActions().then((g) => g.manage(groupId, username, 'owner'));
  }

  updateGroup(groupId: string, changes: { name?: string; description?: string }): Promise<void> {
    return this.groupActions().then((g) => g.update(groupId, changes));
  }

  disbandGroup(groupId: string): Promise<void> {
    return this.groupActions().then((g) => g.disband(groupId));
  }

  refreshRooms(): Promise<void> {
    return this.rooms.refresh(this.core.requireSession());
  }

  joinRoom(roomId: string): Promise<void> {
    return this.roomActions().then((r) => r.join(roomId));
  }

  leaveRoom(roomId: string): Promise<void> {
    return this.roomActions().then((r) => r.leave(roomId));
  }

  createRoom(name: string, description?: string): Promise<string> {
    return this.roomActions().then((r) => r.create(name, description));
  }

  updateAnnouncement(chatType: ModeratedType, id: string, text: string): Promise<void> {
    return this.moderation().then((m) => m.announce(chatType, id, text));
  }

  muteEveryone(chatType: ModeratedType, id: string, muted: boolean): Promise<void> {
    return this.moderation().then((m) => m.muteAll(chatType, id, muted));
  }

  banMember(chatType: ModeratedType, id: string, username: string, banned: boolean) {
    return this.moderation().then((m) => m.ban(chatType, id, username, banned));
  }

  bans$(chatType: ModeratedType, id: string): Observable<string[]> {
    return from(this.moderation()).pipe(switchMap((m) => m.bans$(chatType, id)));
  }

  setRoomAdmin(roomId: string, username: string, admin: boolean): Promise<void> {
    return this.moderation().then((m) => m.roomAdmin(roomId, username, admin));
  }

  roomMembers$(roomId: string): Observable<GroupMember[]> {
    return from(this.moderation()).pipe(switchMap((m) => m.roomMembers$(roomId)));
  }

  removeRoomMember(roomId: string, username: string): Promise<void> {
    return this.moderation().then((m) => m.removeRoomMember(roomId, username));
  }

  muteRoomMember(roomId: string, username: string, durationMs: number): Promise<void> {
    return this.moderation().then((m) => m.roomMute(roomId, username, durationMs));
  }

  groupNicknames(): Promise<GroupNicknamesApi> {
    return this.moderation().then((m) => m.nicknames);
  }

  reportMessage(mid: string, reportType: string, reason: string): Promise<void> {
    return this.moderation().then((m) => m.report(mid, reportType, reason));
  }
}
