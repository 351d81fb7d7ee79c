/**
 * Moderating a group or a room I run (issue 14): its announcement, muting everyone and bans (both);
 * for rooms also their admins and timed mutes. Each action is the SDK call, then the stored copy
 * changed as the server's event will say (the event then finds it changed and writes nothing); a
 * refusal throws before anything is written.
 */
import {
  EMPTY,
  type Observable,
  Subject,
  catchError,
  defer,
  filter,
  from,
  merge,
  switchMap,
} from 'rxjs';
import { Messages } from './errors.js';
import { GroupNicknames } from './group-nicknames.js';
import { readList } from './lists-repo.js';
import { normalizeUsername } from './messages.js';
import { moderated } from './moderation.js';
import { type SocialHost, attempt } from './social.js';
import type { GroupMember, ModeratedType } from './types.js';

/** The SDK's method of each action, for groups and for rooms. */
const SDK = {
  groupChat: {
    announce: 'updateGroupAnnouncement',
    mute: 'disableSendGroupMsg',
    unmute: 'enableSendGroupMsg',
    ban: 'blockGroupMember',
    unban: 'unblockGroupMember',
    bans: 'getGroupBlocklist',
  },
  chatRoom: {
    announce: 'updateChatRoomAnnouncement',
    mute: 'disableSendChatRoomMsg',
    unmute: 'enableSendChatRoomMsg',
    ban: 'blockChatRoomMember',
    unban: 'unblockChatRoomMember',
    bans: 'getChatRoomBlocklist',
  },
} as const;

export class Moderation {
  private readonly host: SocialHost;
  /** Groups and rooms whose banned list was read (events keep it current, when they reach me). */
  private readonly bansRead = new Set<string>();

  /**
   * Members' nicknames in groups (group-nicknames.ts): not moderation, but Group info, which loads
   * this chunk, is what shows and sets them, and the signed-in page has no room for a loader of
   * their own.
   */
  readonly nicknames: GroupNicknames;

  constructor(host: SocialHost) {
    this.host = host;
    this.nicknames = new GroupNicknames(host);
  }

  /** Rooms whose members changed by an action of mine: their lists are read again. */
  private readonly roomChanged = new Subject<string>();

  /**
   * A room's members, with their role and mute (members only): read from the server when asked,
   * and again when the stored room changes (its events) or an action of mine changed its members.
   * Not kept in the database: a room's members come and go all the time.
   */
  roomMembers$(roomId: string): Observable<GroupMember[]> {
    return merge(
      this.host.list$('rooms'),
      this.roomChanged.pipe(filter((id) => id === roomId)),
    ).pipe(switchMap(() => from(this.readRoomMembers(roomId)).pipe(catchError(() => EMPTY))));
  }

  private async readRoomMembers(roomId: string): Promise<GroupMember[]> {
    const session = this.host.session();
    const ref = { chatRoomId: roomId };
    const [{ data: members }, { data: mutes }] = await Promise.all([
      session.connection.moderate('listChatRoomMember', ref),
      session.connection.moderate('getChatRoomMuted', ref),
    ]);
    // The server says each one's role (the app's room admins are admins in every room).
    return members.map(({ member: username, role }) => {
      const entry: GroupMember = { username, role };
      const mute = mutes.find((m) => m.user === username);
      if (mute) entry.mutedUntil = mute.expire;
      return entry;
    });
  }

  /** Removes a member from a room (its managers and admins, on those below them). */
  async removeRoomMember(roomId: string, username: string): Promise<void> {
    const session = this.host.session();
    const options = { chatRoomId: roomId, username: normalizeUsername(username) };
    await attempt('room', () => session.connection.moderate('removeChatRoomMember', options));
    this.roomChanged.next(roomId);
  }

  /** Who is banned from a group or room I run, read from the server when first asked. */
  bans$(chatType: ModeratedType, id: string): Observable<string[]> {
    return defer(() => {
      if (!this.bansRead.has(id))
        void this.readBans(chatType, id).catch(() => this.bansRead.delete(id));
      return this.host.list$(`bans:${id}`);
    });
  }

  private async readBans(chatType: ModeratedType, id: string): Promise<void> {
    const session = this.host.session();
    this.bansRead.add(id);
    const { data } = await session.connection.moderate(SDK[chatType].bans, refs(id));
    if (!this.host.current(session)) return;
    await this.host.update(session, `bans:${id}`, (list) =>
      JSON.stringify(list) === JSON.stringify(data) ? undefined : data,
    );
  }

  async announce(chatType: ModeratedType, id: string, text: string): Promise<void> {
    // Its length is the server's to check (400, with Limits.announcementMaxChars named).
    await this.act(chatType, id, 'announce', { announcement: text }, { announcement: text });
  }

  async muteAll(chatType: ModeratedType, id: string, muted: boolean): Promise<void> {
    await this.act(chatType, id, muted ? 'mute' : 'unmute', {}, { allMuted: muted });
  }

  async ban(chatType: ModeratedType, id: string, username: string, banned: boolean) {
    const target = normalizeUsername(username);
    await this.act(
      chatType,
      id,
      banned ? 'ban' : 'unban',
      { username: target },
      {},
      {
        username: target,
        banned,
      },
    );
  }

  /** Makes a room's member its admin, or takes it back (its managers). */
  async roomAdmin(roomId: string, username: string, admin: boolean): Promise<void> {
    const session = this.host.session();
    const target = normalizeUsername(username);
    const options = { chatRoomId: roomId, username: target };
    await attempt('room', () =>
      session.connection.moderate(admin ? 'setChatRoomAdmin' : 'removeChatRoomAdmin', options),
    );
    const room = (await readList(session.db, 'rooms')).find((r) => r.id === roomId);
    if (room)
      await moderated(this.host, session, 'chatRoom', roomId, {
        admins: admin
          ? [...new Set([...room.admins, target])]
          : room.admins.filter((name) => name !== target),
      });
  }

  /** Mutes a room's member for `durationMs` (`-1`: until unmuted), or with `0` unmutes them. */
  async roomMute(roomId: string, username: string, durationMs: number): Promise<void> {
    const session = this.host.session();
    const options = { chatRoomId: roomId, username: normalizeUsername(username) };
    await attempt('room', () =>
      durationMs
        ? session.connection.moderate('muteChatRoomMember', {
            ...options,
            muteDuration: durationMs,
          })
        : session.connection.moderate('unmuteChatRoomMember', options),
    );
    this.roomChanged.next(roomId);
  }

  /** Reports message `mid` to the app's moderators: `reportType` a category, `reason` my words. */
  async report(mid: string, reportType: string, reason: string): Promise<void> {
    const session = this.host.session();
    await attempt(
      'contact',
      () =>
        session.connection.moderate('reportMessage', {
          messageId: mid,
          reportType,
          reportReason: reason,
        }),
      { forbidden: Messages.noSuchMessage, notFound: Messages.noSuchMessage },
    );
  }

  private async act(
    chatType: ModeratedType,
    id: string,
    action: 'announce' | 'mute' | 'unmute' | 'ban' | 'unban',
    options: { announcement?: string; username?: string },
    fields: Parameters<typeof moderated>[4],
    ban?: { username: string; banned: boolean },
  ): Promise<void> {
    const session = this.host.session();
    const method = SDK[chatType][action];
    await attempt(chatType === 'groupChat' ? 'group' : 'room', () =>
      session.connection.moderate(method, {
        ...refs(id),
        username: '',
        announcement: '',
        ...options,
      }),
    );
    await moderated(this.host, session, chatType, id, fields, ban);
    if (ban) this.roomChanged.next(id);
  }
}

/** A group's or room's id under every name the SDK's methods take it by. */
const refs = (id: string) => ({ groupId: id, chatRoomId: id, roomId: id });
