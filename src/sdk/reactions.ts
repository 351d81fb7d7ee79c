/**
 * Reactions (4.x): `addReaction`, `deleteReaction`, `getReactionList` (also `getReactionlist`) and
 * `getReactionDetail`, over REST (src/protocol/rest.ts), plain rows of the route table: the server
 * takes the SDK's option names and answers in its result shapes. Changes arrive as
 * `onReactionChange` (the `reaction` frame). A refusal rejects `{type: 17, data}` with the server's
 * body (403 not a member of the conversation, 404 no such or recalled message, 400 a bad reaction,
 * 403 a kind too many), as every REST method.
 */
import {
  RestRoutes,
  type OkResponse,
  type ReactionDetailResponse,
  type ReactionListResponse,
} from '../protocol/index.js';
import type { Call, Route } from './rest-routes.js';

interface ReactionOptions {
  messageId: string;
  reaction: string;
}

export interface ReactionMethods {
  addReaction: Call<ReactionOptions, OkResponse>;
  deleteReaction: Call<ReactionOptions, OkResponse>;
  /** `messageId`: one id or several; `chatType` and `groupId` are accepted and not needed. */
  getReactionList: Call<
    { messageId: string | string[]; chatType?: 'singleChat' | 'groupChat'; groupId?: string },
    ReactionListResponse
  >;
  getReactionlist: ReactionMethods['getReactionList'];
  /** One page of a reaction's users; `cursor` from the previous page (`null`: it was the last). */
  getReactionDetail: Call<
    ReactionOptions & { cursor?: string | null; pageSize?: number },
    ReactionDetailResponse
  >;
}

export const REACTION_ROUTES: Route[] = [
  ['addReaction', RestRoutes.addReaction],
  ['deleteReaction', RestRoutes.deleteReaction],
  ['getReactionList getReactionlist', RestRoutes.reactionList],
  ['getReactionDetail', RestRoutes.reactionDetail],
];
