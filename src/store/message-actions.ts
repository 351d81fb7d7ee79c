/**
 * What a person does to a message already in the conversation (issue 14): edit own text, react. A
 * chunk loaded the first time one is used, since the signed-in page's budget is full. Each action
 * checks what the store knows first and asks the server through the connection. An edit changes
 * IndexedDB only once the server agreed; a reaction shows at once and, refused, is undone (only
 * mine: whatever others did meanwhile stays), since a reaction is expected to show on the tap.
 * Either way a refusal leaves the store as it was, and rejects with a ChatError.
 */
import { Limits } from '../protocol/index.js';
import { Codes, Messages, actionError, chatError, toChatError } from './errors.js';
import { checkDraft, fromReceived, isCommand } from './messages.js';
import { applyEdit, readMessage } from './messages-repo.js';
import type { Reactions } from './reactions.js';
import type { StoreCore } from './store-core.js';
import type { ChatMessage, MessageReaction, Reactors } from './types.js';

/** The server names this many users of a reaction. */
const USERS_LISTED = 20;

/**
 * `list` with my `reaction` added (`on`) or taken away; `undefined` when it already is so. Both
 * ways depend only on whether it is mine, so undoing a change that a live list has since replaced
 * (the server's word) does nothing.
 */
export function withMine(
  list: MessageReaction[] = [],
  reaction: string,
  me: string,
  on: boolean,
): MessageReaction[] | undefined {
  const at = list.findIndex((r) => r.reaction === reaction);
  const current = list[at];
  if ((current?.mine ?? false) === on) return undefined;
  const next = [...list];
  if (!current) next.push({ reaction, count: 1, mine: true, users: [me] });
  else if (on)
    next[at] = {
      reaction,
      count: current.count + 1,
      mine: true,
      users: [...current.users, me].slice(0, USERS_LISTED),
    };
  else if (current.count > 1)
    next[at] = {
      reaction,
      count: current.count - 1,
      mine: false,
      users: current.users.filter((user) => user !== me),
    };
  else next.splice(at, 1);
  return next;
}

export class MessageActions {
  constructor(
    private readonly core: StoreCore,
    private readonly reactions: Reactions,
  ) {}

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

  async react(messageId: string, reaction: string, add: boolean): Promise<void> {
    const session = this.core.requireSession();
    const message = await readMessage(session.db, messageId);
    if (!message) throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
    const { mid } = message;
    // The server's limits, checked first so that nothing shows that it would take back.
    if (
      !mid ||
      message.recalled ||
      message.chatType === 'chatRoom' ||
      typeof reaction !== 'string' ||
      !reaction.trim() ||
      [...reaction].length > Limits.reactionMaxChars
    )
      throw chatError(Codes.messageParameterError, Messages.cannotReact);
    const kinds = message.reactions ?? [];
    if (
      add &&
      kinds.length >= Limits.reactionsPerMessageMax &&
      !kinds.some((r) => r.reaction === reaction)
    )
      throw chatError(Codes.messageParameterError, Messages.tooManyReactions);
    if (this.core.status.value !== 'online')
      throw chatError(Codes.connectionClosed, Messages.networkDown);
    const me = session.username;
    let before: MessageReaction[] = [];
    let after: string | undefined;
    this.reactions.touched(mid);
    await this.reactions.store(session, [mid], (m) => {
      const next = withMine(m.reactions, reaction, me, add);
      before = m.reactions ?? [];
      if (next) after = JSON.stringify(next);
      return next;
    });
    // Already so (or the message went meanwhile): nothing to ask.
    if (after === undefined) return;
    try {
      await session.connection.reaction(add ? 'addReaction' : 'deleteReaction', {
        messageId: mid,
        reaction,
      });
    } catch (reason) {
      // As it was when nothing came meanwhile; else only mine is undone.
      this.reactions.touched(mid);
      await this.reactions.store(session, [mid], (m) =>
        JSON.stringify(m.reactions ?? []) === after
          ? before
          : withMine(m.reactions, reaction, me, !add),
      );
      // Forbidden: in a group, not a member any more; in a 1:1 chat, only a kind too many.
      throw actionError(reason, 'group', {
        forbidden:
          message.chatType === 'groupChat' ? Messages.notGroupMember : Messages.tooManyReactions,
        notFound: Messages.noSuchMessage,
      });
    }
  }

  /** A page of who reacted with `reaction`, as many as the server gives at once. */
  async reactors(messageId: string, reaction: string, cursor?: string): Promise<Reactors> {
    const session = this.core.requireSession();
    const mid = (await readMessage(session.db, messageId))?.mid;
    if (!mid) throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
    if (this.core.status.value !== 'online')
      throw chatError(Codes.connectionClosed, Messages.networkDown);
    try {
      const { data } = await session.connection.reaction('getReactionDetail', {
        messageId: mid,
        reaction,
        pageSize: Limits.reactionDetailPageMax,
        ...(cursor ? { cursor } : {}),
      });
      return { users: data.userList, cursor: data.cursor };
    } catch (reason) {
      throw actionError(reason, 'group', {
        forbidden: Messages.notGroupMember,
        notFound: Messages.noSuchMessage,
      });
    }
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
