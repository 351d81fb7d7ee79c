/**
 * openwebim's Web IM SDK: the classic Easemob/Agora API (`new WebIM.connection(…)`, `listen`,
 * `open`, `send`, `WebIM.message`, `WebIM.statusCode`) over openwebim's JSON WebSocket protocol.
 * Importing it touches no browser global; the connection reads them when used.
 */
import { Connection } from './connection.js';
import { defaults } from './defaults.js';
import { Message } from './message.js';
import { statusCode } from './status-codes.js';
import { utils } from './web-utils.js';

export interface WebIMNamespace {
  connection: typeof Connection;
  message: typeof Message;
  utils: typeof utils;
  statusCode: typeof statusCode;
  defaults: typeof defaults;
  /** Where seed code keeps its connection (`WebIM.conn = new WebIM.connection(…)`). */
  conn?: Connection;
}

const WebIM: WebIMNamespace = {
  connection: Connection,
  message: Message,
  utils,
  statusCode,
  defaults,
};

export default WebIM;
export { Connection, Message, statusCode, defaults, utils };
export { getUniqueId } from './unique-id.js';
export type { StatusCode } from './status-codes.js';
export type { MessageBody, MessageOptions, CreateOptions } from './message.js';
export type { AjaxOptions } from './web-utils.js';
export type * from './types.js';
