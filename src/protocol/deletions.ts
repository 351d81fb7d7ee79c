/**
 * Deleting for me (the 4.x SDK's `removeHistoryMessages` and `deleteConversation`): what I delete
 * leaves my own view only; the others keep theirs. Over REST (routes.ts):
 *
 * | request | success |
 * | --- | --- |
 * | `DELETE /{org}/{app}/users/{me}/messages?targetId&chatType&messageIds&beforeTimeStamp` | `OkResponse` |
 * | `DELETE /{org}/{app}/users/{me}/user_channels?channel&chatType&deleteRoam` | `OkResponse` |
 *
 * - `removeHistoryMessages`: `messageIds` (comma-separated, at most
 *   `Limits.deleteMessagesMax`) or `beforeTimeStamp` (every message sent before that time, ms
 *   since the epoch) of the conversation with `targetId` (a user, or a group with `chatType` =
 *   `groupChat`). 404 for an id that is not a message of that conversation, 403 in a group I am not
 *   a member of, 400 for anything malformed. Nothing is deleted on a refusal.
 * - `deleteConversation`: the conversation leaves my list until a new message comes (my unread
 *   count is cleared); with `deleteRoam=true` its messages so far leave my history too. 404 when I
 *   have no such conversation.
 *
 * Each accepted deletion is a {@link RoamingDeleteEvent} in my inbox, pushed to all my sessions and
 * replayed like any inbox entry, so my other devices and tabs follow. History, the conversation
 * list and its unread counts leave out what I deleted.
 */
import type { ChatType } from './message-bodies.js';

/**
 * A deletion I made (on any device), in the 4.x SDK's `onMultiDeviceEvent` shape: `deleteRoaming`
 * (`conversationId`, `chatType`) or `deleteConversation` (`conversationId`, `conversationType`,
 * `timestamp`), plus what was deleted.
 */
export interface RoamingDeleteEvent {
  kind: 'roaming';
  seq: number;
  operation: 'deleteRoaming' | 'deleteConversation';
  /** Me. */
  from: string;
  /** The conversation: the other user, or the group's id. */
  to: string;
  conversationId: string;
  chatType: Exclude<ChatType, 'chatRoom'>;
  conversationType: Exclude<ChatType, 'chatRoom'>;
  /** The messages deleted (`removeHistoryMessages` by id). */
  messageIds?: string[];
  /** Every message sent before this time (ms since the epoch) was deleted. */
  beforeTimeStamp?: number;
  /** `deleteConversation`: its messages were deleted too. */
  deleteRoam?: boolean;
  timestamp: number;
  time: number;
}
