/**
 * The conversation list in the 3.x/4.x `getSessionList` shape (`channel_infos`), built from the
 * server's plain `ConversationsResponse`, which is passed on too (`entities`).
 */
import { RestRoutes, type ConversationsResponse } from '../protocol/index.js';
import { bodyOf, toReceived } from './received-messages.js';
import type { Get, Route, RouteContext } from './rest-routes.js';
import type { SessionInfo, SessionListResult } from './types.js';

export interface ConversationMethods {
  /**
   * The conversation list with unread counts (3.x/4.x `channel_infos`), and, not in other SDKs,
   * the server's plain conversations as `entities`.
   */
  getSessionList: Get<SessionListResult>;
  /** 4.x name of `getSessionList`. */
  getConversationlist: Get<SessionListResult>;
}

export function toSessionList(
  response: ConversationsResponse,
  { appKey, files }: RouteContext,
): SessionListResult {
  const channel_infos: SessionInfo[] = [];
  for (const conversation of response.entities ?? []) {
    const m = conversation.lastMessage;
    const lastMessage = toReceived(m, files);
    if (!lastMessage) continue;
    const domain =
      conversation.chatType === 'singleChat' ? 'easemob.com' : 'conference.easemob.com';
    channel_infos.push({
      channel_id: `${appKey}_${conversation.peer}@${domain}`,
      meta: {
        from: m.from,
        to: m.to,
        id: m.mid,
        payload: { bodies: [bodyOf(m)], ext: m.ext ?? {}, from: m.from, to: m.to },
        timestamp: m.time,
      },
      unread_num: conversation.unread,
      lastMessage,
    });
  }
  return { data: { channel_infos }, entities: response.entities ?? [], seq: response.seq };
}

export const CONVERSATION_ROUTES: Route[] = [
  ['getSessionList getConversationlist', RestRoutes.conversations, 0, toSessionList],
];
