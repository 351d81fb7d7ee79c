/**
 * The `WebIM.statusCode` values the server puts in WebSocket frames (auth-error, nack, kicked,
 * error): the protocol's one table (src/protocol/status-codes.ts), so both sides read the same.
 */
export { statusCode as StatusCodes } from '../../src/protocol/status-codes.js';
