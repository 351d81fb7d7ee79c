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
 * - A deletion asked while the connection is coming back (a tab taking the socket over from one that
 *   closed, a reconnect) waits for it, and one the closing tab never answered (510) is asked again
 *   on the new one, as a send stays in the outbox: deleting for me twice does no harm.
 * - An own message deleted before its ack leaves this device at once (its outbox entry with it, so
 *   a queued send is cancelled); if it was on its way, the deletion follows on the server once its
 *   ack comes (in any of this browser's tabs, which all hear it), so my other devices lose it too.
 */
import { filter, firstValueFrom, map, of, timeout } from 'rxjs';
import { Limits, RestErrors, type RoamingDeleteEvent } from '../protocol/index.js';
import { type ChatStoreError, Codes, Messages, actionError, chatError } from './errors.js';
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
  // Listening before reading: an own message's ack that comes meanwhile is not missed.
  const waiting = (session.deletedBeforeAck ??= new Map<string, (mid: string) => void>());
  const early = new Map<string, string>();
  for (const id of ids) waiting.set(id, (mid) => early.set(id, mid));
  let conversationId: string;
  try {
    const found = await Promise.all(ids.map((id) => readMessage(session.db, id)));
    const first = found[0];
    if (!first || found.some((m) => m?.conversationId !== first.conversationId))
      throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
    conversationId = first.conversationId;
    const mids: string[] = [];
    for (const m of found as ChatMessage[]) {
      const mid = m.mid ?? early.get(m.id);
      if (mid) mids.push(mid);
      if (!mid && m.status === 'pending' && m.chatType !== 'chatRoom') followAck(core, session, m);
      else waiting.delete(m.id);
    }
    // The server takes so many at once.
    for (let i = 0; i < mids.length; i += Limits.deleteMessagesMax)
      await ask(core, first, () =>
        session.connection.moderate('removeHistoryMessages', {
          targetId: first.conversationId,
          chatType: first.chatType,
          messageIds: mids.slice(i, i + Limits.deleteMessagesMax),
        }),
      );
  } catch (error) {
    for (const id of ids) waiting.delete(id);
    throw error;
  }
  await forget(core, session, conversationId, { ids });
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
    await ask(
      core,
      conversation,
      () =>
        session.connection.moderate('deleteConversation', {
          channel: id,
          chatType: conversation.chatType,
          deleteRoam: withMessages,
        }),
      true,
    );
  // Everything of it here, also what was never sent.
  await forget(core, session, id, {
    conversation: true,
    ...(withMessages && { ids: stored.map((m) => m.id) }),
  });
}

/** How long a deletion waits for the connection to come back before it says the network is down. */
const COMING_BACK_MS = 20_000;

/**
 * The server's consent to `request`; a room's messages and conversation are only on this device,
 * so nothing is asked for them. While the connection is coming back it waits for it; asked of a
 * tab that closed before answering (510), it is asked again on the next one, and then a conversation
 * already gone (`again404`: the first one did reach the server) counts as deleted.
 */
async function ask(
  core: StoreCore,
  { chatType }: Pick<ChatMessage, 'chatType'>,
  request: () => Promise<unknown>,
  again404 = false,
): Promise<void> {
  if (chatType === 'chatRoom') return;
  for (let repeat = false; ; repeat = true) {
    const online = await firstValueFrom(
      core.status.pipe(
        filter((s) => s !== 'connecting' && s !== 'reconnecting'),
        map((s) => s === 'online'),
        timeout({ first: COMING_BACK_MS, with: () => of(false) }),
      ),
    );
    if (!online) throw chatError(Codes.connectionClosed, Messages.networkDown);
    try {
      await request();
      return;
    } catch (reason) {
      const error = actionError(reason, 'group', {
        forbidden: Messages.notGroupMember,
        notFound: Messages.noSuchMessage,
      });
      if (error.type === Codes.websocketDisconnected && !repeat) continue;
      if (repeat && again404 && error.error === RestErrors.notFound) return;
      throw error;
    }
  }
}

/**
 * Own message `m`, deleted here before its ack: once the ack comes (`Sending.acked`, in whichever
 * tab sent it: every tab hears it), the server deletes it for me too, so my other devices follow.
 * A refusal then is said as any failed action is.
 */
function followAck(core: StoreCore, session: Session, m: ChatMessage): void {
  session.deletedBeforeAck?.set(m.id, (mid) => {
    session.deletedBeforeAck?.delete(m.id);
    ask(core, m, () =>
      session.connection.moderate('removeHistoryMessages', {
        targetId: m.conversationId,
        chatType: m.chatType,
        messageIds: [mid],
      }),
    ).catch((error: ChatStoreError) => core.errors.next(error));
  });
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
