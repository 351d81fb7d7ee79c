/**
 * Receiving: the connection's events of the current session, in order. Received messages (mine
 * from other devices too) are stored in batches, one transaction for a burst of replayed messages;
 * `cmd` messages go to `commands$` instead; receipts go to `reading.ts`, social events to the
 * contacts, groups and rooms modules, and a lost session to the lifecycle.
 */
import { EMPTY, type Observable, Subject, catchError, defer } from 'rxjs';
import type { ChatRooms } from './chat-rooms.js';
import type { ConnectionEvent } from './connection-events.js';
import type { Contacts } from './contacts.js';
import { countsAsUnread } from './conversations.js';
import { saveLimits } from './database.js';
import { Codes, Messages, chatError, endsSession, toChatError } from './errors.js';
import type { Groups } from './groups.js';
import { fromReceived, isCommand } from './messages.js';
import { type IncomingItem, applyEdit, storeIncomingBatch } from './messages-repo.js';
import type { Names } from './names.js';
import type { Reactions } from './reactions.js';
import type { Reading } from './reading.js';
import type { Sending } from './sending.js';
import type { Session, SessionEvent } from './session.js';
import type { SessionLifecycle } from './session-lifecycle.js';
import { type StoreCore, deletions } from './store-core.js';
import { writeInBatches } from './stream-batching.js';
import type { ChatCommand, ChatMessage } from './types.js';

/** The modules that keep the social lists. */
export interface SocialModules {
  contacts: Contacts;
  groups: Groups;
  rooms: ChatRooms;
}

export class Receiving {
  private readonly commandSubject = new Subject<ChatCommand>();
  readonly commands$: Observable<ChatCommand> = this.commandSubject.asObservable();
  private readonly incomingSubject = new Subject<ChatMessage>();
  /** New messages from others, once each, after they are stored. */
  readonly incoming$: Observable<ChatMessage> = this.incomingSubject.asObservable();

  constructor(
    private readonly core: StoreCore,
    private readonly parts: {
      names: Names;
      reading: Reading;
      reactions: Reactions;
      sending: Sending;
      lifecycle: SessionLifecycle;
      social: SocialModules;
    },
    events: Observable<SessionEvent>,
  ) {
    core.subscriptions.add(
      events
        .pipe(
          // Received messages of one session are written in batches (one transaction for a burst of
          // replayed messages); everything else is handled alone, in order with them.
          writeInBatches(
            ({ session, event }) => (event.type === 'message' ? session : undefined),
            (batch) =>
              defer(() => this.handleBatch(batch)).pipe(
                catchError((error: unknown) => {
                  // A closed database means the session is over. Anything else (a full disk) is
                  // worth saying; the stored cursor did not move, so the next load fetches it again.
                  if (!(error instanceof DOMException && error.name === 'InvalidStateError'))
                    core.errors.next(
                      chatError(Codes.localDbOperationFailed, Messages.storageFailed),
                    );
                  return EMPTY;
                }),
              ),
          ),
        )
        .subscribe(),
    );
  }

  /** Deletions made offline or before an ack (`deletions.ts`), when any wait in IndexedDB. */
  private async flushDeletions(session: Session): Promise<void> {
    try {
      if (await session.db.count('deletions'))
        await (await deletions()).flushDeletions(this.core, session);
    } catch {
      // A closed database: the session is over. Asked again at the next open.
    }
  }

  /** After every open: contacts, requests, blocklist, groups and rooms from the server. */
  private async refreshSocial(session: Session): Promise<void> {
    await Promise.allSettled([
      this.parts.social.contacts.refresh(session),
      this.parts.social.groups.refresh(session),
      this.parts.social.rooms.refresh(session),
    ]);
  }

  /** Handles a batch from {@link writeInBatches}: received messages together, anything else alone. */
  private async handleBatch(batch: { session: Session; event: ConnectionEvent }[]): Promise<void> {
    const first = batch[0];
    if (!first) return;
    if (first.event.type !== 'message') return this.handle(first.session, first.event);
    const messages: Extract<ConnectionEvent, { type: 'message' }>[] = [];
    for (const { event } of batch) if (event.type === 'message') messages.push(event);
    return this.receive(first.session, messages);
  }

  private async handle(session: Session, event: ConnectionEvent): Promise<void> {
    switch (event.type) {
      case 'message':
        return this.receive(session, [event]);
      case 'receipt':
        return this.parts.reading.receipt(session, event.kind, event.event);
      case 'edit': {
        const incoming = fromReceived(event.message, session.username, 'txt');
        if (!incoming || isCommand(incoming)) return;
        const edited = await applyEdit(session.db, incoming);
        if (edited) this.core.changed(edited.conversationId);
        return;
      }
      case 'reaction':
        return this.parts.reactions.live(session, event.change);
      case 'opened': {
        // Not awaited: a slow REST answer must not hold the replay that follows. The server's
        // counts are asked once the deletions kept here are done there: before, they would still
        // count messages that left this device long ago (a reload after deleting offline).
        void this.flushDeletions(session).then(() => this.parts.reading.reconcile(session));
        void this.refreshSocial(session);
        const limits = session.connection.appLimits;
        if (limits && JSON.stringify(limits) !== JSON.stringify(this.core.limits.value)) {
          this.core.limits.next(limits);
          await saveLimits(session.db, limits);
        }
        return;
      }
      case 'online':
        // Back online with the socket still open: no `opened` follows.
        if (event.opened) void this.flushDeletions(session);
        return;
      case 'social': {
        if (event.source === 'group') await this.parts.social.groups.handle(session, event.payload);
        else if (event.source === 'room')
          await this.parts.social.rooms.handle(session, event.payload);
        // Delete for me, on one of my devices (issue 14): a chunk, loaded when the first comes.
        else if ((event.payload as { kind?: unknown } | null)?.kind === 'roaming')
          await (await deletions()).deleted(this.core, session, event.payload);
        else await this.parts.social.contacts.handle(session, event.source, event.payload);
        // Contact and group events come from the inbox: past them, a reload need not replay them.
        const seq = (event.payload as { seq?: unknown } | null)?.seq;
        if (typeof seq === 'number' && Number.isFinite(seq) && seq > 0)
          await storeIncomingBatch(session.db, [], { cursor: seq });
        return;
      }
      case 'ack':
        return this.parts.sending.acked(
          session,
          event.id,
          event.time ? { mid: event.mid, time: event.time } : { mid: event.mid },
        );
      case 'token-expired':
        return this.parts.lifecycle.sessionLost(
          session,
          chatError(Codes.tokenExpired, Messages.sessionExpired),
        );
      case 'error': {
        const error = toChatError(event.error);
        // A password changed here kicks this session too; the lifecycle signs it in again.
        if (error.type === Codes.kickedByPasswordChange && session.changingPassword) return;
        if (endsSession(error.type)) return this.parts.lifecycle.sessionLost(session, error);
        if (error.type === Codes.disconnected) {
          this.core.errors.next(error);
          void this.parts.lifecycle.reopen(session);
        }
        return;
      }
      default:
        return;
    }
  }

  /**
   * Stores received messages (mine from other devices too) in one transaction and updates their
   * conversations; `cmd` messages go to `commands$` instead (their seq still moves the cursor).
   */
  private async receive(
    session: Session,
    events: readonly Extract<ConnectionEvent, { type: 'message' }>[],
  ): Promise<void> {
    const items: IncomingItem[] = [];
    const commands: ChatCommand[] = [];
    let cursor: number | undefined;
    const visible = this.core.visibility.isVisible();
    for (const { message: raw, kind } of events) {
      const parsed = fromReceived(raw, session.username, kind);
      if (!parsed) continue;
      if (isCommand(parsed)) {
        commands.push(parsed);
        const seq = Number(raw.seq);
        if (Number.isFinite(seq) && seq > (cursor ?? 0)) cursor = seq;
        continue;
      }
      const unread = countsAsUnread(parsed, session.username, this.core.active.value, visible);
      items.push({ message: parsed, unread });
    }
    if (items.length > 0 || cursor !== undefined) {
      // One message this browser cannot store (issue 11: an `ext` too deep to clone) is skipped
      // and said; the rest of the batch, other senders' messages too, is stored.
      const skipped = ({ from }: ChatMessage) =>
        this.core.errors.next(
          chatError(Codes.localDbOperationFailed, Messages.messageNotStored, {}, { from }),
        );
      let deleted = false;
      const results = await storeIncomingBatch(session.db, items, {
        ...(cursor !== undefined && { cursor }),
        skipped,
        deleted: () => (deleted = true),
      });
      if (deleted) void this.flushDeletions(session);
      const touched = new Set(results.map((result) => result.message.conversationId));
      for (const id of touched) this.core.changed(id);
      for (const result of results)
        if (result.isNew && result.message.from !== session.username && !result.message.recalled)
          this.incomingSubject.next(result.message);
      for (const result of results)
        if (result.conversationCreated)
          void this.parts.names.resolveName(session, result.message.conversationId);
      // A peer's message arriving in the conversation on screen is seen: acknowledge it.
      const active = this.core.active.value;
      if (
        active &&
        visible &&
        results.some(
          (r) =>
            r.isNew && r.message.conversationId === active && r.message.from !== session.username,
        )
      )
        void this.parts.reading.markRead(active).catch(() => undefined);
    }
    for (const command of commands) this.commandSubject.next(command);
  }
}
