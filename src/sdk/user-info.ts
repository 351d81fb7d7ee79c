/**
 * User attributes (4.x `updateOwnUserInfo` / `updateUserInfo`, `fetchUserInfoById`) as rows of the
 * route table (rest-routes.ts), over the routes of the protocol's visitors.ts. The server checks
 * every key, value, length and user list and refuses with `{error, error_description}` (400), which
 * the SDK rejects as `{type: 17, data}` like every REST refusal.
 */
import {
  RestRoutes,
  type UserMetadata,
  type UserMetadataResponse,
  type UsersMetadataResponse,
} from '../protocol/index.js';
import type { Callbacks, Route, RouteOptions } from './rest-routes.js';

/** An attribute of {@link UserMetadata}: `nickname`, `avatarurl`, `mail`, `phone`, `gender`, `sign`, `birth`, `ext`. */
export type UserInfoKey = keyof UserMetadata;
export type UserInfo = UserMetadata;

/** What `updateOwnUserInfo` resolves with: all of my attributes as they now are. */
export interface UpdateOwnUserInfoResult {
  type: 0;
  data: UserInfo;
}

/** What `fetchUserInfoById` resolves with: the attributes of each user found, by username. */
export interface FetchUserInfoResult {
  type: 0;
  data: Record<string, UserInfo>;
  /** openwebim's: whether each user found has a session open now. */
  online: Record<string, boolean>;
}

export interface UserInfoMethods {
  /** 4.x: sets my attributes, `('nickname', 'Bob')` or `({nickname: 'Bob', mail: '…'})`; resolves with all of them. */
  updateOwnUserInfo(
    keyOrInfo: UserInfoKey | (UserInfo & Callbacks<UpdateOwnUserInfoResult>),
    value?: string,
  ): Promise<UpdateOwnUserInfoResult>;
  /** 4.x alias of `updateOwnUserInfo`. */
  updateUserInfo: UserInfoMethods['updateOwnUserInfo'];
  /**
   * 4.x: the attributes of users (`properties`: which ones, all by default); unknown users are
   * absent. Also, openwebim's, `online` by username.
   */
  fetchUserInfoById(
    userId: string | string[],
    properties?: UserInfoKey | UserInfoKey[],
  ): Promise<FetchUserInfoResult>;
}

/** The 4.x result shape, `{type: 0, ...the server's answer}`. */
const typed = (answer: UserMetadataResponse | UsersMetadataResponse) => ({ type: 0, ...answer });

/** A route's options when called `(key, value)` or `(ids, properties)` (see `Connection.route`). */
type Positional = RouteOptions & { to?: unknown; message?: unknown };

export const USER_INFO_ROUTES: Route[] = [
  [
    'updateOwnUserInfo updateUserInfo',
    RestRoutes.updateMyMetadata,
    ({ to, message, ...info }: Positional) => (to ? { [to as string]: message } : info),
    typed,
  ],
  [
    'fetchUserInfoById',
    RestRoutes.usersMetadata,
    // A username or a list, an attribute or a list: the server takes either.
    ({ to, message }: Positional) => ({ targets: to, properties: message }),
    typed,
  ],
];
