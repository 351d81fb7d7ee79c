/**
 * The chat store: one per app key, shared by every element on the page. It holds at most one
 * signed-in user, whose IndexedDB database it opens after login (or on resume), and it turns the
 * SDK connection's callbacks into the observables of {@link ChatStoreApi}.
 *
 * This file composes the parts, each in its own file, over one shared {@link StoreCore}:
 * - `session-lifecycle.ts`: register, sign in, resume the saved session, reopen, sign out.
 * - `sending.ts`: own messages through the outbox (`outbox.ts`, `outbox-repo.ts`), recall, retry.
 * - `message-actions.ts` (a chunk loaded on first use): edit, react; `reactions.ts` keeps the
 *   reactions of stored messages. `deletions.ts` (a chunk too): delete for me.
 * - `receiving.ts`: the connection's events, received messages stored in batches.
 * - `message-windows.ts`: `messages$` of a conversation and `loadOlder`.
 * - `reading.ts`: read state, read receipts sent and received, the server's unread counts.
 * - `files.ts`: uploads and their progress, fetched files.
 * - `names.ts`: conversation names and the user's nickname.
 * - `opening.ts`: opening a conversation (started, filled, read).
 * - `social-store.ts`, the class this one extends: contacts, groups and rooms (`contacts.ts`,
 *   `groups.ts`, `chat-rooms.ts` through `social.ts`), stored and live through `stored-lists.ts`,
 *   and what I do to them (chunks loaded on first use).
 * - `status.ts`: the connection status.
 *
 * How data flows:
 * - Writes: every change (a received message, a send, an ack, a read) is one IndexedDB transaction
 *   (`database.ts` and its repositories), followed by a "changed" signal.
 * - Reads: `conversations$` and `messages$(id)` are live queries (`live-query.ts`): they re-read the
 *   database when a signal for them fires, so the UI shows exactly what is stored.
 * - Resume: the last session (user + token) is kept in a small per-app-key database; a new store
 *   renders the user's stored conversations at once and connects with the token in the background.
 */
import {
  EMPTY,
  type Observable,
  combineLatest,
  distinctUntilChanged,
  filter,
  from,
  map,
  merge,
  of,
  share,
  shareReplay,
  switchMap,
} from 'rxjs';
import type { AppLimits, ChatType, Ext, UserMetadata } from '../protocol/index.js';
import { connectionEvents } from './connection-events.js';
import { sortConversations, totalUnread } from './conversations.js';
import { readConversations } from './conversations-repo.js';
import { toChatError } from './errors.js';
import { Files } from './files.js';
import { liveQuery } from './live-query.js';
import type { MessageActions } from './message-actions.js';
import { MessageWindows } from './message-windows.js';
import { Names } from './names.js';
import { type OpeningParts, fillWhenBack, openConversation } from './opening.js';
import { Reactions } from './reactions.js';
import { Reading } from './reading.js';
import { Receiving } from './receiving.js';
import { Sending } from './sending.js';
import { type SessionEvent, closeSession } from './session.js';
import { createSharedConnection } from './tab-sharing/shared-connection.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { deriveStatus, isStatusEvent } from './status.js';
import { SocialStore } from './social-store.js';
import { nicknames$ } from './stored-lists.js';
import { type ConnectionFactory, StoreCore, deletions, quietly } from './store-core.js';
import type {
  ChatCommand,
  ChangePasswordInput,
  ChatError,
  ChatMessage,
  ChatStoreApi,
  ConnectionStatus,
  Conversation,
  CurrentUser,
  CustomContent,
  SendOptions,
  GuestInput,
  HistoryState,
  Location,
  LoginInput,
  Reactors,
  RegisterInput,
  SendFileOptions,
  TokenLoginInput,
  UploadProgress,
  UserDetails,
  VisitorInfo,
} from './types.js';
import type { Visitors } from './visitors.js';
import { type Visibility, documentVisibility } from './visibility.js';

export type { ConnectionFactory } from './store-core.js';
export { isTransientLoginFailure, resumeBackoff } from './session-lifecycle.js';

export interface ChatStoreOptions {
  appKey: string;
  /** The server's REST base; the SDK falls back to `defaults.apiUrl`, then `location.origin`. */
  apiUrl?: string;
  /**
   * Makes the store's connections (default: the SDK's, one socket shared by the tabs of a user,
   * {@link createSharedConnection}).
   */
  createConnection?: ConnectionFactory;
  /**
   * Prefix of the IndexedDB database names (default `openwebim`). Two stores with different prefixes
   * keep separate data, like two browsers: tests use it to run two users on one page.
   */
  databasePrefix?: string;
  /** Whether the person can see the page (default: `document.visibilityState`). */
  visibility?: Visibility;
  /** Resume the saved session on creation (default `true`). */
  resume?: boolean;
}

export class ChatStore extends SocialStore implements ChatStoreApi {
  readonly appKey: string;
  readonly apiUrl: string | undefined;
  readonly status$: Observable<ConnectionStatus>;
  readonly user$: Observable<CurrentUser | null>;
  readonly conversations$: Observable<Conversation[]>;
  readonly totalUnread$: Observable<number>;
  readonly activeConversation$: Observable<string | null>;
  readonly error$: Observable<ChatError>;
  readonly ready: Promise<void>;
  readonly commands$: Observable<ChatCommand>;
  readonly incoming$: Observable<ChatMessage>;
  readonly limits$: Observable<AppLimits>;

  private readonly names: Names;
  private readonly files: Files;
  private readonly windows: MessageWindows;
  private readonly reading: Reading;
  private readonly lifecycle: SessionLifecycle;
  private readonly sending: Sending;
  private readonly opening: OpeningParts;
  /** Edit and react, loaded when first used (the signed-in page's budget is full). */
  private readonly actions: () => Promise<MessageActions>;
  private readonly reactions: Reactions;
  private readonly receiving: Receiving;
  private readonly nicknames: Observable<Map<string, string>>;
  /** A site's visitors and their team (visitors.ts), a chunk loaded when first used. */
  private visitorsLoad?: Promise<Visitors>;

  constructor(options: ChatStoreOptions) {
    super(
      new StoreCore(
        options.appKey,
        options.apiUrl,
        options.createConnection ?? createSharedConnection,
        options.databasePrefix ?? 'openwebim',
        options.visibility ?? documentVisibility,
      ),
    );
    this.appKey = options.appKey;
    this.apiUrl = options.apiUrl;
    const core = this.core;

    const events: Observable<SessionEvent> = core.session.pipe(
      switchMap((session) =>
        session
          ? connectionEvents(session.connection).pipe(map((event) => ({ session, event })))
          : EMPTY,
      ),
      share(),
    );

    core.subscriptions.add(
      merge(
        core.statusEvents,
        events.pipe(
          map(({ event }) => event),
          filter(isStatusEvent),
        ),
      )
        .pipe(deriveStatus())
        .subscribe(core.status),
    );

    this.names = new Names(core);
    this.files = new Files(core);
    this.windows = new MessageWindows(core);
    this.reading = new Reading(core, this.names, this.files);
    this.lifecycle = new SessionLifecycle(core, this.windows, this.files, this.names);
    this.sending = new Sending(core, this.files, this.names, this.rooms);
    this.reactions = new Reactions(core);
    let actions: Promise<MessageActions> | undefined;
    this.actions = () =>
      (actions ??= import('./message-actions.js').then(
        (m) => new m.MessageActions(core, this.reactions),
      ));
    this.receiving = new Receiving(
      core,
      {
        names: this.names,
        reading: this.reading,
        reactions: this.reactions,
        sending: this.sending,
        lifecycle: this.lifecycle,
        social: { contacts: this.contacts, groups: this.groups, rooms: this.rooms },
      },
      events,
    );
    this.sending.flushOnEveryOpen(events);
    const { names, groups, windows, reading } = this;
    fillWhenBack(core, (this.opening = { names, groups, windows, reading }));
    core.subscriptions.add(
      core.visibility.changes$.pipe(filter(Boolean)).subscribe(() => {
        const active = core.active.value;
        if (active && core.shown.value) void this.reading.markRead(active).catch(() => undefined);
      }),
    );

    this.status$ = core.status.pipe(distinctUntilChanged());
    this.user$ = core.user.pipe(distinctUntilChanged());
    this.activeConversation$ = core.active.pipe(distinctUntilChanged());
    this.error$ = core.errors.asObservable();
    this.commands$ = this.receiving.commands$;
    this.incoming$ = this.receiving.incoming$;
    this.limits$ = core.limits.asObservable();
    this.conversations$ = core.shown.pipe(
      switchMap((session) =>
        session
          ? liveQuery(core.changes.pipe(filter((change) => change.list === undefined)), () =>
              quietly(() => readConversations(session.db)),
            ).pipe(map(sortConversations))
          : of([]),
      ),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    this.totalUnread$ = this.conversations$.pipe(
      totalUnread(),
      shareReplay({ bufferSize: 1, refCount: true }),
    );

    this.nicknames = nicknames$(core);

    if (options.resume === false) {
      this.ready = Promise.resolve();
    } else {
      // `connecting` until the saved session is read, so elements do not flash the login form.
      core.statusEvents.next({ type: 'login' });
      this.ready = this.lifecycle
        .serialize(() => this.lifecycle.resume())
        .catch(() => {
          core.statusEvents.next({ type: 'signed-out' });
        });
    }
  }

  /**
   * Messages of one conversation, oldest first: the most recent `RECENT_MESSAGES`, or from
   * the oldest one {@link loadOlder} brought in.
   */
  messages$(conversationId: string): Observable<ChatMessage[]> {
    // Its reactions may have changed while this device was away: they are read again.
    return this.reactions.viewing(conversationId, this.windows.messages$(conversationId));
  }

  displayName$(username: string): Observable<string> {
    return combineLatest([this.core.user, this.nicknames]).pipe(
      map(([user, names]) =>
        user?.username === username && user.nickname
          ? user.nickname
          : (names.get(username) ?? username),
      ),
      distinctUntilChanged(),
    );
  }

  visitor$(username: string): Observable<VisitorInfo> {
    return from(this.visitors()).pipe(switchMap((visitors) => visitors.visitor$(username)));
  }

  history$(conversationId: string): Observable<HistoryState> {
    return this.windows.history$(conversationId);
  }

  uploadProgress$(messageId: string): Observable<UploadProgress | null> {
    return this.files.uploadProgress$(messageId);
  }

  // -------------------------------------------------------------------------------------------
  // Actions
  // -------------------------------------------------------------------------------------------

  register(input: RegisterInput): Promise<void> {
    return this.lifecycle.register(input);
  }

  login(input: LoginInput): Promise<void> {
    return this.lifecycle.login(input);
  }

  loginWithToken(input: TokenLoginInput): Promise<void> {
    return this.lifecycle.loginWithToken(input);
  }

  logout(options: { wipe?: boolean } = {}): Promise<void> {
    return this.lifecycle.logout(options);
  }

  changePassword(input: ChangePasswordInput): Promise<void> {
    return this.lifecycle.changePassword(input);
  }

  send(conversationId: string, text: string, options: SendOptions = {}): Promise<ChatMessage> {
    return this.sending.send(conversationId, text, options);
  }

  edit(messageId: string, text: string): Promise<void> {
    return this.actions().then((a) => a.edit(messageId, text));
  }

  react(messageId: string, reaction: string, add = true): Promise<void> {
    return this.actions().then((a) => a.react(messageId, reaction, add));
  }

  reactors(messageId: string, reaction: string, cursor?: string): Promise<Reactors> {
    return this.actions().then((a) => a.reactors(messageId, reaction, cursor));
  }

  deleteMessages(messageIds: string[]): Promise<void> {
    return deletions().then((d) => d.deleteMessages(this.core, messageIds));
  }

  deleteConversation(conversationId: string, withMessages = true): Promise<void> {
    return deletions().then((d) => d.deleteConversation(this.core, conversationId, withMessages));
  }

  async loginAsGuest(input: GuestInput = {}): Promise<void> {
    const visitors = await this.visitors();
    return this.lifecycle.loginAsGuest((signIn) => visitors.signIn(input, signIn));
  }

  async hasGuest(): Promise<boolean> {
    return (await this.visitors()).hasGuest();
  }

  async userInfo(usernames: string[]): Promise<Record<string, UserDetails>> {
    return (await this.visitors()).userInfo(usernames);
  }

  async updateOwnInfo(info: UserMetadata): Promise<void> {
    return (await this.visitors()).updateOwnInfo(info);
  }

  /** The visitors' chunk, loaded once; a failed load (the network) is tried again next time. */
  private visitors(): Promise<Visitors> {
    return (this.visitorsLoad ??= import('./visitors.js').then(
      ({ Visitors }) => new Visitors(this.core),
      (error: unknown) => {
        this.visitorsLoad = undefined;
        throw toChatError(error);
      },
    ));
  }

  sendFile(
    conversationId: string,
    file: File,
    options: SendFileOptions = {},
  ): Promise<ChatMessage> {
    return this.sending.sendFile(conversationId, file, options);
  }

  sendLocation(conversationId: string, location: Location): Promise<ChatMessage> {
    return this.sending.sendLocation(conversationId, location);
  }

  sendCustom(conversationId: string, custom: CustomContent, ext?: Ext): Promise<ChatMessage> {
    return this.sending.sendCustom(conversationId, custom, ext);
  }

  sendCommand(
    conversationId: string,
    action: string,
    ext?: Ext,
    options?: { deliverOnlineOnly?: boolean },
  ): Promise<void> {
    return this.sending.sendCommand(conversationId, action, ext, options);
  }

  cancelUpload(messageId: string): Promise<boolean> {
    return this.sending.cancelUpload(messageId);
  }

  recall(messageId: string): Promise<void> {
    return this.sending.recall(messageId);
  }

  retry(messageId: string): Promise<void> {
    return this.sending.retry(messageId);
  }

  loadOlder(conversationId: string): Promise<{ added: number; exhausted: boolean }> {
    return this.windows.loadOlder(conversationId);
  }

  fetchFile(message: ChatMessage, options: { thumbnail?: boolean } = {}): Promise<string> {
    return this.files.fetchFile(message, options);
  }

  openConversation(conversationId: string | null, chatType: ChatType = 'singleChat') {
    return openConversation(this.core, this.opening, conversationId, chatType);
  }

  markRead(conversationId: string): Promise<void> {
    return this.reading.markRead(conversationId);
  }

  markSeen(conversationId: string, messageId: string): Promise<void> {
    return this.reading.markSeen(conversationId, messageId);
  }

  /**
   * Stops everything this store does (as a page unload would) without signing out: the saved
   * session stays, so a new store for the app key resumes it. Also removes it from the registry.
   */
  async dispose(): Promise<void> {
    const core = this.core;
    if (core.disposed) return;
    core.disposed = true;
    if (registry.get(this.appKey) === this) registry.delete(this.appKey);
    // Ending the session first also aborts an open that is still retrying, so the queue drains.
    const session = core.session.value;
    core.session.next(null);
    core.shown.next(null);
    if (session) closeSession(session);
    core.subscriptions.unsubscribe();
    await this.lifecycle.settled();
    await core.closeSessionDb();
  }
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const registry = new Map<string, ChatStore>();

/**
 * The page's store for an app key, created on first use. Every element configured with the same
 * app key gets the same store (and so the same signed-in user). `apiUrl` counts only on creation.
 */
export function getChatStore(appKey: string, apiUrl?: string): ChatStore {
  let store = registry.get(appKey);
  if (!store) {
    store = new ChatStore(apiUrl ? { appKey, apiUrl } : { appKey });
    registry.set(appKey, store);
  }
  return store;
}
