/**
 * The account's own REST methods: changing the password and revoking the session's token (sign-out
 * on the server). Both end sessions server-side: a password change kicks every session of the user
 * (216, this one too), a revoked token kicks the sessions opened with it (33).
 */
import { type ChangePasswordRequest, type OkResponse, RestRoutes } from '../protocol/index.js';
import type { Call, Get, Route } from './rest-routes.js';

export interface AccountMethods {
  /**
   * `PUT /users/{me}/password`: checks `oldPassword` as a login does (400 `invalid_grant` when
   * wrong), stores `newPassword` and revokes every token of the user, this connection's included.
   */
  changePassword: Call<{ oldPassword: string; newPassword: string }, OkResponse>;
  /** `DELETE /sdk/users/{me}/token`: the token this connection signed in with stops working. */
  revokeToken: Get<OkResponse>;
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
];
