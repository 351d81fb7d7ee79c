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
 * - Asked offline (or the connection not back in time), it is done here at once and kept in
 *   IndexedDB (`PendingDeletion`, in the same transaction), then asked when the connection is back
 *   ({@link flushDeletions}), by one tab at a time, and taken out once the server agreed: a reload
 *   forgets none of it and the server is asked once.
 * - An own message deleted before its ack leaves this device at once (its outbox entry with it, so
 *   a queued send is cancelled); if it was on its way, the deletion waits in IndexedDB for its
 *   server id, from the ack (in any of this browser's tabs) or from the server's copy of it after a
 *   reload (which is not stored), and then follows on the server, so my other devices lose it too.
 * - Unread counts: a deletion takes the peer messages it removes off the count, but for those the
 *   server's count taken at open already left out, that is, when its event is at or before the
 *   inbox seq that count was as of (`StoredConversation.unreadSeq`), the messages at or before the
 *   newest the server had then (`unreadAsOf`): a device back from away that heard the count before
 *   the replayed deletion. Deletions kept here are asked before that count (`Receiving`), so it no
 *   longer counts what left this device before a reload.
 */
import { filter, firstValueFrom, map, of, timeout } from 'rxjs';
import { Limits, RestErrors, type RoamingDeleteEvent } from '../protocol/index.js';
import type { PendingDeletion } from './database.js';
import { Codes, Messages, actionError, chatError } from './errors.js';
import {
  type Forgotten,
  type Queued,
  ackOfDeleted,
  removeForMe,
  settleDeletion,
} from './deletions-repo.js';
import { readConversation } from './conversations-repo.js';
import { fromReceived, isRecord, num, str } from './messages.js';
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
  noteUnacked(session, found);
  const mids = (found as ChatMessage[]).flatMap((m) => (m.mid ? [m.mid] : []));
  const asked: string[] = [];
  // The server takes so many at once.
  for (let i = 0; i < mids.length; i += Limits.deleteMessagesMax) {
    const some = mids.slice(i, i + Limits.deleteMessagesMax);
    if (
      !(await ask(core, first, () =>
        session.connection.moderate('removeHistoryMessages', {
          targetId: first.conversationId,
          chatType: first.chatType,
          messageIds: some,
        }),
      ))
    )
      break;
    asked.push(...some);
  }
  // What the server did not do yet (offline; own messages on their way, which the removal reads
  // again as it writes, so an ack meanwhile is not missed) is kept with the removal.
  await forget(core, session, first.conversationId, { ids, ...queued(first, { asked }) });
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
  noteUnacked(session, stored);
  // The server knows of it when something of it was sent (else it answers that there is none).
  const known = [conversation.lastMessage, ...stored].some((m) => m?.mid);
  const done =
    !known ||
    (await ask(
      core,
      conversation,
      () =>
        session.connection.moderate('deleteConversation', {
          channel: id,
          chatType: conversation.chatType,
          deleteRoam: withMessages,
        }),
      true,
    ));
  // Everything of it here, also what was never sent.
  await forget(core, session, id, {
    conversation: true,
    ...(withMessages && { ids: stored.map((m) => m.id) }),
    ...queued(conversation, {
      // With its messages, the server deletes those it has (or will, when asked later).
      asked: withMessages ? stored.flatMap((m) => (m.mid ? [m.mid] : [])) : [],
      ...(!done && { conversation: { withMessages } }),
    }),
  });
}

/** Notes the own messages among `messages` that wait for their ack in this session. */
function noteUnacked(session: Session, messages: (ChatMessage | undefined)[]): void {
  const ids = deletedHere.get(session) ?? new Set<string>();
  deletedHere.set(session, ids);
  for (const m of messages)
    if (m && !m.mid && m.status === 'pending' && m.from === session.username) ids.add(m.id);
}

/** What to keep of a deletion for the server: nothing of a room's, which only this device has. */
const queued = (
  { chatType }: Pick<ChatMessage, 'chatType'>,
  queue: Omit<Queued, 'chatType'>,
): Pick<Forgotten, 'queue'> => (chatType === 'chatRoom' ? {} : { queue: { chatType, ...queue } });

/** How long a deletion waits for the connection to come back before it says the network is down. */
const COMING_BACK_MS = 20_000;

/**
 * The server's consent to `request`: true once it agreed, false when the connection is not there
 * (offline, or not back in time: the caller keeps the deletion for later). A room's messages and
 * conversation are only on this device, so nothing is asked for them. While the connection is
 * coming back it waits for it; asked of a tab that closed before answering (510), it is asked again
 * on the next one, and then a conversation already gone (`again404`: the first one did reach the
 * server) counts as deleted. A refusal throws.
 */
async function ask(
  core: StoreCore,
  { chatType }: Pick<ChatMessage, 'chatType'>,
  request: () => Promise<unknown>,
  again404 = false,
): Promise<boolean> {
  if (chatType === 'chatRoom') return true;
  for (let repeat = false; ; repeat = true) {
    const online = await firstValueFrom(
      core.status.pipe(
        filter((s) => s !== 'connecting' && s !== 'reconnecting'),
        map((s) => s === 'online'),
        timeout({ first: COMING_BACK_MS, with: () => of(false) }),
      ),
    );
    if (!online) return false;
    try {
      await request();
      return true;
    } catch (reason) {
      const error = actionError(reason, 'group', {
        forbidden: Messages.notGroupMember,
        notFound: Messages.noSuchMessage,
      });
      if (error.type === Codes.websocketDisconnected && !repeat) continue;
      if (repeat && again404 && error.error === RestErrors.notFound) return true;
      throw error;
    }
  }
}

/**
 * Asks the server for what deletions wait in IndexedDB (the connection is back, or one was just
 * kept), each taken out once it agreed. One tab at a time (they share the database, and every tab
 * hears the connection come back), so each is asked once. A failure of the connection leaves the
 * rest for the next time; a refusal is said, as any failed action is, and not asked again.
 */
export async function flushDeletions(core: StoreCore, session: Session): Promise<void> {
  await navigator.locks.request(`openwebim-deletions:${session.dbName}`, async () => {
    for (const record of await session.db.getAll('deletions')) {
      if (core.session.value !== session || !(await flushOne(core, session, record))) return;
    }
  });
}

/** Own messages deleted before their ack by each session: their ack may still come to it. */
const deletedHere = new WeakMap<Session, Set<string>>();
/** How far back the server's history is read for own messages deleted before their ack. */
const LOOKUP_PAGES = 4;

/**
 * Own messages an earlier page (or session) deleted before their ack, which no ack will name now:
 * their server ids are read from the conversation's newest history (which has them by client id
 * when the server got them), and those it does not have are forgotten. The deletion as it is then.
 */
async function unackedOfEarlierPage(
  core: StoreCore,
  session: Session,
  record: PendingDeletion,
): Promise<PendingDeletion | undefined> {
  const { conversationId: id, chatType } = record;
  const waiting = record.unacked.filter((key) => !deletedHere.get(session)?.has(key));
  if (!waiting.length) return record;
  const found = new Map<string, string>();
  let cursor: string | null = null;
  for (let page = 0; page < LOOKUP_PAGES; page += 1) {
    const history = await session.connection.history({ peer: id, chatType, cursor, pageSize: 50 });
    let older = false;
    for (const raw of history.messages) {
      const message = fromReceived(raw, session.username);
      if (message?.mid && waiting.includes(message.id)) found.set(message.id, message.mid);
      if (message && message.time < record.queuedAt - 60_000) older = true;
    }
    if (older || history.isLast || found.size === waiting.length) break;
    cursor = history.cursor;
  }
  for (const [key, mid] of found) await core.whileOpen(() => ackOfDeleted(session.db, key, mid));
  await core.whileOpen(() =>
    settleDeletion(session.db, id, { unacked: waiting.filter((key) => !found.has(key)) }),
  );
  return session.db.get('deletions', id);
}

/** One conversation's pending deletion; false when the connection failed. */
async function flushOne(
  core: StoreCore,
  session: Session,
  kept: PendingDeletion,
): Promise<boolean> {
  let record: PendingDeletion | undefined;
  try {
    record = await unackedOfEarlierPage(core, session, kept);
  } catch {
    return false;
  }
  if (!record) return true;
  const { conversationId: id, chatType } = record;
  const moderate = session.connection.moderate.bind(session.connection);
  const steps: [Parameters<typeof settleDeletion>[2], () => Promise<unknown>][] = [];
  for (let i = 0; i < record.mids.length; i += Limits.deleteMessagesMax) {
    const mids = record.mids.slice(i, i + Limits.deleteMessagesMax);
    steps.push([
      { mids },
      () => moderate('removeHistoryMessages', { targetId: id, chatType, messageIds: mids }),
    ]);
  }
  if (record.conversation)
    steps.push([
      { conversation: true },
      () =>
        moderate('deleteConversation', {
          channel: id,
          chatType,
          deleteRoam: record!.conversation!.withMessages,
        }),
    ]);
  for (const [done, request] of steps) {
    try {
      await request();
    } catch (reason) {
      const error = actionError(reason, 'group', {
        forbidden: Messages.notGroupMember,
        notFound: Messages.noSuchMessage,
      });
      // Not the server's answer: asked again the next time the connection is back.
      if (!error.error) return false;
      // Gone already (by another of my devices, or the conversation never reached it) is done.
      if (error.error !== RestErrors.notFound) core.errors.next(error);
    }
    await core.whileOpen(() => settleDeletion(session.db, id, done));
  }
  return true;
}

/**
 * The ack of own message `id` (`Sending.acked`), which is no longer here: when a deletion waits for
 * it, the server deletes it for me too.
 */
export async function acked(core: StoreCore, session: Session, id: string, mid: string) {
  if (await core.whileOpen(() => ackOfDeleted(session.db, id, mid)))
    await flushDeletions(core, session);
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
  which.seq = num(event.seq);
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
  // What it kept for the server, if the connection is there now (else when it is back).
  if (which.queue && core.status.value === 'online')
    void flushDeletions(core, session).catch(() => undefined);
}
