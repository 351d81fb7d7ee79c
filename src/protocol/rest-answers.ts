/**
 * What every REST answer is wrapped in: the entity and ok envelopes of a success, and the error
 * body (with its codes and the descriptions clients branch on) of a failure, with the HTTP status
 * Agora uses.
 */

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

/** A change that has nothing to return. */
export interface OkResponse {
  data: { result: true };
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
  /** A chat file past the app's lifetime (404; the SDK's WEBIM_DOWNLOADFILE_ERROR_EXPIRED 223). */
  fileExpired: 'file_expired',
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
  /** Agora's words for a missing or empty password (registration, a new password). */
  passwordMissing: 'password or pin must provided',
  passwordTooLong: 'password must be at most 64 characters',
  /** A plain HTTP request to `/websocket` (400 `illegal_argument`). */
  websocketUpgradeRequired: 'WebSocket upgrade required: connect to /websocket with a WebSocket',
} as const;
