/**
 * The `WebIM.statusCode` values the server puts in WebSocket frames (auth-error, nack, kicked,
 * error). Names follow the SDK's map (see the facts file §6) so both sides read the same.
 */
export const StatusCodes = {
  WEBIM_CONNCTION_AUTH_ERROR: 2,
  WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR: 28,
  OPERATION_UNSUPPORTED: 53,
  WEBIM_TOKEN_EXPIRED: 56,
  USER_NOT_FOUND: 204,
  MESSAGE_PARAMETER_ERROR: 205,
  WEBIM_CONNCTION_USER_LOGIN_ANOTHER_DEVICE: 206,
  SERVER_BUSY: 500,
  MESSAGE_RECALL_TIME_LIMIT: 504,
  MESSAGE_CURRENT_LIMITING: 509,
  MESSAGE_SIZE_LIMIT: 511,
  PERMISSION_DENIED: 603,
} as const;
