/**
 * REST bodies, on Agora Chat's paths (base `{apiUrl}/{org}/{app}`, app key `org#app`).
 *
 * | request | body | success |
 * | --- | --- | --- |
 * | `POST /{org}/{app}/users` | {@link RegisterRequest} | {@link EntitiesResponse} of {@link UserEntity} |
 * | `POST /{org}/{app}/token` | {@link TokenRequest} | {@link TokenResponse} |
 * | `GET /{org}/{app}/users/{username}` (Bearer) | – | {@link EntitiesResponse} of {@link UserEntity} |
 * | `PUT /{org}/{app}/users/{me}` (Bearer) | {@link UpdateUserRequest} | {@link EntitiesResponse} of {@link UserEntity} |
 * | `GET /{org}/{app}/sdk/users/{me}/token/expires` (Bearer) | – | {@link TokenExpiresResponse} |
 * | `GET /easemob/server.json?app_key=org%23app` | – | {@link DnsResponse} |
 *
 * Every failure answers with an {@link ErrorBody} and the HTTP status Agora uses.
 */

export interface RegisterRequest {
  username: string;
  password: string;
  nickname?: string;
}

export interface TokenRequest {
  grant_type: 'password';
  username: string;
  password: string;
  timestamp?: number;
}

export interface UserEntity {
  uuid: string;
  type: 'user';
  created: number;
  modified: number;
  username: string;
  activated: boolean;
  nickname?: string;
  /** Push tokens, one per device (only in your own user's entity). */
  pushInfo?: { device_id: string; device_token: string; notifier_name: string }[];
}

export interface EntitiesResponse<T> {
  action: string;
  application: string;
  path: string;
  uri: string;
  entities: T[];
  timestamp: number;
  duration: number;
  organization: string;
  applicationName: string;
}

export interface TokenResponse {
  access_token: string;
  /** Lifetime of the token in seconds. */
  expires_in: number;
  user: UserEntity;
}

export type UpdateUserRequest =
  { nickname: string } | { device_id: string; device_token: string; notifier_name: string };

export interface TokenExpiresResponse {
  /** When the token expires, ms since the epoch. */
  expire_timestamp: number;
}

export interface DnsHost {
  protocol: 'http' | 'https' | 'ws' | 'wss';
  domain: string;
  ip: string;
  port: number;
}

export interface DnsResponse {
  rest: { hosts: DnsHost[] };
  'msync-ws': { hosts: DnsHost[] };
  /** The 4.x SDKs read the socket hosts under this key. */
  'msync-wx': { hosts: DnsHost[] };
}

/** The error codes this server answers with (Agora's `error` field). */
export const RestErrors = {
  duplicate: 'duplicate_unique_property_exists',
  illegalArgument: 'illegal_argument',
  invalidGrant: 'invalid_grant',
  unauthorized: 'unauthorized',
  badToken: 'auth_bad_access_token',
  forbidden: 'forbidden_op',
  appNotFound: 'organization_application_not_found',
  notFound: 'service_resource_not_found',
  tooLarge: 'request_entity_too_large',
  unsupportedMedia: 'web_application',
  resourceLimited: 'resource_limited',
  rateLimited: 'reach_limit',
  serverError: 'internal_server_error',
} as const;
export type RestError = (typeof RestErrors)[keyof typeof RestErrors];

export interface ErrorBody {
  error: RestError;
  error_description: string;
  exception?: string;
  timestamp: number;
  duration: number;
}

/** `error_description` values clients branch on, verbatim from Agora. */
export const ErrorDescriptions = {
  usernameTooLong: 'USERNAME_TOO_LONG',
  userNotFound: 'user not found',
  invalidPassword: 'invalid password',
  registrationClosed: 'registration is not open, please contact the app admin',
} as const;

/** Limits the server enforces on every app, and the SDK checks before sending. */
export const Limits = {
  /** Username: 1–64 bytes of `[a-z0-9_.-]`, lowercase (Agora). */
  usernameMaxBytes: 64,
  usernamePattern: /^[a-z0-9_.-]+$/,
  passwordMaxChars: 64,
  nicknameMaxChars: 100,
  /** Default largest `txt` message text, in UTF-8 bytes (per app, `--max-message-bytes`). */
  messageMaxBytes: 16 * 1024,
  /** Largest JSON body the REST API reads. */
  restBodyMaxBytes: 16 * 1024,
} as const;
