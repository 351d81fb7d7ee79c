/**
 * Delete for me (4.x): `removeHistoryMessages` (by `messageIds`, at most 50, or every message
 * before `beforeTimeStamp`) and `deleteConversation` (also its 4.x alias `deleteSession`; with
 * `deleteRoam` its messages too), plain rows of the route table: the server takes the SDK's
 * option names (src/protocol/deletions.ts). My other devices hear of it as `onMultiDeviceEvent`
 * (`deleteRoaming`, `deleteConversation`); the others' views are untouched. A refusal rejects
 * `{type: 17, data}` with the server's body (404 no such message in that conversation, or no such
 * conversation; 403 a group I am not in; 400 malformed), as every REST method.
 */
import { RestRoutes, type OkResponse } from '../protocol/index.js';
import type { Call, Route } from './rest-routes.js';

type DeletableType = 'singleChat' | 'groupChat';

export interface DeletionMethods {
  removeHistoryMessages: Call<
    { targetId: string; chatType: DeletableType; messageIds?: string[]; beforeTimeStamp?: number },
    OkResponse
  >;
  deleteConversation: Call<
    { channel: string; chatType: DeletableType; deleteRoam: boolean },
    OkResponse
  >;
  /** The 4.x name deprecated for {@link DeletionMethods.deleteConversation}. */
  deleteSession: DeletionMethods['deleteConversation'];
}

export const DELETION_ROUTES: Route[] = [
  ['removeHistoryMessages', RestRoutes.removeHistoryMessages],
  ['deleteSession deleteConversation', RestRoutes.deleteConversation],
];
