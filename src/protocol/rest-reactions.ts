/**
 * Reactions (Bearer; `{me}` must be the token's user), Agora's paths with the 4.x SDK's option
 * names in the query and its result shapes, so its methods are plain rows of the route table;
 * Agora's own names (`msgId`/`msgIdList`, `message`, `limit`, and `addReaction`'s JSON body
 * {@link AddReactionRequest}) are read too. Only a member of the message's conversation may react or read them: the sender or
 * recipient of a 1:1 message, a member of the group (while a member). Each change is pushed live as
 * a `ReactionFrame` (frames.ts) to every member's sessions; REST history carries `reactions`.
 *
 * | request | body | success |
 * | --- | --- | --- |
 * | `POST /{org}/{app}/reaction/user/{me}?messageId&reaction` | – (or {@link AddReactionRequest}) | {@link OkResponse} (adding one already there changes nothing) |
 * | `DELETE /{org}/{app}/reaction/user/{me}?messageId&reaction` | – | {@link OkResponse} (removing one not there changes nothing) |
 * | `GET /{org}/{app}/reaction/user/{me}?messageId=a,b` | – | {@link ReactionListResponse} |
 * | `GET /{org}/{app}/reaction/user/{me}/detail?messageId&reaction&cursor&pageSize` | – | {@link ReactionDetailResponse} |
 *
 * Refusals: a message that is not there, or was recalled, 404 `service_resource_not_found` (the
 * list gives it no reactions instead); a message of a conversation or group I am not part of 403
 * `forbidden_op`; a chat-room message 404 too (rooms keep no messages to react to);
 * an empty reaction or one over {@link Limits.reactionMaxChars} characters, more than
 * {@link Limits.reactionListMessagesMax} ids, a `limit` out of 1–{@link Limits.reactionDetailPageMax}
 * or an unknown `cursor` 400 `illegal_argument`; a new kind of reaction on a message that has
 * {@link Limits.reactionsPerMessageMax} already 403 `forbidden_op`. The SDK rejects each with
 * `{type: 17, data}` (data: the body), as every REST method.
 */
import type { ReactionListItem } from './server-frames.js';

/** `addReaction` as Agora's REST API sends it, a JSON body (`message` is the reaction). */
export interface AddReactionRequest {
  msgId: string;
  message: string;
}

/** `getReactionList`: one entry per id asked, in the order asked. */
export interface ReactionListResponse {
  data: { msgId: string; reactionList: ReactionListItem[] }[];
}

/**
 * `getReactionDetail`: one page of the users of a reaction, earliest first; `cursor` asks for the
 * next page (`null`: this was the last). `userCount` counts them all.
 */
export interface ReactionDetailResponse {
  data: ReactionListItem & { cursor: string | null };
}
