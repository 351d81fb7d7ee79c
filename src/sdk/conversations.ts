/**
 * The conversation list in the 3.x/4.x `getSessionList` shape (`channel_infos`), built from the
 * server's plain `ConversationsResponse`, which is passed on too (`entities`).
 */
import type { ConversationsResponse } from '../protocol/index.js';
import { bodyOf, toReceived, type FileContext } from './received-messages.js';
import type { SessionInfo, SessionListResult } from './types.js';

export function toSessionList(
  response: ConversationsResponse,
  appKey: string,
  files: FileContext,
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
  return { data: { channel_infos }, entities: response.entities ?? [] };
}
