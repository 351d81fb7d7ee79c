/**
 * openwebim's Web IM SDK: the classic Easemob/Agora API (`new WebIM.connection(…)`, `listen`,
 * `open`, `send`, `WebIM.message`, `WebIM.statusCode`, `WebIM.utils`, `WebIM.Emoji`, `WebIM.logger`) over
 * openwebim's JSON WebSocket protocol. Importing it touches no browser global; the connection
 * reads them when used.
 */
import { Connection } from './connection.js';
import { defaults } from './defaults.js';
import { emoji, type EmojiConfig } from './emoji.js';
import { logger } from './logger.js';
import { Message } from './message.js';
import { statusCode } from './status-codes.js';
import { utils } from './web-utils.js';

export interface WebIMNamespace {
  connection: typeof Connection;
  message: typeof Message;
  utils: typeof utils;
  statusCode: typeof statusCode;
  defaults: typeof defaults;
  /** The 4.x logger: `setLevel`, `enableAll`, `disableAll`, `setConsoleLogVisibility`… */
  logger: typeof logger;
  /** 3.x emoji codes: `{path, map: {'[):]': 'ee_1.png'}}`; texts holding them go to `onEmojiMessage`. */
  Emoji: EmojiConfig | undefined;
  /** Where seed code keeps its connection (`WebIM.conn = new WebIM.connection(…)`). */
  conn?: Connection;
}

const WebIM: WebIMNamespace = {
  connection: Connection,
  message: Message,
  utils,
  statusCode,
  defaults,
  logger,
  get Emoji() {
    return emoji.config;
  },
  set Emoji(config) {
    emoji.config = config;
  },
};

export default WebIM;
export { Connection, Message, statusCode, defaults, utils, logger };
export type { Logger, LogLevel, LogLevelName } from './logger.js';
export { getUniqueId } from './unique-id.js';
export { parseEmoji, type EmojiConfig } from './emoji.js';
export type { StatusCode } from './status-codes.js';
export type { MessageBody, MessageOptions, CreateOptions } from './message.js';
export type { AjaxOptions } from './web-utils.js';
export type {
  DownloadOptions,
  FileObject,
  TransferError,
  Upload,
  UploadOptions,
} from './file-transfer.js';
export type * from './types.js';
export type { AccountMethods } from './account.js';
export type { ContactMethods } from './contacts.js';
export type { GroupMethods } from './groups.js';
export type { ChatRoomMethods } from './chat-rooms.js';
export type { ReportMethods } from './reports.js';
export type { ReactionMethods } from './reactions.js';
export type { Callbacks } from './rest-routes.js';
export type { ModifyMessageOptions, ModifyMessageResult } from './message-edits.js';
export type {
  FetchUserInfoResult,
  UpdateOwnUserInfoResult,
  UserInfo,
  UserInfoKey,
  UserInfoMethods,
} from './user-info.js';
