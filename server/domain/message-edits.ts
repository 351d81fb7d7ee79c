/**
 * Editing a sent text message (the 4.x SDK's `modifyMessage`; the frames are in
 * src/protocol/message-edits.ts): only its sender, only text, not once recalled, not in a chat
 * room. The edit is stored with the message and, as an event, in the inbox of everyone who has it.
 */
import type { ChatType, MessageBody, ServerMessage } from '../../src/protocol/frames.js';
import type { MessageEditEvent, ModifyFrame } from '../../src/protocol/message-edits.js';
import type { AppendedEvent, AppRecord, Storage } from '../storage/storage.js';
import type { Apps } from './apps.js';
import { MessageRejected } from './errors.js';
import { toServerMessage } from './server-messages.js';
import { StatusCodes } from './status-codes.js';

export interface EditedMessage {
  /** The message as it now reads (seq 0). */
  message: ServerMessage;
  /** The `modify` event as each inbox holds it, to push to the sessions concerned. */
  events: AppendedEvent[];
}

const notExist = (reason: string) =>
  new MessageRejected(StatusCodes.MODIFY_MESSAGE_NOT_EXIST, reason);
const badFormat = (reason: string) =>
  new MessageRejected(StatusCodes.MODIFY_MESSAGE_FORMAT_ERROR, reason);

export class MessageEdits {
  readonly #storage: Storage;
  readonly #apps: Apps;

  constructor(storage: Storage, apps: Apps) {
    this.#storage = storage;
    this.#apps = apps;
  }

  async modify(app: AppRecord, user: string, frame: ModifyFrame): Promise<EditedMessage> {
    const { mid, to, chatType, msg } = frame;
    if (chatType === 'chatRoom') {
      throw new MessageRejected(
        StatusCodes.MODIFY_MESSAGE_FAILED,
        'chat-room messages cannot be edited: rooms keep no history',
      );
    }
    const stored = await this.#storage.getMessage(app.key, mid);
    if (!stored || stored.recalled) throw notExist(`no message ${mid} to edit`);
    if (stored.from !== user) {
      throw new MessageRejected(
        StatusCodes.PERMISSION_DENIED,
        'only the sender may edit a message',
      );
    }
    if (stored.to !== to || stored.chatType !== chatType) {
      throw new MessageRejected(
        StatusCodes.MESSAGE_PARAMETER_ERROR,
        `message ${mid} was not sent to ${chatType} ${to}`,
      );
    }
    if (stored.type !== 'txt') throw badFormat('only text messages can be edited');
    if (msg.trim() === '') throw badFormat('the new text must not be empty');
    const maxBytes = this.#apps.maxMessageBytes(app);
    if (Buffer.byteLength(msg) > maxBytes) {
      throw badFormat(`the new text is larger than ${maxBytes} bytes of UTF-8`);
    }
    const time = Date.now();
    const count = (stored.edit?.count ?? 0) + 1;
    const body = JSON.stringify({ ...(JSON.parse(stored.body) as MessageBody), msg });
    const edited = { ...stored, body, edit: { by: user, at: time, count } };
    const message = toServerMessage(edited, 0);
    const event: Omit<MessageEditEvent, 'seq'> = {
      kind: 'modify',
      from: user,
      to,
      chatType: chatType as ChatType,
      mid,
      message,
      time,
    };
    let inboxes = [user, to];
    if (chatType === 'groupChat') {
      inboxes = (await this.#storage.groups.members(app.key, to)).map((m) => m.username);
      if (!inboxes.includes(user)) {
        throw new MessageRejected(
          StatusCodes.GROUP_NOT_JOINED,
          `you are not a member of group ${to}`,
        );
      }
    }
    const edit = { mid, body, by: user, at: time, count };
    const events = await this.#storage.editMessage(app.key, edit, event, inboxes);
    if (!events) {
      // Recalled, or edited from another device, between the read above and the write.
      throw new MessageRejected(
        StatusCodes.MODIFY_MESSAGE_FAILED,
        `message ${mid} changed meanwhile; edit it again`,
      );
    }
    return { message, events };
  }
}
