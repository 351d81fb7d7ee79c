/**
 * What `getHistoryMessages` asks of the server: a page of a 1:1 or group conversation, older than
 * `cursor`, or a room's recent window (a room keeps only that, one page for everyone).
 */
import { RestRoutes } from '../protocol/index.js';
import type { RouteOptions } from './rest-routes.js';
import type { HistoryOptions } from './types.js';

/** The route and its values for `options`; -3 (`REQUEST_PARAMETER_ERROR`) for what is not supported. */
export function historyRequest(options: HistoryOptions): [string, RouteOptions] {
  const { targetId, chatType = 'singleChat', pageSize = 20, cursor } = options;
  if (!targetId || (options.searchDirection ?? 'up') !== 'up') {
    throw { type: -3, message: 'targetId is required; only searchDirection "up" is supported' };
  }
  // The 4.x SDK's "from the newest": no cursor, '' or -1.
  const from = cursor != null && cursor !== '' && String(cursor) !== '-1' ? cursor : undefined;
  return chatType === 'chatRoom'
    ? [RestRoutes.roomHistory, { roomId: targetId, limit: pageSize }]
    : [RestRoutes.history, { peer: targetId, chatType, limit: pageSize, cursor: from }];
}
