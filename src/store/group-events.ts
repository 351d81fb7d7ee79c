/**
 * What a group event (`onGroupEvent`) changes: invitations and applications stored, what happens
 * to me (removed, disbanded, made admin, muted) applied and said, then the group read again. A
 * chunk loaded with the first group event (`Groups.handle`), since the signed-in page's budget is
 * full and a first open conversation needs none of it.
 */
import { type GroupOperation, GroupOperations } from '../protocol/index.js';
import { memberAttributesEvent } from './group-nicknames.js';
import type { Groups } from './groups.js';
import { isRecord, num, str } from './messages.js';
import { moderated } from './moderation.js';
import { notice, type NoticeKey } from './notices.js';
import { type SocialSession, upsert, without } from './social.js';

/** What a group event says, checked. */
interface GroupChange {
  operation: GroupOperation;
  gid: string;
  name: string;
  from: string;
  /** The member it is about: `userId`, else the actor. */
  who: string;
  reason: string;
  muteUntil?: number;
  /** `updateAnnouncement`: the new one. */
  announcement: string;
  /** `removeMember`: banned too. */
  blocked: boolean;
  time: number;
}

function groupChange(payload: unknown): GroupChange | undefined {
  if (!isRecord(payload)) return undefined;
  const operation = str(payload.operation) as GroupOperation;
  const gid = str(payload.id) ?? str(payload.gid);
  const from = str(payload.from);
  if (!(GroupOperations as readonly string[]).includes(operation) || !gid || !from)
    return undefined;
  const change: GroupChange = {
    operation,
    gid,
    name: str(payload.name) ?? gid,
    from,
    who: str(payload.userId) || from,
    reason: str(payload.reason) ?? '',
    announcement: str(payload.announcement) ?? '',
    blocked: payload.blocked === true,
    time: num(payload.time) ?? Date.now(),
  };
  const muteUntil = num(payload.muteUntil);
  if (muteUntil !== undefined) change.muteUntil = muteUntil;
  return change;
}

/** Applies one `onGroupEvent`. */
export async function groupEvent(
  groups: Groups,
  session: SocialSession,
  payload: unknown,
): Promise<void> {
  if (isRecord(payload) && payload.operation === 'memberAttributesUpdate')
    return memberAttributesEvent(groups.host, session, payload);
  const change = groupChange(payload);
  if (!change) return;
  const me = session.username;
  const { operation, gid, name, from, who, muteUntil } = change;
  const { host } = groups;
  // What the event says to me, when it is about me and someone else did it.
  let said: NoticeKey | undefined;
  let until: number | undefined;
  switch (operation) {
    case 'inviteToJoin':
      if (who === me && from !== me)
        await host.update(session, 'invitations', (list) =>
          upsert(
            list,
            { groupId: gid, groupName: name, from, reason: change.reason, time: change.time },
            (i) => i.groupId === gid,
          ),
        );
      return;
    case 'requestToJoin':
      if (from !== me)
        await host.update(session, 'joinRequests', (list) =>
          upsert(
            list,
            {
              groupId: gid,
              groupName: name,
              username: from,
              reason: change.reason,
              time: change.time,
            },
            (r) => r.groupId === gid && r.username === from,
          ),
        );
      return;
    case 'acceptInvite':
    case 'rejectInvite':
      if (from === me) await groups.dropInvitation(session, gid);
      else if (operation === 'rejectInvite') said = 'invitationDeclined';
      break;
    case 'acceptRequest':
    case 'joinPublicGroupDeclined':
      await host.update(session, 'joinRequests', (list) =>
        without(list, (r) => r.groupId === gid && r.username === who),
      );
      if (who === me) said = operation === 'acceptRequest' ? 'requestAccepted' : 'requestDeclined';
      break;
    case 'updateAnnouncement':
    case 'muteAllMembers':
    case 'unmuteAllMembers':
      await moderated(
        host,
        session,
        'groupChat',
        gid,
        operation === 'updateAnnouncement'
          ? { announcement: change.announcement }
          : { allMuted: operation === 'muteAllMembers' },
      );
      break;
    case 'unblockMember':
      await moderated(host, session, 'groupChat', gid, {}, { username: who, banned: false });
      break;
    case 'memberAbsence':
    case 'removeMember':
    case 'destroy':
      if (change.blocked)
        await moderated(host, session, 'groupChat', gid, {}, { username: who, banned: true });
      if (operation !== 'destroy' && who !== me) break;
      await groups.gone(
        session,
        gid,
        name,
        ({ memberAbsence: 'left', removeMember: 'removed', destroy: 'disbanded' } as const)[
          operation
        ],
      );
      said =
        operation === 'destroy'
          ? 'groupDisbanded'
          : operation === 'removeMember'
            ? 'groupRemoved'
            : undefined;
      break;
    case 'setAdmin':
    case 'removeAdmin':
    case 'changeOwner': {
      if (who !== me) break;
      const role = ({ setAdmin: 'admin', removeAdmin: 'member', changeOwner: 'owner' } as const)[
        operation
      ];
      await groups.patch(session, gid, (group) => ({ ...group, role }));
      said = role === 'member' ? 'adminRemoved' : role === 'owner' ? 'madeOwner' : 'madeAdmin';
      break;
    }
    case 'muteMember':
    case 'unmuteMember': {
      if (who !== me) break;
      const muted = operation === 'muteMember';
      await groups.patch(session, gid, (group) => {
        const next = { ...group };
        if (muted) next.mutedUntil = muteUntil ?? -1;
        else delete next.mutedUntil;
        return next;
      });
      if (muted && muteUntil && muteUntil > 0) until = muteUntil;
      said = !muted ? 'unmuted' : until ? 'mutedUntil' : 'muted';
      break;
    }
    default:
      break;
  }
  if (said && from !== me)
    await host.notice(
      session,
      notice('group', said, { from, group: name, ...(until ? { until } : {}) }, gid),
      `group|${operation}|${gid}|${from}|${who}|${change.time}`,
    );
  if (operation !== 'destroy') void groups.reread(gid);
}
