/** `WebIM.statusCode`: the protocol's table of codes, as the SDK publishes it. */
export { statusCode, type StatusCode } from '../protocol/status-codes.js';
