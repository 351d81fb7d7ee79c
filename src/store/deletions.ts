/**
 * Delete for me (issue 14, the 4.x SDK's `removeHistoryMessages` and `deleteConversation`): a chunk
 * loaded the first time I delete something or a deletion's event arrives, since the signed-in
 * page's budget is full.
 *
 * - My own deletion asks the server first and changes IndexedDB only once it agreed (not
 *   optimistic: a message that vanished and came back on a refusal would be worse than the short
 *   wait), so a refusal leaves everything as it was and rejects with a ChatError in plain words.
 *   What the server never had (a message not sent yet, anything of a room) only leaves this device.
 * - Every deletion I make, on any device, comes back as an event (`onMultiDeviceEvent`) to all my
 *   sessions, and in the replay to a device that was offline, in order with the messages: each tab
 *   and device removes the same things from the same database, which is harmless twice. In shared
 *   tabs the holder's socket hears it and repeats it to the others (`tab-sharing/`), whose stores
 *   apply it too.
 */
import { Limits, type RoamingDeleteEvent } from '../protocol/index.js';
import { Codes, Messages, actionError, chatError } from './errors.js';
import { type Forgotten, removeForMe } from './deletions-repo.js';
import { readConversation } from './conversations-repo.js';
import { isRecord, num, str } from './messages.js';
import { readMessage, readMessages } from './messages-repo.js';
import { nextTick } from './reading.js';
import type { Session } from './session.js';
import type { StoreCore } from './store-core.js';
import type { ChatMessage } from './types.js';

/** Messages of one conversation, by store id: from the server (for me) and from here. */
export async function deleteMessages(core: StoreCore, ids: string[]): Promise<void> {
  const session = core.requireSession();
  const found = await Promise.all(ids.map((id) => readMessage(session.db, id)));
  const first = found[0];
  if (!first || found.some((m) => m?.conversationId !== first.conversationId))
    throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
  const mids = (found as ChatMessage[]).flatMap((m) => (m.mid ? [m.mid] : []));
  // The server takes so many at once.
  for (let i = 0; i < mids.length; i += Limits.deleteMessagesMax)
    await ask(core, first, () =>
      session.connection.moderate('removeHistoryMessages', {
        targetId: first.conversationId,
        chatType: first.chatType,
        messageIds: mids.slice(i, i + Limits.deleteMessagesMax),
      }),
    );
  await forget(core, session, first.conversationId, { ids });
}

/** A conversation off my list, with its messages unless `withMessages` is false. */
export async function deleteConversation(
  core: StoreCore,
  id: string,
  withMessages: boolean,
): Promise<void> {
  const session = core.requireSession();
  const conversation = await readConversation(session.db, id);
  if (!conversation) throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
  // All of them, read before asking: what arrives meanwhile is newer than the deletion.
  const stored = await readMessages(session.db, id, { since: -Infinity });
  // The server knows of it when something of it was sent (else it answers that there is none).
  if ([conversation.lastMessage, ...stored].some((m) => m?.mid))
    await ask(core, conversation, () =>
      session.connection.moderate('deleteConversation', {
        channel: id,
        chatType: conversation.chatType,
        deleteRoam: withMessages,
      }),
    );
  // Everything of it here, also what was never sent.
  await forget(core, session, id, {
    conversation: true,
    ...(withMessages && { ids: stored.map((m) => m.id) }),
  });
}

/**
 * The server's consent to `request`; a room's messages and conversation are only on this device,
 * so nothing is asked for them.
 */
async function ask(
  core: StoreCore,
  { chatType }: Pick<ChatMessage, 'chatType'>,
  request: () => Promise<unknown>,
): Promise<void> {
  if (chatType === 'chatRoom') return;
  if (core.status.value !== 'online') throw chatError(Codes.connectionClosed, Messages.networkDown);
  try {
    await request();
  } catch (reason) {
    throw actionError(reason, 'group', {
      forbidden: Messages.notGroupMember,
      notFound: Messages.noSuchMessage,
    });
  }
}

/** A deletion's event (`deleteRoaming`, `deleteConversation`), from any of my devices. */
export async function deleted(core: StoreCore, session: Session, event: unknown): Promise<void> {
  if (!isRecord(event)) return;
  const { operation, messageIds } = event as Partial<RoamingDeleteEvent>;
  const id = str(event.conversationId);
  if (!id) return;
  const which: Forgotten = { conversation: operation === 'deleteConversation' };
  if (Array.isArray(messageIds)) which.mids = messageIds.filter((mid) => typeof mid === 'string');
  // Set by `removeHistoryMessages` by time, and by `deleteConversation` with its messages.
  const before = num(event.beforeTimeStamp);
  if (before !== undefined) which.before = before;
  await forget(core, session, id, which);
}

/** Removes what `which` names from the conversation here, and shows it. */
async function forget(
  core: StoreCore,
  session: Session,
  id: string,
  which: Forgotten,
): Promise<void> {
  // Before the write: a server count asked for earlier is stale for this conversation from now on
  // (it counted what leaves), and does not bring back a conversation that leaves.
  const tick = nextTick();
  session.unreadTouched.set(id, tick);
  if (which.conversation) (session.gone ??= new Map()).set(id, tick);
  const changed = await core.whileOpen(() => removeForMe(session.db, id, session.username, which));
  if (which.conversation && core.active.value === id) core.active.next(null);
  if (changed) core.changed(id);
}
