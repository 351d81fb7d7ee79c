/**
 * What a person does to a message already in the conversation (issue 14): edit own text. Each
 * action checks what the store knows first, asks the server through the connection, and changes
 * IndexedDB only once the server agreed: a refusal changes nothing here.
 */
import { Codes, Messages, chatError, toChatError } from './errors.js';
import { checkDraft, fromReceived, isCommand } from './messages.js';
import { applyEdit, readMessage } from './messages-repo.js';
import type { StoreCore } from './store-core.js';
import type { ChatMessage } from './types.js';

export class MessageActions {
  constructor(private readonly core: StoreCore) {}

  async edit(messageId: string, text: string): Promise<void> {
    const session = this.core.requireSession();
    const message = await readMessage(session.db, messageId);
    if (!message) throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
    if (message.from !== session.username)
      throw chatError(Codes.permissionDenied, Messages.editNotMine);
    if (message.recalled) throw chatError(Codes.modifyNotExist, Messages.editGone);
    if (message.type !== 'txt') throw chatError(Codes.modifyFormatError, Messages.editTextOnly);
    if (message.status !== 'sent' || !message.mid)
      throw chatError(Codes.messageParameterError, Messages.editNotSent);
    checkDraft(text, this.core.limits.value.messageMaxBytes);
    if (text === message.text) return;
    if (this.core.status.value !== 'online')
      throw chatError(Codes.connectionClosed, Messages.networkDown);
    let answer;
    try {
      answer = await session.connection.modify({
        mid: message.mid,
        to: message.to,
        chatType: message.chatType,
        text,
      });
    } catch (reason) {
      throw editError(reason);
    }
    const edited = fromReceived(answer, session.username, 'txt');
    if (!edited || isCommand(edited)) return;
    // The `modify` event reaches my other sessions; this one applies the answer at once.
    const stored = await this.core.whileOpen(() => applyEdit(session.db, edited as ChatMessage));
    if (stored) this.core.changed(stored.conversationId);
  }
}

/** The server's refusal of an edit, in the words of an edit. */
function editError(reason: unknown) {
  const error = toChatError(reason);
  switch (error.type) {
    case Codes.permissionDenied:
      return chatError(error.type, Messages.editNotMine);
    case Codes.modifyNotExist:
      return chatError(error.type, Messages.editGone);
    case Codes.modifyFormatError:
      return chatError(error.type, Messages.editTextOnly);
    default:
      return error;
  }
}
