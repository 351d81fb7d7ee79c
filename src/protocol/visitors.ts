/**
 * Visitors of a site (issue 9): guests, sign-in from the site's own backend, user attributes, and
 * what a visitor's first message tells the site's team. The routes are in routes.ts; this file says
 * what each carries and who may call it.
 *
 * | request | who may | body | success |
 * | --- | --- | --- | --- |
 * | `POST /{org}/{app}/guests` | anyone, from an allowed origin, when the app has `--guests` | {@link GuestRequest} | {@link GuestResponse} |
 * | `POST /{org}/{app}/token` `grant_type: client_credentials` | the site's backend | {@link ClientCredentialsRequest} | {@link AppTokenResponse} |
 * | `POST /{org}/{app}/token` `grant_type: inherit` | Bearer: an app token | {@link InheritRequest} | `TokenResponse` (rest.ts) |
 * | `PUT /{org}/{app}/metadata/user/{me}` | Bearer: a user token (guests too) | {@link UserMetadata} as JSON or form-urlencoded | {@link UserMetadataResponse} (all of mine) |
 * | `POST /{org}/{app}/metadata/user/get` | Bearer: a user token | {@link UsersMetadataRequest} | {@link UsersMetadataResponse} |
 *
 * Guests (`openwebim-server app add|set org#app --guests`, off by default):
 * - `POST /guests` mints a user named `guest-` + 12 characters of `[a-z0-9]` with a random password,
 *   and answers its token and that password once. The client keeps both (IndexedDB, on the host
 *   page's origin) and later signs in with `grant_type: password` as any user does, so a reload or
 *   a return next week is the same guest and the same conversation.
 * - Refusals: guests off, 403 `forbidden_op` "guests are not enabled for this app"; an `Origin`
 *   the app does not allow (`--origins`), 403 `forbidden_op`; past `VisitorLimits.guestsPerHourPerAddress`
 *   from one IP address, 429 `reach_limit`. A `nickname` over `Limits.nicknameMaxChars` (rest.ts): 400.
 * - A guest may send and receive 1:1 and group messages, set its own attributes, and nothing of
 *   the directory: adding contacts, creating groups or rooms, listing public groups, rooms or
 *   other users' entities answer 403 `forbidden_op` "guests cannot …".
 * - A guest idle (no session, no message) past the app's `--guest-retention-days` (default
 *   `VisitorLimits.guestRetentionDaysDefault`) is removed with its messages, files and tokens.
 *
 * App tokens (sign-in from the site's backend):
 * - `openwebim-server app add` prints the app's client id and secret; `app set --rotate-secret`
 *   replaces the secret (the old one stops at once). Only a hash of the secret is stored.
 * - An app token is good only for `grant_type: inherit` (and admin routes, later); a user token
 *   there answers 401 `unauthorized`, and an app token on any user route 401 as well.
 * - `inherit` issues a user token for `username`; with `autoCreateUser: true` an unknown user is
 *   created (no password: it can only sign in through its site); without it, 404. `ttl` in seconds
 *   (at most the app's token TTL; 0 or absent: the app's TTL).
 */
export interface GuestRequest {
  /** The guest's display name; may be set later through the user attributes. */
  nickname?: string;
}

export interface GuestResponse {
  access_token: string;
  /** Lifetime of the token in seconds. */
  expires_in: number;
  user: { username: string; nickname?: string; guest: true };
  /** The guest's password, shown once: the client keeps it to sign in again (grant_type password). */
  password: string;
}

export interface ClientCredentialsRequest {
  grant_type: 'client_credentials';
  client_id: string;
  client_secret: string;
  /** Seconds; absent or 0, the app's token TTL. */
  ttl?: number;
}

export interface AppTokenResponse {
  access_token: string;
  expires_in: number;
  /** The app's id (Agora answers its uuid). */
  application: string;
}

export interface InheritRequest {
  grant_type: 'inherit';
  username: string;
  autoCreateUser?: boolean;
  ttl?: number;
}

/** Agora's user attributes (`updateOwnUserInfo`, `fetchUserInfoById`); all strings. */
export interface UserMetadata {
  nickname?: string;
  avatarurl?: string;
  /** A guest's e-mail, left for the site's team when the person they wrote to was away. */
  mail?: string;
  phone?: string;
  gender?: string;
  sign?: string;
  birth?: string;
  ext?: string;
}
export const UserMetadataKeys = [
  'nickname',
  'avatarurl',
  'mail',
  'phone',
  'gender',
  'sign',
  'birth',
  'ext',
] as const satisfies readonly (keyof UserMetadata)[];

export interface UserMetadataResponse {
  data: UserMetadata;
}

export interface UsersMetadataRequest {
  /** Usernames; at most `VisitorLimits.metadataTargetsMax`. Unknown ones are absent from the answer. */
  targets: string[] | string;
  /** Which attributes; all when absent or empty. */
  properties?: (keyof UserMetadata)[] | keyof UserMetadata;
}

export interface UsersMetadataResponse {
  data: Record<string, UserMetadata>;
  /**
   * openwebim's, beside Agora's `data`: for each user in `data`, whether they have a session open
   * now. A guest sees no presence otherwise (presence goes to contacts, and a guest has none), and
   * the widget's `to` conversation says "away, leave your e-mail" from it.
   */
  online: Record<string, boolean>;
}

/**
 * Keys in a message's `ext` that the widget sets on a visitor's first message to a conversation,
 * for the site's team: the page the visitor was on (its URL without query or fragment) and its title.
 */
export const VisitorExt = {
  page: 'openwebim_page',
  pageTitle: 'openwebim_page_title',
} as const;

/** What every guest's username starts with (`POST /guests` adds 12 characters of `[a-z0-9]`). */
export const GuestPrefix = 'guest-';

/** Limits of the visitor routes, beside rest.ts's `Limits`. */
export const VisitorLimits = {
  guestsPerHourPerAddress: 20,
  guestRetentionDaysDefault: 30,
  /** Any one user attribute, in characters. */
  metadataValueMaxChars: 256,
  metadataTargetsMax: 100,
} as const;
