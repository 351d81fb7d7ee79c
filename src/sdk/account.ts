/**
 * The account's own REST methods: changing the password and revoking the session's token (sign-out
 * on the server), both of which end sessions server-side (a password change kicks every session of
 * the user, 216, this one too; a revoked token kicks the sessions opened with it, 33); the nickname
 * and this device's push token.
 */
import {
  RestRoutes,
  type ChangePasswordRequest,
  type EntitiesResponse,
  type OkResponse,
  type UpdateUserRequest,
  type UserEntity,
} from '../protocol/index.js';
import type { Call, Get, Route, RouteOptions } from './rest-routes.js';
import type { UploadTokenOptions } from './types.js';

export interface AccountMethods {
  /**
   * `PUT /users/{me}/password`: checks `oldPassword` as a login does (400 `invalid_grant` when
   * wrong), stores `newPassword` and revokes every token of the user, this connection's included.
   */
  changePassword: Call<{ oldPassword: string; newPassword: string }, OkResponse>;
  /** `DELETE /sdk/users/{me}/token`: the token this connection signed in with stops working. */
  revokeToken: Get<OkResponse>;
  updateCurrentUserNick(nick: string): Promise<EntitiesResponse<UserEntity>>;
  /** Stores a push token for this device. */
  uploadToken(options: UploadTokenOptions): Promise<EntitiesResponse<UserEntity>>;
}

export const ACCOUNT_ROUTES: Route[] = [
  [
    'changePassword',
    RestRoutes.changePassword,
    ({ oldPassword, newPassword }): ChangePasswordRequest => ({
      oldpassword: String(oldPassword ?? ''),
      newpassword: String(newPassword ?? ''),
    }),
  ],
  ['revokeToken', RestRoutes.revokeToken],
  // Called with a string: the route's options are `{to: nick}` (see Connection's #route).
  [
    'updateCurrentUserNick',
    RestRoutes.updateMe,
    ({ to }): UpdateUserRequest => ({ nickname: to as string }),
  ],
  [
    'uploadToken',
    RestRoutes.updateMe,
    ({ deviceId, deviceToken, notifierName }: RouteOptions & Partial<UploadTokenOptions>) => ({
      device_id: deviceId,
      device_token: deviceToken,
      notifier_name: notifierName,
    }),
  ],
];
