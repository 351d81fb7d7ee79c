/**
 * The chat store: one per app key, shared by every element on the page. It holds at most one
 * signed-in user, whose IndexedDB database it opens after login (or on resume), and it turns the
 * SDK connection's callbacks into the observables of {@link ChatStoreApi}.
 *
 * How data flows:
 * - Writes: every change (a received message, a send, an ack, a read) is one IndexedDB transaction
 *   (`database.ts`), followed by a "changed" signal.
 * - Reads: `conversations$` and `messages$(id)` are live queries (`live-query.ts`): they re-read the
 *   database when a signal for them fires, so the UI shows exactly what is stored.
 * - Sending: the message is stored `pending` with an outbox entry first, then sent; the ack makes it
 *   `sent`, a refusal `failed`, a lost connection leaves it in the outbox, which is flushed, in order,
 *   every time the connection opens (`outbox.ts`). The server deduplicates by client id.
 * - Resume: the last session (user + token) is kept in a small per-app-key database; a new store
 *   renders the user's stored conversations at once and connects with the token in the background.
 */
import {
  BehaviorSubject,
  EMPTY,
  Observable,
  Subject,
  Subscription,
  catchError,
  combineLatest,
  defer,
  distinctUntilChanged,
  filter,
  firstValueFrom,
  map,
  merge,
  of,
  retry,
  shareReplay,
  share,
  switchMap,
  takeUntil,
  throwError,
  throwIfEmpty,
  timer,
} from 'rxjs';
import {
  type AppLimits,
  type ChatType,
  DefaultAppLimits,
  type Ext,
  Limits,
} from '../protocol/index.js';
import { ChatRooms } from './chat-rooms.js';
import {
  type ConnectionEvent,
  type OpenResult,
  type OutgoingMessage,
  type ReceiptEvent,
  type SendResult,
  type ServerConversationInfo,
  type StoreConnection,
  type UploadTask,
  type UploadedFile,
  connectionEvents,
} from './connection-events.js';
import { Contacts } from './contacts.js';
import {
  conversationIdOf,
  countsAsUnread,
  sortConversations,
  totalUnread,
} from './conversations.js';
import {
  type DistributiveOmit,
  type IncomingItem,
  type ListKey,
  type ListOf,
  RECENT_MESSAGES,
  type SavedSession,
  type ServerConversationState,
  type SessionDatabase,
  type UserDatabase,
  applyReceipt,
  applyRecall,
  clearSession,
  compareMessages,
  deleteUserDb,
  ensureConversation,
  markFailed,
  markSeenUpTo,
  markSent,
  markUploaded,
  openSessionDb,
  openUserDb,
  readConversation,
  readConversations,
  readHistory,
  readMessage,
  readMessages,
  readList,
  readMeta,
  readNicknames,
  readOldestOnServer,
  readOlder,
  readOutbox,
  readOutboxEntry,
  readBetween,
  readSession,
  reconcileConversations,
  removeUnsent,
  renameConversation,
  requeue,
  saveLimits,
  saveProfile,
  saveSession,
  sessionDbName,
  storeIncomingBatch,
  storeOutgoing,
  updateList,
  upsertConversations,
  userDbName,
} from './database.js';
import {
  Codes,
  Messages,
  chatError,
  endsSession,
  isTransientSendFailure,
  toChatError,
} from './errors.js';
import { Groups } from './groups.js';
import { liveQuery } from './live-query.js';
import { createSdkConnection } from './sdk-connection.js';
import {
  attachmentKindOf,
  checkAction,
  checkCustom,
  checkDraft,
  checkFile,
  checkLocation,
  fromReceived,
  isCommand,
  normalizeUsername,
} from './messages.js';
import { type OutboxBody, type OutboxEntry, type OutboxFile, flushOnOpen } from './outbox.js';
import type { SocialHost } from './social.js';
import { type StatusEvent, deriveStatus } from './status.js';
import { latestPerKey, sampleProgress, writeInBatches } from './stream-batching.js';
import type {
  Attachment,
  ChatCommand,
  ChatError,
  ChatMessage,
  ChatNotice,
  ChatRoom,
  ChatStoreApi,
  Contact,
  ContactRequest,
  ConnectionStatus,
  Conversation,
  CurrentUser,
  CreateGroupInput,
  CustomContent,
  Group,
  GroupInvitation,
  GroupMember,
  HistoryState,
  JoinRequest,
  Location,
  LoginInput,
  PublicGroup,
  RegisterInput,
  SendFileOptions,
  TokenLoginInput,
  UploadProgress,
} from './types.js';
import { type Visibility, documentVisibility } from './visibility.js';

/** How a store makes its connection (the default is the SDK's, see `sdk-connection.ts`). */
export type ConnectionFactory = (config: { appKey: string; apiUrl?: string }) => StoreConnection;

export interface ChatStoreOptions {
  appKey: string;
  /** The server's REST base; the SDK falls back to `defaults.apiUrl`, then `location.origin`. */
  apiUrl?: string;
  /** Makes the store's connections (default: the SDK's, {@link createSdkConnection}). */
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

/** A signed-in (or signing-in) user: their database and their connection. */
interface Session {
  username: string;
  dbName: string;
  db: UserDatabase;
  connection: StoreConnection;
  /** The token the connection was opened with, once it was accepted. */
  token?: string;
  /**
   * Tabs of the same user share the database; this channel (named after it) tells the others'
   * live queries to re-read after a write here.
   */
  tabs?: BroadcastChannel;
  /** Completes when the session ends (sign-out, expiry, dispose). */
  ended: Subject<void>;
  /** Set while {@link ChatStore.reopen} runs: every exhausted SDK round reports 16 again. */
  reopening?: boolean;
  /** Uploads in flight, by message id (for cancel). */
  uploads: Map<string, UploadTask>;
  /** Outbox entries being sent right now (a second flush must not upload them again). */
  sending: Set<string>;
  /** Outbox entries the server refused for its rate limit (509), by id: how often so far. */
  rateLimited: Map<string, number>;
  /** Object URLs of fetched files, by message id (`#thumb` for previews); revoked when it ends. */
  objectUrls: Map<string, Promise<string>>;
  /**
   * When each conversation's unread count last changed here other than by a new message (a read,
   * a recall), as a tick of {@link ChatStore.tick}: a server count asked for before that is stale.
   */
  unreadTouched: Map<string, number>;
}

/** A read receipt waiting to be sent (coalesced per conversation). */
interface ReadAck {
  session: Session;
  to: string;
  mid: string;
  chatType: ChatType;
  /** Also send a conversation-level `channel` ack: the receipt covers the newest message. */
  channel: boolean;
}

/** Messages per `loadOlder` page from the server, and the least a page tries to bring. */
const HISTORY_PAGE = 50;
/** Messages per `loadOlder` page from IndexedDB, where a page costs a read and no round trip. */
const STORED_PAGE = 200;
/** Read receipts for one conversation go out at most this often. */
const READ_ACK_MS = 250;
/** How many notices are remembered as said (more than a replay brings at once). */
const NOTICED = 500;
/** Upload progress is emitted at most this often. */
const PROGRESS_MS = 100;

const sameHistoryState = (a: HistoryState, b: HistoryState) =>
  a.loading === b.loading && a.exhausted === b.exhausted;

/** What `messages$` of one conversation shows, and how `loadOlder` widens it. */
interface MessageWindow {
  /** The time `messages$` starts at (`null`: the most recent {@link RECENT_MESSAGES}). */
  since: number | null;
  /** Pages `loadOlder` read, for the shown list to take in without reading the window again. */
  pages: Subject<OlderPage>;
  /** Change signals for the conversation so far: a page read before a later one may be stale. */
  version: number;
}

interface OlderPage {
  /** Oldest first, all older than (or as old as) what shows. */
  messages: ChatMessage[];
  /** {@link MessageWindow.version} when the page was read. */
  version: number;
}

/**
 * A "changed" signal: the conversation list, and the messages of one conversation when given; or
 * (`list`) one stored list of contacts, groups or rooms, and nothing else.
 */
interface Change {
  conversationId?: string;
  list?: string;
}

/** A session between `prepare` and `authenticate`. */
/** How often a message the server rate-limited (509) is tried again before it is `failed`. */
const RATE_LIMIT_RETRIES = 5;

interface PreparedSession extends Session {
  /** The database did not exist before this sign-in. */
  created: boolean;
  /** What the database knew of the user. */
  profile: CurrentUser;
}

type Credentials = { user: string; pwd: string } | { user: string; accessToken: string };

const DAY_MS = 24 * 3600 * 1000;

/**
 * When the token of a successful open expires: the SDK's `expireTimestamp`, else the REST
 * `expires_in` (seconds), else the saved session's expiry, else a day (the server ends the session
 * earlier if the token dies earlier, and the store then signs out).
 */
function tokenExpiry(result: OpenResult, saved?: SavedSession): number {
  if (typeof result.expireTimestamp === 'number' && result.expireTimestamp > 0)
    return result.expireTimestamp;
  const seconds = result.expires_in;
  if (typeof seconds === 'number' && seconds > 0) return Date.now() + seconds * 1000;
  return saved?.expiresAt ?? Date.now() + DAY_MS;
}

/** Delay before the n-th (1-based) reconnect attempt of a resumed session: 1 s doubling to 15 s, ±25 %. */
export function resumeBackoff(attempt: number, random = Math.random): number {
  const base = Math.min(1000 * 2 ** (attempt - 1), 15_000);
  return Math.round(base * (0.75 + random() * 0.5));
}

/** Login failures worth retrying with the same credentials: the server could not be reached or failed. */
export function isTransientLoginFailure(error: ChatError): boolean {
  if (error.type === Codes.ajaxError)
    return !error.error || error.error === 'internal_server_error';
  return isTransientSendFailure(error.type) || error.type === Codes.serverBusy;
}

export class ChatStore implements ChatStoreApi {
  readonly appKey: string;
  readonly apiUrl: string | undefined;
  readonly status$: Observable<ConnectionStatus>;
  readonly user$: Observable<CurrentUser | null>;
  readonly conversations$: Observable<Conversation[]>;
  readonly totalUnread$: Observable<number>;
  readonly activeConversation$: Observable<string | null>;
  readonly error$: Observable<ChatError>;
  readonly ready: Promise<void>;

  private readonly createConnection: ConnectionFactory;
  private readonly prefix: string;
  private readonly visibility: Visibility;
  /** The session whose connection the store listens to (set before `open`, for the replay). */
  private readonly session = new BehaviorSubject<Session | null>(null);
  /** The session whose data is shown: set only once the user is known to be who they say. */
  private readonly shown = new BehaviorSubject<Session | null>(null);
  private readonly statusEvents = new Subject<StatusEvent>();
  private readonly status = new BehaviorSubject<ConnectionStatus>('signed-out');
  private readonly user = new BehaviorSubject<CurrentUser | null>(null);
  private readonly active = new BehaviorSubject<string | null>(null);
  private readonly limits = new BehaviorSubject<AppLimits>(DefaultAppLimits);
  private readonly errors = new Subject<ChatError>();
  private readonly changes = new Subject<Change>();
  private readonly messageQueries = new Map<string, Observable<ChatMessage[]>>();
  private readonly windows = new Map<string, MessageWindow>();
  private readonly histories = new Map<string, BehaviorSubject<HistoryState>>();
  private readonly commandSubject = new Subject<ChatCommand>();
  /** Latest progress of uploads in flight, by message id. */
  private readonly progress = new Map<string, UploadProgress>();
  private readonly progressChanges = new Subject<string>();
  private readonly readAcks = new Subject<ReadAck>();
  readonly commands$: Observable<ChatCommand>;
  readonly limits$: Observable<AppLimits>;
  readonly contacts$: Observable<Contact[]>;
  readonly contactRequests$: Observable<ContactRequest[]>;
  readonly blocklist$: Observable<string[]>;
  readonly groups$: Observable<Group[]>;
  readonly groupInvitations$: Observable<GroupInvitation[]>;
  readonly joinRequests$: Observable<JoinRequest[]>;
  readonly rooms$: Observable<ChatRoom[]>;
  readonly notices$: Observable<ChatNotice>;
  private readonly noticeSubject = new Subject<ChatNotice>();
  private readonly lists = new Map<string, Observable<unknown[]>>();
  private readonly nicknames: Observable<Map<string, string>>;
  private readonly contacts: Contacts;
  private readonly groups: Groups;
  private readonly rooms: ChatRooms;
  private readonly subscriptions = new Subscription();
  private sessionDb: Promise<SessionDatabase> | undefined;
  /** A counter for {@link Session.unreadTouched}. */
  private tick = 0;
  /** Serializes logins and logouts, so two of them never interleave. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(options: ChatStoreOptions) {
    this.appKey = options.appKey;
    this.apiUrl = options.apiUrl;
    this.createConnection = options.createConnection ?? createSdkConnection;
    this.prefix = options.databasePrefix ?? 'openwebim';
    this.visibility = options.visibility ?? documentVisibility;

    const events = this.session.pipe(
      switchMap((session) =>
        session
          ? connectionEvents(session.connection).pipe(map((event) => ({ session, event })))
          : EMPTY,
      ),
      share(),
    );

    this.subscriptions.add(
      merge(
        this.statusEvents,
        events.pipe(
          map(({ event }) => event),
          filter(isStatusEvent),
        ),
      )
        .pipe(deriveStatus())
        .subscribe(this.status),
    );
    this.subscriptions.add(
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
                    this.errors.next(
                      chatError(Codes.localDbOperationFailed, Messages.storageFailed),
                    );
                  return EMPTY;
                }),
              ),
          ),
        )
        .subscribe(),
    );
    this.subscriptions.add(
      this.changes.subscribe(({ conversationId }) => {
        const window = conversationId === undefined ? undefined : this.windows.get(conversationId);
        if (window) window.version += 1;
      }),
    );
    this.subscriptions.add(
      this.readAcks
        .pipe(latestPerKey((ack) => `${ack.to}\n${ack.chatType}`, READ_ACK_MS))
        .subscribe((ack) => void this.sendReadAck(ack)),
    );
    this.subscriptions.add(
      this.session
        .pipe(
          switchMap((session) =>
            session
              ? flushOnOpen(
                  events.pipe(
                    filter(({ session: s, event }) => s === session && event.type === 'opened'),
                  ),
                  () => readOutbox(session.db),
                ).pipe(map((entry) => ({ session, entry })))
              : EMPTY,
          ),
        )
        .subscribe(({ session, entry }) => void this.transmit(session, entry)),
    );
    this.subscriptions.add(
      this.visibility.changes$.pipe(filter(Boolean)).subscribe(() => {
        const active = this.active.value;
        if (active && this.shown.value) void this.markRead(active).catch(() => undefined);
      }),
    );

    this.status$ = this.status.pipe(distinctUntilChanged());
    this.user$ = this.user.pipe(distinctUntilChanged());
    this.activeConversation$ = this.active.pipe(distinctUntilChanged());
    this.error$ = this.errors.asObservable();
    this.commands$ = this.commandSubject.asObservable();
    this.limits$ = this.limits.asObservable();
    this.conversations$ = this.shown.pipe(
      switchMap((session) =>
        session
          ? liveQuery(this.changes.pipe(filter((change) => change.list === undefined)), () =>
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

    const host: SocialHost = {
      session: () => this.requireSession(),
      current: (session) => this.session.value === session,
      list$: (key) => this.list$(key),
      update: async (session, key, change) => {
        const changed = await this.whileOpen(() => updateList(session.db, key, change));
        if (changed) this.signal({ list: key });
        return changed === true;
      },
      conversations: async (session, entries) => {
        const changed = await this.whileOpen(() => upsertConversations(session.db, entries));
        if (changed) this.changed();
        return changed === true;
      },
      changed: (conversationId) => this.changed(conversationId),
      notice: async (session, notice, key) => {
        // The last keys said are kept (in IndexedDB: a replay may come after a reload).
        if (
          await host.update(session, 'noticed', (keys) =>
            keys.includes(key) ? undefined : [...keys, key].slice(-NOTICED),
          )
        )
          this.noticeSubject.next({ ...notice, time: Date.now() });
      },
    };
    this.contacts = new Contacts(host);
    this.groups = new Groups(host);
    this.rooms = new ChatRooms(host);
    this.contacts$ = this.contacts.contacts$;
    this.contactRequests$ = this.contacts.requests$;
    this.blocklist$ = this.contacts.blocklist$;
    this.groups$ = this.groups.groups$;
    this.groupInvitations$ = this.groups.invitations$;
    this.joinRequests$ = this.groups.joinRequests$;
    this.rooms$ = this.rooms.rooms$;
    this.notices$ = this.noticeSubject.asObservable();
    this.nicknames = this.shown.pipe(
      switchMap((session) =>
        session
          ? liveQuery(
              this.changes.pipe(
                filter(({ list }) => list === 'contacts' || !!list?.startsWith('members:')),
              ),
              () => quietly(() => readNicknames(session.db)),
            )
          : of(new Map<string, string>()),
      ),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    // Presence is live: whenever the connection is not open, nobody is shown online.
    this.subscriptions.add(
      this.status
        .pipe(filter((status) => status !== 'online'))
        .subscribe(() => this.contacts.forgetPresence()),
    );

    if (options.resume === false) {
      this.ready = Promise.resolve();
    } else {
      // `connecting` until the saved session is read, so elements do not flash the login form.
      this.statusEvents.next({ type: 'login' });
      this.ready = this.serialize(() => this.resume()).catch(() => {
        this.statusEvents.next({ type: 'signed-out' });
      });
    }
  }

  /**
   * Messages of one conversation, oldest first: the most recent {@link RECENT_MESSAGES}, or from
   * the oldest one {@link loadOlder} brought in.
   */
  messages$(conversationId: string): Observable<ChatMessage[]> {
    let query = this.messageQueries.get(conversationId);
    if (!query) {
      query = this.shown.pipe(
        switchMap((session) => (session ? this.windowQuery(session, conversationId) : of([]))),
        shareReplay({ bufferSize: 1, refCount: true }),
      );
      this.messageQueries.set(conversationId, query);
    }
    return query;
  }

  /**
   * The live query behind `messages$`. The window is read whole on subscribe and after every change
   * to the conversation (at most one read in flight, as in `live-query.ts`), but a page `loadOlder`
   * read is put in front of what shows: paging through a long conversation then reads each message
   * once, instead of everything loaded so far for every page.
   */
  private windowQuery(session: Session, conversationId: string): Observable<ChatMessage[]> {
    const window = this.windowOf(conversationId);
    const changes = this.changes.pipe(filter((change) => change.conversationId === conversationId));
    return new Observable<ChatMessage[]>((subscriber) => {
      let shown: ChatMessage[] | undefined;
      let reading = false;
      let dirty = false;
      const waiting: OlderPage[] = [];

      const read = (): void => {
        reading = true;
        dirty = false;
        const since = window.since;
        readMessages(session.db, conversationId, since === null ? RECENT_MESSAGES : { since }).then(
          (messages) => {
            shown = messages;
            subscriber.next(messages);
            settle();
          },
          (error: unknown) => {
            reading = false;
            // A closed database: the session is over, and the next one brings a new query.
            if (!(error instanceof DOMException)) subscriber.error(error);
          },
        );
      };
      const settle = (): void => {
        reading = false;
        if (dirty) return read();
        for (let page = waiting.shift(); page; page = waiting.shift()) {
          if (!take(page)) return;
        }
      };
      /** Puts a page in front of what shows; `false` when it had to read the window instead. */
      const take = (page: OlderPage): boolean => {
        if (!shown || page.version !== window.version) {
          // The conversation changed since the page was read: only a whole read is sure.
          waiting.length = 0;
          read();
          return false;
        }
        const newest = page.messages.at(-1);
        if (!newest) return true;
        // Only messages of the page's last millisecond can show already (a read since the page).
        const atEdge = new Set<string>();
        for (const message of shown) {
          if (message.time > newest.time) break;
          atEdge.add(message.id);
        }
        const added = page.messages.filter((message) => !atEdge.has(message.id));
        if (!added.length) return true;
        shown = [...added, ...shown];
        if (atEdge.size) shown.sort(compareMessages);
        subscriber.next(shown);
        return true;
      };

      const changed = changes.subscribe(() => {
        if (reading) dirty = true;
        else read();
      });
      const paged = window.pages.subscribe((page) => {
        if (reading) waiting.push(page);
        else take(page);
      });
      read();
      return () => {
        changed.unsubscribe();
        paged.unsubscribe();
      };
    });
  }

  /** A stored list, live (see `social.ts`); empty while no one is signed in. */
  private list$<K extends ListKey>(key: K): Observable<ListOf<K>> {
    let query = this.lists.get(key);
    if (!query) {
      query = this.shown.pipe(
        switchMap((session) =>
          session
            ? liveQuery(this.changes.pipe(filter((change) => change.list === key)), () =>
                quietly(() => readList(session.db, key)),
              )
            : of([]),
        ),
        shareReplay({ bufferSize: 1, refCount: true }),
      );
      this.lists.set(key, query);
    }
    return query as Observable<ListOf<K>>;
  }

  groupMembers$(groupId: string): Observable<GroupMember[]> {
    return this.groups.members$(groupId);
  }

  displayName$(username: string): Observable<string> {
    return combineLatest([this.user, this.nicknames]).pipe(
      map(([user, names]) =>
        user?.username === username && user.nickname
          ? user.nickname
          : (names.get(username) ?? username),
      ),
      distinctUntilChanged(),
    );
  }

  history$(conversationId: string): Observable<HistoryState> {
    return this.historyOf(conversationId).pipe(distinctUntilChanged(sameHistoryState));
  }

  uploadProgress$(messageId: string): Observable<UploadProgress | null> {
    return merge(of(messageId), this.progressChanges.pipe(filter((id) => id === messageId))).pipe(
      map(() => this.progress.get(messageId) ?? null),
      sampleProgress(PROGRESS_MS, (p) => p === null || p.loaded >= p.total),
      distinctUntilChanged(
        (a, b) => a === b || (!!a && !!b && a.loaded === b.loaded && a.total === b.total),
      ),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Actions
  // -------------------------------------------------------------------------------------------

  async register(input: RegisterInput): Promise<void> {
    const username = normalizeUsername(input.username);
    if (!input.password) throw chatError(Codes.messageParameterError, Messages.emptyPassword);
    const connection = this.createConnection(this.connectionConfig());
    try {
      const request: { username: string; password: string; nickname?: string } = {
        username,
        password: input.password,
      };
      const nickname = input.nickname?.trim();
      if (nickname) request.nickname = nickname;
      await connection.registerUser(request);
    } catch (error) {
      throw toChatError(error);
    }
  }

  login(input: LoginInput): Promise<void> {
    return this.serialize(async () => {
      const username = normalizeUsername(input.username);
      if (!input.password) throw chatError(Codes.messageParameterError, Messages.emptyPassword);
      const session = await this.prepare(username, { show: false });
      await this.authenticate(session, { user: username, pwd: input.password }, { retry: false });
    });
  }

  loginWithToken(input: TokenLoginInput): Promise<void> {
    return this.serialize(async () => {
      const username = normalizeUsername(input.username);
      if (!input.accessToken) throw chatError(Codes.tokenNotAssigned, Messages.badToken);
      // A token from the site's own backend is retried while the server is unreachable, like a resume.
      const session = await this.prepare(username, { show: false });
      await this.authenticate(
        session,
        { user: username, accessToken: input.accessToken },
        { retry: true },
      );
    });
  }

  logout(options: { wipe?: boolean } = {}): Promise<void> {
    // End the current session now rather than after a pending sign-in: a token login that keeps
    // retrying while the server is unreachable would otherwise hold the sign-out forever.
    const current = this.session.value;
    const ending = this.endSession(current);
    return this.serialize(async () => {
      await ending;
      await clearSession(await this.openSessionDb());
      // A sign-in queued before this sign-out has made a newer session: that one is signed out.
      const last = this.session.value ?? current;
      await this.endSession(this.session.value);
      if (options.wipe && last) await deleteUserDb(last.dbName);
    });
  }

  async send(conversationId: string, text: string): Promise<ChatMessage> {
    this.requireSession();
    checkDraft(text, this.limits.value.messageMaxBytes);
    return this.queueOwn(conversationId, { type: 'txt' as const, text }, {});
  }

  async sendFile(
    conversationId: string,
    file: File,
    options: SendFileOptions = {},
  ): Promise<ChatMessage> {
    this.requireSession();
    if (!(file instanceof Blob)) throw chatError(Codes.uploadFileError, Messages.emptyFile);
    const kind = options.kind ?? attachmentKindOf(file.type);
    checkFile(file, kind, this.limits.value.fileMaxBytes);
    const filename = (file as Partial<File>).name || kind;
    const queued: OutboxFile = {
      kind,
      file,
      filename,
      mime: file.type,
      size: file.size,
    };
    const attachment: Attachment = { filename, size: file.size };
    if (file.type) attachment.mime = file.type;
    if (
      options.thumbnail instanceof Blob &&
      options.thumbnail.size > 0 &&
      kind !== 'audio' &&
      kind !== 'file'
    )
      queued.thumbnail = options.thumbnail;
    for (const field of ['width', 'height', 'duration'] as const) {
      const value = options[field];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
        queued[field] = value;
        attachment[field] = value;
      }
    }
    return this.queueOwn(conversationId, { type: kind, file: queued }, { attachment }, options.ext);
  }

  async sendLocation(conversationId: string, location: Location): Promise<ChatMessage> {
    this.requireSession();
    checkLocation(location);
    const clean: Location = { addr: location.addr.trim(), lat: location.lat, lng: location.lng };
    if (location.buildingName) clean.buildingName = location.buildingName;
    return this.queueOwn(
      conversationId,
      { type: 'loc' as const, location: clean },
      { location: clean },
    );
  }

  async sendCustom(conversationId: string, custom: CustomContent, ext?: Ext): Promise<ChatMessage> {
    this.requireSession();
    checkCustom(custom);
    const clean: CustomContent = { event: custom.event, exts: { ...custom.exts } };
    return this.queueOwn(
      conversationId,
      { type: 'custom' as const, custom: clean },
      { custom: clean },
      ext,
    );
  }

  async sendCommand(conversationId: string, action: string, ext?: Ext): Promise<void> {
    const session = this.requireSession();
    checkAction(action);
    const { to, chatType } = await this.target(session, conversationId);
    if (this.status.value !== 'online')
      throw chatError(Codes.connectionClosed, Messages.networkDown);
    const message: OutgoingMessage = {
      id: session.connection.getUniqueId(),
      to,
      chatType,
      type: 'cmd',
      action,
    };
    if (ext) message.ext = ext;
    try {
      await session.connection.sendMessage(message);
    } catch (error) {
      throw toChatError(error);
    }
  }

  /**
   * Stores an own message `pending` with its outbox entry (it shows at once and survives a reload),
   * then sends it if online; otherwise the outbox sends it on the next `opened`.
   */
  private async queueOwn(
    conversationId: string,
    body: OutboxBody,
    content: Pick<ChatMessage, 'attachment' | 'location' | 'custom'>,
    ext?: Ext,
  ): Promise<ChatMessage> {
    const session = this.requireSession();
    const { to, chatType } = await this.target(session, conversationId);
    const id = session.connection.getUniqueId();
    const now = Date.now();
    const message: ChatMessage = {
      id,
      conversationId: to,
      chatType,
      type: body.type,
      from: session.username,
      to,
      text: body.type === 'txt' ? body.text : '',
      time: now,
      status: 'pending',
      ...content,
    };
    if (ext && Object.keys(ext).length > 0) message.ext = ext;
    const entry = {
      ...body,
      id,
      to,
      chatType: message.chatType,
      queuedAt: now,
    } as DistributiveOmit<OutboxEntry, 'order'>;
    if (message.ext) entry.ext = message.ext;
    const { entry: queued, conversationCreated } = await storeOutgoing(session.db, message, entry);
    this.changed(to);
    if (conversationCreated && chatType === 'singleChat') void this.resolveName(session, to);
    if (this.status.value === 'online') void this.transmit(session, queued);
    return message;
  }

  /** Where a conversation's messages go: a user (as typed), or a group or room by its id. */
  private async target(
    session: Session,
    conversationId: string,
  ): Promise<{ to: string; chatType: ChatType }> {
    const id = conversationId.trim();
    // Group and room ids never look like usernames (rest.ts), so the id says which it is.
    if (!Limits.numericIdPattern.test(id))
      return { to: normalizeUsername(id), chatType: 'singleChat' };
    const stored = await readConversation(session.db, id);
    if (stored) return { to: id, chatType: stored.chatType };
    return {
      to: id,
      chatType: (await this.rooms.isMember(session, id)) ? 'chatRoom' : 'groupChat',
    };
  }

  async cancelUpload(messageId: string): Promise<boolean> {
    const session = this.requireSession();
    session.uploads.get(messageId)?.abort();
    const removed = await this.whileOpen(() => removeUnsent(session.db, messageId));
    if (!removed) return false;
    this.endProgress(messageId);
    this.changed(removed.conversationId);
    return true;
  }

  async recall(messageId: string): Promise<void> {
    const session = this.requireSession();
    const message = await readMessage(session.db, messageId);
    if (!message) throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
    if (message.recalled) return;
    if (message.from !== session.username)
      throw chatError(Codes.permissionDenied, Messages.recallNotMine);
    if (message.status !== 'sent' || !message.mid)
      throw chatError(Codes.messageParameterError, Messages.recallNotSent);
    if (this.status.value !== 'online')
      throw chatError(Codes.connectionClosed, Messages.networkDown);
    try {
      await session.connection.recall({
        mid: message.mid,
        to: message.to,
        chatType: message.chatType,
      });
    } catch (reason) {
      const error = toChatError(reason);
      if (error.type === Codes.permissionDenied)
        throw chatError(error.type, Messages.recallNotMine);
      throw error;
    }
    // The `recall` event follows for every session; this tab need not wait for it.
    const recalled = await this.whileOpen(() =>
      applyRecall(session.db, message.mid as string, session.username),
    );
    if (recalled) this.changed(recalled.conversationId);
  }

  async loadOlder(conversationId: string): Promise<{ added: number; exhausted: boolean }> {
    const session = this.requireSession();
    const peer = normalizeUsername(conversationId);
    const state = this.historyOf(peer);
    if (state.value.loading) await firstValueFrom(state.pipe(filter((s) => !s.loading)));
    state.next({ ...state.value, loading: true });
    try {
      const result = await this.pageOlder(session, peer);
      state.next({ loading: false, exhausted: result.exhausted });
      return result;
    } catch (error) {
      state.next({ ...state.value, loading: false });
      const failure = toChatError(error);
      // The REST messages are worded for sign-up and login (a refused argument reads as a bad
      // username); for a history page only these say something true.
      const meaningful: string[] = [
        Messages.networkDown,
        Messages.sessionExpired,
        Messages.rateLimited,
        Messages.serverError,
      ];
      throw meaningful.includes(failure.message)
        ? failure
        : chatError(failure.type, Messages.historyFailed);
    }
  }

  /**
   * One page older than what `messages$` shows: IndexedDB first, then the server, merged by id.
   * Only the new page is read (what shows is bounded by a time), so each page costs the same however
   * much is loaded already.
   */
  private async pageOlder(
    session: Session,
    peer: string,
  ): Promise<{ added: number; exhausted: boolean }> {
    const window = this.windowOf(peer);
    const version = window.version;
    // What shows starts at `boundary`: all of its millisecond once paged (the most recent page may
    // show only some). A server page can add more to that millisecond; those join as new.
    let boundary = window.since ?? Infinity;
    let atBoundary: ChatMessage[] = [];
    if (window.since === null) {
      const recent = await readMessages(session.db, peer);
      boundary = recent[0]?.time ?? Infinity;
      atBoundary = recent.filter((m) => m.time === boundary);
    } else {
      atBoundary = await readBetween(session.db, peer, boundary, boundary, false);
    }
    const shownAtBoundary = new Set(atBoundary.map((m) => m.id));
    let older = await readOlder(session.db, peer, boundary, STORED_PAGE);
    let history = await readHistory(session.db, peer);
    // The stored messages are gap-free back to the oldest one (the sync replays everything after
    // the cursor), so the server is asked only for what is older than that.
    for (
      let round = 0;
      older.length < HISTORY_PAGE && !history.exhausted && round < 10;
      round += 1
    ) {
      const from = await readOldestOnServer(session.db, peer);
      const chatType = from?.chatType ?? (await readConversation(session.db, peer))?.chatType;
      const page = await session.connection.history({
        peer,
        chatType: chatType ?? 'singleChat',
        cursor: from?.mid ?? null,
        pageSize: HISTORY_PAGE,
      });
      const messages: ChatMessage[] = [];
      for (const raw of page.messages) {
        const parsed = fromReceived(raw, session.username);
        if (parsed && !isCommand(parsed) && parsed.conversationId === peer) messages.push(parsed);
      }
      const results = await storeIncomingBatch(
        session.db,
        messages.map((message) => ({ message, unread: false })),
        { history: { conversationId: peer, exhausted: page.isLast } },
      );
      if (results.some((result) => result.conversationCreated)) this.changed();
      older = await readOlder(session.db, peer, boundary, HISTORY_PAGE);
      history = await readHistory(session.db, peer);
      // A page with nothing new that is not the last would loop forever on the same cursor.
      if (!page.isLast && !results.some((result) => result.isNew)) break;
    }
    const first = older[0];
    // Nothing older: the window still stops sliding (new messages add to it, and push nothing out).
    const from = first?.time ?? boundary;
    let added = 0;
    if (from !== Infinity) {
      // What shows starts at a time, so messages in the same millisecond as the page's oldest join
      // too, as do those of the boundary's the window did not show: count what now shows.
      const page = (await readBetween(session.db, peer, from, boundary, false)).filter(
        (message) => !shownAtBoundary.has(message.id),
      );
      window.since = from;
      if (page.length) window.pages.next({ messages: page, version });
      added = page.length;
    }
    const more = first ? await readOlder(session.db, peer, first.time, 1) : [];
    return { added, exhausted: history.exhausted && more.length === 0 };
  }

  async fetchFile(message: ChatMessage, options: { thumbnail?: boolean } = {}): Promise<string> {
    const session = this.requireSession();
    const key = `${message.id}${options.thumbnail ? '#thumb' : ''}`;
    const cached = session.objectUrls.get(key);
    if (cached) return cached;
    const loading = this.loadFile(session, message, options.thumbnail === true);
    session.objectUrls.set(key, loading);
    try {
      return await loading;
    } catch (error) {
      session.objectUrls.delete(key);
      throw toChatError(error);
    }
  }

  private async loadFile(session: Session, message: ChatMessage, thumbnail: boolean) {
    const stored = (await readMessage(session.db, message.id)) ?? message;
    if (stored.recalled || !stored.attachment)
      throw chatError(Codes.downloadFileError, Messages.noFile);
    // My own attachment still in the outbox: show the bytes this device has.
    const entry = await readOutboxEntry(session.db, stored.id);
    if (entry && 'file' in entry) {
      const blob = thumbnail && entry.file.thumbnail ? entry.file.thumbnail : entry.file.file;
      return URL.createObjectURL(blob);
    }
    const { url, secret, thumbUrl, thumbSecret } = stored.attachment;
    const target = thumbnail && thumbUrl ? { url: thumbUrl, secret: thumbSecret } : { url, secret };
    if (!target.url) throw chatError(Codes.downloadFileError, Messages.noFile);
    const blob = await session.connection.download(target.url, target.secret);
    if (this.session.value !== session)
      throw chatError(Codes.connectionClosed, Messages.notSignedIn);
    return URL.createObjectURL(blob);
  }

  async retry(messageId: string): Promise<void> {
    const session = this.requireSession();
    const stored = await this.whileOpen(() => requeue(session.db, messageId));
    if (!stored) return;
    this.changed(stored.message.conversationId);
    if (stored.entry && this.status.value === 'online') void this.transmit(session, stored.entry);
  }

  async openConversation(
    conversationId: string | null,
    chatType: ChatType = 'singleChat',
  ): Promise<void> {
    if (conversationId === null) {
      this.active.next(null);
      return;
    }
    const session = this.requireSession();
    const group = chatType === 'groupChat';
    const peer = chatType === 'singleChat' ? normalizeUsername(conversationId) : conversationId;
    if (!(await readConversation(session.db, peer))) {
      if (chatType === 'singleChat') {
        const name = await this.lookupName(session, peer);
        if (await ensureConversation(session.db, peer, name, Date.now())) this.changed();
      } else {
        // A group or room conversation starts when I am in it (removed from it, it stays).
        const name = group
          ? (await this.groups.stored(session, peer))?.name
          : (await readList(session.db, 'rooms')).find((r) => r.id === peer && r.joined)?.name;
        if (!name)
          throw group
            ? chatError(Codes.groupNotJoined, Messages.notGroupMember)
            : chatError(Codes.roomNotJoined, Messages.notRoomMember);
        if (await upsertConversations(session.db, [{ id: peer, chatType, name, membership: null }]))
          this.changed();
      }
    }
    this.active.next(peer);
    await this.markRead(peer);
  }

  addContact(username: string, message?: string): Promise<void> {
    return this.contacts.addContact(username, message);
  }

  acceptContact(username: string): Promise<void> {
    return this.contacts.acceptContact(username);
  }

  declineContact(username: string): Promise<void> {
    return this.contacts.declineContact(username);
  }

  removeContact(username: string): Promise<void> {
    return this.contacts.removeContact(username);
  }

  block(username: string): Promise<void> {
    return this.contacts.block(username);
  }

  unblock(username: string): Promise<void> {
    return this.contacts.unblock(username);
  }

  createGroup(input: CreateGroupInput): Promise<Group> {
    return this.groups.create(input);
  }

  inviteToGroup(groupId: string, usernames: string[], reason?: string): Promise<void> {
    return this.groups.invite(groupId, usernames, reason);
  }

  acceptGroupInvitation(groupId: string): Promise<void> {
    return this.groups.acceptInvitation(groupId);
  }

  declineGroupInvitation(groupId: string, reason?: string): Promise<void> {
    return this.groups.declineInvitation(groupId, reason);
  }

  listPublicGroups(cursor?: string): Promise<{ groups: PublicGroup[]; cursor?: string }> {
    return this.groups.listPublic(cursor);
  }

  joinGroup(groupId: string, message?: string): Promise<'joined' | 'requested'> {
    return this.groups.join(groupId, message);
  }

  acceptJoinRequest(groupId: string, username: string): Promise<void> {
    return this.groups.answerRequest(groupId, username, true);
  }

  declineJoinRequest(groupId: string, username: string, reason?: string): Promise<void> {
    return this.groups.answerRequest(groupId, username, false, reason);
  }

  leaveGroup(groupId: string): Promise<void> {
    return this.groups.leave(groupId);
  }

  removeGroupMember(groupId: string, username: string): Promise<void> {
    return this.groups.manage(groupId, username, 'remove');
  }

  muteGroupMember(groupId: string, username: string, durationMs: number): Promise<void> {
    return this.groups.manage(groupId, username, 'mute', durationMs);
  }

  unmuteGroupMember(groupId: string, username: string): Promise<void> {
    return this.groups.manage(groupId, username, 'unmute');
  }

  setGroupAdmin(groupId: string, username: string): Promise<void> {
    return this.groups.manage(groupId, username, 'setAdmin');
  }

  removeGroupAdmin(groupId: string, username: string): Promise<void> {
    return this.groups.manage(groupId, username, 'removeAdmin');
  }

  changeGroupOwner(groupId: string, username: string): Promise<void> {
    return this.groups.manage(groupId, username, 'owner');
  }

  updateGroup(groupId: string, changes: { name?: string; description?: string }): Promise<void> {
    return this.groups.update(groupId, changes);
  }

  disbandGroup(groupId: string): Promise<void> {
    return this.groups.disband(groupId);
  }

  refreshRooms(): Promise<void> {
    return this.rooms.refresh(this.requireSession());
  }

  joinRoom(roomId: string): Promise<void> {
    return this.rooms.join(roomId);
  }

  leaveRoom(roomId: string): Promise<void> {
    return this.rooms.leave(roomId);
  }

  /** After every open: contacts, requests, blocklist, groups and rooms from the server. */
  private async refreshSocial(session: Session): Promise<void> {
    await Promise.allSettled([
      this.contacts.refresh(session),
      this.groups.refresh(session),
      this.rooms.refresh(session),
    ]);
  }

  markRead(conversationId: string): Promise<void> {
    return this.seen(conversationId);
  }

  markSeen(conversationId: string, messageId: string): Promise<void> {
    return this.seen(conversationId, messageId);
  }

  private async seen(conversationId: string, messageId?: string): Promise<void> {
    const session = this.requireSession();
    const online = this.status.value === 'online';
    this.touchUnread(session, conversationId);
    const result = await this.whileOpen(() =>
      markSeenUpTo(
        session.db,
        conversationId,
        session.username,
        messageId === undefined ? { record: online } : { id: messageId, record: online },
      ),
    );
    if (!result) return;
    session.unreadTouched.set(conversationId, ++this.tick);
    if (result.unreadChanged) this.changed();
    // Room messages are live only: the server keeps no read state for them.
    if (result.ack && result.ack.chatType !== 'chatRoom')
      this.readAcks.next({ session, ...result.ack, channel: result.newest });
  }

  /** Sends a coalesced read receipt (and a channel ack when it covers the newest message). */
  private async sendReadAck(ack: ReadAck): Promise<void> {
    if (this.session.value !== ack.session) return;
    try {
      await ack.session.connection.sendRead(ack.to, ack.mid, ack.chatType);
      if (ack.channel) await ack.session.connection.sendChannel(ack.to, ack.chatType);
    } catch {
      // Offline now: the server keeps the count; the next read on any device settles it.
    }
  }

  /**
   * Stops everything this store does (as a page unload would) without signing out: the saved
   * session stays, so a new store for the app key resumes it. Also removes it from the registry.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (registry.get(this.appKey) === this) registry.delete(this.appKey);
    // Ending the session first also aborts an open that is still retrying, so the queue drains.
    const session = this.session.value;
    this.session.next(null);
    this.shown.next(null);
    if (session) closeSession(session);
    this.subscriptions.unsubscribe();
    await this.lifecycle.catch(() => undefined);
    (await this.sessionDb?.catch(() => undefined))?.close();
  }

  // -------------------------------------------------------------------------------------------
  // Sessions
  // -------------------------------------------------------------------------------------------

  /** Restores the saved session: shows the stored data at once, connects in the background. */
  private async resume(): Promise<void> {
    const sessions = await this.openSessionDb();
    const saved = await readSession(sessions);
    if (saved && saved.expiresAt <= Date.now()) await clearSession(sessions);
    if (!saved || saved.expiresAt <= Date.now()) {
      this.statusEvents.next({ type: 'signed-out' });
      return;
    }
    const session = await this.prepare(saved.username, { show: true });
    // Not awaited: `ready` means "the stored data is showing", not "connected".
    void this.authenticate(
      session,
      { user: saved.username, accessToken: saved.accessToken },
      { retry: true, saved },
    ).catch(() => undefined);
  }

  /**
   * First half of a sign-in: ends any current session, opens `username`'s database and makes a
   * connection that starts from the stored sync cursor, with the store's handlers attached (so the
   * replay that follows `auth` is stored). `show: true` shows the stored data at once (a resume of a
   * session this device had); otherwise it shows only after the server accepted the credentials, so
   * a wrong password never reveals what another account left on this device.
   */
  private async prepare(username: string, options: { show: boolean }): Promise<PreparedSession> {
    await this.endSession(this.session.value);
    this.statusEvents.next({ type: 'login' });
    const dbName = userDbName(this.prefix, this.appKey, username);
    let db: UserDatabase;
    let created: boolean;
    let meta;
    try {
      ({ db, created } = await openUserDb(dbName));
      meta = await readMeta(db);
      if (this.disposed) {
        db.close();
        throw new Error('the store was disposed');
      }
    } catch (error) {
      this.statusEvents.next({ type: 'signed-out' });
      throw chatError(Codes.openError, Messages.storageUnavailable, {
        error_description: error instanceof Error ? error.message : String(error),
      });
    }
    const connection = this.createConnection(this.connectionConfig());
    // A database that has stored nothing lets the server pick (its cursor for this device, or what
    // no device has had yet) instead of asking for the user's whole history with `since: 0`.
    connection.syncCursor = meta.cursor > 0 ? meta.cursor : undefined;
    const session: PreparedSession = {
      username,
      dbName,
      db,
      connection,
      ended: new Subject<void>(),
      uploads: new Map(),
      sending: new Set(),
      rateLimited: new Map(),
      objectUrls: new Map(),
      unreadTouched: new Map(),
      created,
      profile: meta.profile ?? { username },
    };
    this.limits.next(meta.limits ?? DefaultAppLimits);
    if (typeof BroadcastChannel === 'function') {
      session.tabs = new BroadcastChannel(dbName);
      session.tabs.onmessage = (event: MessageEvent<unknown>) => {
        const change = asChange(event.data);
        if (change && this.session.value === session) this.changes.next(change);
      };
    }
    this.session.next(session);
    if (options.show) this.show(session, session.profile);
    return session;
  }

  /**
   * Second half: opens the connection (retrying transient failures when asked to), then saves the
   * session for the next reload and shows the user. On failure the session ends (and a database the
   * attempt created is deleted again) and the promise rejects with a ChatError.
   */
  private async authenticate(
    session: PreparedSession,
    credentials: Credentials,
    options: { retry: boolean; saved?: SavedSession },
  ): Promise<void> {
    let result: OpenResult;
    try {
      result = await this.open(session, credentials, options.retry);
    } catch (error) {
      const failure = toChatError(error);
      if (this.session.value === session) {
        if (options.saved) await clearSession(await this.openSessionDb());
        if (options.saved) this.errors.next(failure);
        await this.endSession(session, { deleteDatabase: session.created });
      }
      throw failure;
    }
    if (this.session.value !== session)
      throw chatError(Codes.connectionClosed, Messages.signInCancelled);

    const accessToken =
      result.accessToken ??
      result.access_token ??
      ('accessToken' in credentials ? credentials.accessToken : '');
    session.token = accessToken;
    await saveSession(await this.openSessionDb(), {
      username: session.username,
      accessToken,
      expiresAt: tokenExpiry(result, options.saved),
    });
    const profile: CurrentUser = { ...session.profile };
    const nickname = result.user?.nickname;
    if (nickname) profile.nickname = nickname;
    await saveProfile(session.db, profile);
    this.show(session, profile);
    if (!profile.nickname) void this.resolveOwnNickname(session);
  }

  /**
   * The SDK gave up reconnecting (after its `autoReconnectNumMax` attempts), but the session is still
   * good: open it again with its token, which starts a new round of attempts. A chat left open in a
   * tab through a long outage thus comes back by itself; only an auth failure signs it out.
   */
  private async reopen(session: Session): Promise<void> {
    if (!session.token || session.reopening || this.session.value !== session) return;
    session.reopening = true;
    try {
      // Not from inside the SDK's own onError: it is still ending the old login, and would take
      // the new `open` for part of it (and reject it).
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.session.value !== session) return;
      await this.open(session, { user: session.username, accessToken: session.token }, true);
    } catch (error) {
      const failure = toChatError(error);
      if (!isTransientLoginFailure(failure)) await this.sessionLost(session, failure);
    } finally {
      session.reopening = false;
    }
  }

  /** `connection.open`, retried after transient failures when asked to, until the session ends. */
  private open(session: Session, credentials: Credentials, retrying: boolean): Promise<OpenResult> {
    return firstValueFrom(
      defer(() => session.connection.open(credentials) as Promise<OpenResult>).pipe(
        map((result) => result ?? {}),
        retry({
          delay: (error: unknown, attempt: number) => {
            const failure = toChatError(error);
            if (!retrying || !isTransientLoginFailure(failure)) return throwError(() => failure);
            this.statusEvents.next({ type: 'reconnecting' });
            return timer(resumeBackoff(attempt));
          },
        }),
        // "Already logged in" while the socket is open: an earlier attempt won; that is success.
        catchError((error: unknown) =>
          toChatError(error).type === Codes.alreadyLoggedIn && session.connection.isOpened()
            ? of({} as OpenResult)
            : throwError(() => error),
        ),
        takeUntil(session.ended),
        throwIfEmpty(() => chatError(Codes.connectionClosed, Messages.signInCancelled)),
      ),
    );
  }

  private show(session: Session, profile: CurrentUser): void {
    if (this.session.value !== session) return;
    this.user.next(profile);
    if (this.shown.value !== session) this.shown.next(session);
  }

  /** Ends a session: stops listening, closes the connection and the database, maybe deletes it. */
  private async endSession(
    session: Session | null,
    options: { deleteDatabase?: boolean } = {},
  ): Promise<void> {
    if (session && this.session.value === session) {
      this.session.next(null);
      if (this.shown.value === session) this.shown.next(null);
      this.active.next(null);
      this.user.next(null);
      this.limits.next(DefaultAppLimits);
      this.statusEvents.next({ type: 'signed-out' });
    }
    if (!session) return;
    // The next user starts from the most recent page of every conversation.
    for (const window of this.windows.values()) window.since = null;
    for (const state of this.histories.values()) state.next({ loading: false, exhausted: false });
    for (const id of [...this.progress.keys()]) this.endProgress(id);
    closeSession(session);
    if (options.deleteDatabase) await deleteUserDb(session.dbName);
  }

  /** The session ended on the server's side (token expired, kicked): back to the login form. */
  private async sessionLost(session: Session, error: ChatError): Promise<void> {
    if (this.session.value !== session) return;
    await this.serialize(async () => {
      if (this.session.value !== session) return;
      // The reason first, so the login form that the status change brings can show it.
      this.errors.next(error);
      await clearSession(await this.openSessionDb());
      await this.endSession(session);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Connection events
  // -------------------------------------------------------------------------------------------

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
        return this.receipt(session, event.kind, event.event);
      case 'opened': {
        // Not awaited: a slow REST answer must not hold the replay that follows.
        void this.reconcile(session);
        void this.refreshSocial(session);
        const limits = session.connection.appLimits;
        if (limits && JSON.stringify(limits) !== JSON.stringify(this.limits.value)) {
          this.limits.next(limits);
          await saveLimits(session.db, limits);
        }
        return;
      }
      case 'social': {
        if (event.source === 'group') await this.groups.handle(session, event.payload);
        else if (event.source === 'room') await this.rooms.handle(session, event.payload);
        else await this.contacts.handle(session, event.source, event.payload);
        // Contact and group events come from the inbox: past them, a reload need not replay them.
        const seq = (event.payload as { seq?: unknown } | null)?.seq;
        if (typeof seq === 'number' && Number.isFinite(seq) && seq > 0)
          await storeIncomingBatch(session.db, [], { cursor: seq });
        return;
      }
      case 'ack':
        return this.acked(
          session,
          event.id,
          event.time ? { mid: event.mid, time: event.time } : { mid: event.mid },
        );
      case 'token-expired':
        return this.sessionLost(session, chatError(Codes.tokenExpired, Messages.sessionExpired));
      case 'error': {
        const error = toChatError(event.error);
        if (endsSession(error.type)) return this.sessionLost(session, error);
        if (error.type === Codes.disconnected) {
          this.errors.next(error);
          void this.reopen(session);
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
    const visible = this.visibility.isVisible();
    for (const { message: raw, kind } of events) {
      const parsed = fromReceived(raw, session.username, kind);
      if (!parsed) continue;
      if (isCommand(parsed)) {
        commands.push(parsed);
        const seq = Number(raw.seq);
        if (Number.isFinite(seq) && seq > (cursor ?? 0)) cursor = seq;
        continue;
      }
      const unread = countsAsUnread(parsed, session.username, this.active.value, visible);
      items.push({ message: parsed, unread });
    }
    if (items.length > 0 || cursor !== undefined) {
      const results = await storeIncomingBatch(
        session.db,
        items,
        cursor === undefined ? {} : { cursor },
      );
      const touched = new Set(results.map((result) => result.message.conversationId));
      for (const id of touched) this.changed(id);
      if (touched.size === 0 && results.length === 0 && items.length === 0) {
        // Only commands: nothing to re-read.
      }
      for (const result of results)
        if (result.conversationCreated)
          void this.resolveName(session, result.message.conversationId);
      // A peer's message arriving in the conversation on screen is seen: acknowledge it.
      const active = this.active.value;
      if (
        active &&
        visible &&
        results.some(
          (r) =>
            r.isNew && r.message.conversationId === active && r.message.from !== session.username,
        )
      )
        void this.markRead(active).catch(() => undefined);
    }
    for (const command of commands) this.commandSubject.next(command);
  }

  /**
   * A receipt or recall event. `from` is me when it comes from another device of mine: a read
   * there lowers the unread count here; a delivery there means nothing here.
   */
  private async receipt(
    session: Session,
    kind: 'delivered' | 'read' | 'channel' | 'recall',
    event: ReceiptEvent,
  ): Promise<void> {
    if (typeof event?.from !== 'string' || typeof event.to !== 'string') return;
    const me = session.username;
    const mine = event.from === me;
    const group = event.chatType === 'groupChat' || event.chatType === 'chatRoom';
    // A peer's receipt is about my messages to them; a group member's, about mine in the group.
    const peer = group ? event.to : event.from;
    const mid = typeof event.mid === 'string' && event.mid !== '' ? event.mid : undefined;
    let conversationId: string | undefined;
    switch (kind) {
      case 'recall': {
        if (!mid) break;
        // Marked before the write: a server count that arrives while it runs must not undo it.
        const untouch = this.touchUnread(session, conversationIdOf(event, me));
        const recalled = await applyRecall(session.db, mid, me);
        if (recalled) {
          conversationId = recalled.conversationId;
          session.unreadTouched.set(conversationId, ++this.tick);
          for (const key of [recalled.id, `${recalled.id}#thumb`]) this.revoke(session, key);
        } else untouch();
        break;
      }
      case 'delivered':
        if (
          !mine &&
          !group &&
          mid &&
          (await applyReceipt(session.db, peer, 'delivered', mid)).length
        )
          conversationId = peer;
        break;
      case 'read':
      case 'channel':
        if (mine) {
          const upTo = kind === 'read' && mid ? { mid, record: true } : { record: true };
          const untouch = this.touchUnread(session, event.to);
          const result = await markSeenUpTo(session.db, event.to, me, upTo);
          if (result.found) {
            session.unreadTouched.set(event.to, ++this.tick);
            if (result.unreadChanged) this.changed();
          } else {
            untouch();
            // Read elsewhere up to a message this device never had: ask the server for the count.
            void this.reconcile(session);
          }
        } else if (
          // In a group only a read of my message (sent with `allowGroupAck`) says something.
          (!group || (kind === 'read' && mid)) &&
          (await applyReceipt(session.db, peer, 'read', kind === 'read' ? mid : undefined)).length
        ) {
          conversationId = peer;
        }
        break;
    }
    if (typeof event.seq === 'number' && Number.isFinite(event.seq))
      await storeIncomingBatch(session.db, [], { cursor: event.seq });
    if (conversationId) this.changed(conversationId);
  }

  /**
   * Marks a conversation's unread count as changed here, before the write that changes it: a
   * server count asked for earlier is stale for it from now on, also when it arrives (and decides
   * what to skip) while that write is still running, and then lands after it. Returns the undo, for
   * when the write found nothing to change.
   */
  private touchUnread(session: Session, conversationId: string): () => void {
    const before = session.unreadTouched.get(conversationId);
    const tick = ++this.tick;
    session.unreadTouched.set(conversationId, tick);
    return () => {
      if (session.unreadTouched.get(conversationId) !== tick) return;
      if (before === undefined) session.unreadTouched.delete(conversationId);
      else session.unreadTouched.set(conversationId, before);
    };
  }

  /**
   * After every open: the server's unread counts are the truth (they count reads on every device),
   * and conversations started elsewhere appear here.
   */
  private async reconcile(session: Session): Promise<void> {
    const asked = ++this.tick;
    let list: ServerConversationInfo[];
    try {
      list = await session.connection.conversations();
    } catch {
      return; // The local counts stand until the next open.
    }
    if (this.session.value !== session) return;
    const states: ServerConversationState[] = [];
    for (const entry of list) {
      if (typeof entry?.peer !== 'string' || !Number.isFinite(entry.unread)) continue;
      const state: ServerConversationState = {
        id: entry.peer,
        chatType: entry.chatType ?? 'singleChat',
        unread: entry.unread,
      };
      const last = entry.lastMessage && fromReceived(entry.lastMessage, session.username);
      if (last && !isCommand(last)) {
        // Shown as the conversation's last message only, so drop what is per-device.
        delete last.seq;
        state.lastMessage = last;
      }
      states.push(state);
    }
    const skip = new Set<string>();
    for (const [id, touched] of session.unreadTouched) if (touched > asked) skip.add(id);
    const result = await this.whileOpen(() =>
      reconcileConversations(session.db, states, { me: session.username, skip }),
    );
    if (!result) return;
    if (result.changed) this.changed();
    for (const id of result.created) void this.resolveName(session, id);
    const active = this.active.value;
    if (active && this.visibility.isVisible()) void this.markRead(active).catch(() => undefined);
  }

  /** Sends one outbox entry (uploading its file first) and records the outcome. */
  private async transmit(session: Session, entry: OutboxEntry): Promise<void> {
    if (session.sending.has(entry.id)) return;
    session.sending.add(entry.id);
    let ack: SendResult;
    try {
      const message = await this.outgoingOf(session, entry);
      if (!message) return;
      ack = await session.connection.sendMessage(message);
    } catch (reason) {
      const error = toChatError(reason);
      // Not now rather than never: it stays in the outbox for the next `opened`.
      if (error.type === Codes.requestAbort || this.session.value !== session) return;
      if (isTransientSendFailure(error.type)) return;
      if (error.type === Codes.currentLimiting && this.retryLater(session, entry)) return;
      const failed = await this.whileOpen(() => markFailed(session.db, entry.id, error.message));
      if (failed) this.changed(failed.message.conversationId);
      return;
    } finally {
      session.sending.delete(entry.id);
    }
    session.rateLimited.delete(entry.id);
    const update: { mid?: string; time?: number; seq?: number } = {};
    if (ack?.serverMsgId) update.mid = ack.serverMsgId;
    if (typeof ack?.time === 'number') update.time = ack.time;
    // A room message's ack says seq 0: not a sequence number of mine.
    if (typeof ack?.seq === 'number' && ack.seq > 0) update.seq = ack.seq;
    await this.acked(session, entry.id, update);
  }

  /**
   * The server's rate limit (509) says "not this second": a burst, such as an outbox flushed after
   * a long time offline, goes on a little later instead of failing. Backs off 1, 2, 4, 8, 16 s (with
   * jitter, so a page's sessions do not retry together); false once that is used up.
   */
  private retryLater(session: Session, entry: OutboxEntry): boolean {
    const tries = session.rateLimited.get(entry.id) ?? 0;
    if (tries >= RATE_LIMIT_RETRIES) {
      session.rateLimited.delete(entry.id);
      return false;
    }
    session.rateLimited.set(entry.id, tries + 1);
    const delay = 1000 * 2 ** tries * (0.75 + Math.random() / 2);
    setTimeout(() => {
      if (this.session.value === session) void this.transmit(session, entry);
    }, delay);
    return true;
  }

  /**
   * The frame for an outbox entry. An attachment is uploaded first (once: where it went is kept in
   * the outbox), with its thumbnail; `undefined` when it was cancelled meanwhile.
   */
  private async outgoingOf(
    session: Session,
    entry: OutboxEntry,
  ): Promise<OutgoingMessage | undefined> {
    const common = {
      id: entry.id,
      to: entry.to,
      chatType: entry.chatType,
      // Members' reads of my group messages come back as receipts (`read` once one has read it).
      ...(entry.chatType === 'groupChat' ? { msgConfig: { allowGroupAck: true } } : {}),
    };
    const withExt = <T extends object>(message: T): T =>
      entry.ext ? { ...message, ext: entry.ext } : message;
    switch (entry.type) {
      case 'txt':
        return withExt({ ...common, type: 'txt' as const, msg: entry.text });
      case 'loc': {
        const { addr, lat, lng, buildingName } = entry.location;
        return withExt({
          ...common,
          type: 'loc' as const,
          addr,
          lat,
          lng,
          ...(buildingName ? { buildingName } : {}),
        });
      }
      case 'custom':
        return withExt({
          ...common,
          type: 'custom' as const,
          customEvent: entry.custom.event,
          customExts: entry.custom.exts,
        });
      default:
        break;
    }
    const file = entry.file;
    let uploaded = file.uploaded;
    if (!uploaded) {
      const main = await this.uploadOne(session, entry.id, file.file, file.filename);
      let thumb: UploadedFile | undefined;
      if (file.thumbnail) {
        try {
          thumb = await this.uploadOne(
            session,
            entry.id,
            file.thumbnail,
            `thumb-${file.filename}`,
            false,
          );
        } catch (error) {
          // A preview is a nicety: the message goes without one, unless it was cancelled.
          if (toChatError(error).type === Codes.requestAbort) throw error;
        }
      }
      uploaded = { url: main.url, secret: main.secret };
      if (thumb) {
        uploaded.thumbUrl = thumb.url;
        uploaded.thumbSecret = thumb.secret;
      }
      const saved = await this.whileOpen(() => markUploaded(session.db, entry.id, uploaded!));
      this.endProgress(entry.id);
      if (!saved) return undefined;
      this.changed(saved.conversationId);
    }
    const fields = {
      url: uploaded.url,
      secret: uploaded.secret,
      filename: file.filename,
      file_length: file.size,
      ...(file.mime ? { filetype: file.mime } : {}),
    };
    const thumb = uploaded.thumbUrl
      ? { thumb: uploaded.thumbUrl, thumb_secret: uploaded.thumbSecret ?? '' }
      : {};
    const size = {
      ...(file.width !== undefined ? { width: file.width } : {}),
      ...(file.height !== undefined ? { height: file.height } : {}),
    };
    switch (entry.type) {
      case 'img':
        return withExt({ ...common, type: 'img' as const, ...fields, ...thumb, ...size });
      case 'video':
        return withExt({
          ...common,
          type: 'video' as const,
          ...fields,
          ...thumb,
          ...size,
          length: file.duration ?? 0,
        });
      case 'audio':
        return withExt({
          ...common,
          type: 'audio' as const,
          ...fields,
          length: file.duration ?? 0,
        });
      default:
        return withExt({ ...common, type: 'file' as const, ...fields });
    }
  }

  /** Uploads one file of a message, publishing its progress (unless `report` is false). */
  private async uploadOne(
    session: Session,
    id: string,
    blob: Blob,
    filename: string,
    report = true,
  ): Promise<UploadedFile> {
    const task = session.connection.upload(blob, filename, (loaded, total) => {
      if (!report) return;
      this.progress.set(id, { loaded, total });
      this.progressChanges.next(id);
    });
    session.uploads.set(id, task);
    if (report) {
      this.progress.set(id, { loaded: 0, total: blob.size });
      this.progressChanges.next(id);
    }
    try {
      const done = await task;
      if (report) {
        // Whatever the browser's last progress event said, the whole file is there.
        this.progress.set(id, { loaded: blob.size, total: blob.size });
        this.progressChanges.next(id);
      }
      return done;
    } catch (error) {
      this.endProgress(id);
      throw error;
    } finally {
      if (session.uploads.get(id) === task) session.uploads.delete(id);
    }
  }

  private endProgress(id: string): void {
    if (this.progress.delete(id)) this.progressChanges.next(id);
  }

  private async acked(
    session: Session,
    id: string,
    ack: { mid?: string; time?: number; seq?: number },
  ): Promise<void> {
    const sent = await this.whileOpen(() => markSent(session.db, id, ack));
    if (sent) this.changed(sent.message.conversationId);
  }

  // -------------------------------------------------------------------------------------------
  // Names
  // -------------------------------------------------------------------------------------------

  /** The name to show for a new conversation; rejects when the server says there is no such user. */
  private async lookupName(session: Session, username: string): Promise<string> {
    let profile;
    try {
      profile = await session.connection.lookupUser(username);
    } catch {
      // Offline or not yet connected: start the chat anyway; a send to a wrong name fails visibly.
      return username;
    }
    if (!profile) throw chatError(Codes.userNotFound, Messages.userNotFound);
    return profile.nickname || username;
  }

  /** Names a conversation after the peer's nickname, when the server knows one. */
  private async resolveName(session: Session, conversationId: string): Promise<void> {
    // A group or room is named by the group and room lists, not by a user lookup.
    if (Limits.numericIdPattern.test(conversationId)) return;
    let nickname: string | undefined;
    try {
      nickname = (await session.connection.lookupUser(conversationId))?.nickname;
    } catch {
      return; // The id stays the name; a later conversation start may resolve it.
    }
    if (!nickname) return;
    if (await this.whileOpen(() => renameConversation(session.db, conversationId, nickname)))
      this.changed();
  }

  private async resolveOwnNickname(session: Session): Promise<void> {
    try {
      const profile = await session.connection.lookupUser(session.username);
      if (!profile?.nickname || this.session.value !== session) return;
      const user: CurrentUser = { username: session.username, nickname: profile.nickname };
      await saveProfile(session.db, user);
      this.user.next(user);
    } catch {
      // Shown by username until the next login.
    }
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing
  // -------------------------------------------------------------------------------------------

  private connectionConfig(): { appKey: string; apiUrl?: string } {
    return this.apiUrl ? { appKey: this.appKey, apiUrl: this.apiUrl } : { appKey: this.appKey };
  }

  private openSessionDb(): Promise<SessionDatabase> {
    this.sessionDb ??= openSessionDb(sessionDbName(this.prefix, this.appKey));
    return this.sessionDb;
  }

  private requireSession(): Session {
    const session = this.shown.value;
    if (!session || this.disposed) throw chatError(Codes.connectionClosed, Messages.notSignedIn);
    return session;
  }

  private windowOf(conversationId: string): MessageWindow {
    let window = this.windows.get(conversationId);
    if (!window) {
      window = { since: null, pages: new Subject<OlderPage>(), version: 0 };
      this.windows.set(conversationId, window);
    }
    return window;
  }

  private historyOf(conversationId: string): BehaviorSubject<HistoryState> {
    let state = this.histories.get(conversationId);
    if (!state) {
      state = new BehaviorSubject<HistoryState>({ loading: false, exhausted: false });
      this.histories.set(conversationId, state);
    }
    return state;
  }

  private revoke(session: Session, key: string): void {
    const url = session.objectUrls.get(key);
    session.objectUrls.delete(key);
    void url?.then((href) => URL.revokeObjectURL(href)).catch(() => undefined);
  }

  private changed(conversationId?: string): void {
    this.signal(conversationId === undefined ? {} : { conversationId });
  }

  private signal(change: Change): void {
    this.changes.next(change);
    this.session.value?.tabs?.postMessage(change);
  }

  /**
   * Runs a database operation that may meet a database closed under it (sign-out, wipe, another
   * tab's delete); such a failure means "that session is gone", not an error: `undefined`.
   */
  private async whileOpen<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof DOMException) return undefined;
      throw error;
    }
  }

  private serialize<T>(step: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.catch(() => undefined).then(step);
    this.lifecycle = run;
    return run;
  }
}

type NonStatus = 'message' | 'receipt' | 'ack' | 'error' | 'token-expired' | 'social';

function isStatusEvent(
  event: ConnectionEvent,
): event is Exclude<ConnectionEvent, { type: NonStatus }> {
  return !['message', 'receipt', 'ack', 'error', 'token-expired', 'social'].includes(event.type);
}

/**
 * A read for a live query that emits nothing, rather than failing the query, when the database was
 * closed under it (sign-out, wipe, another tab's delete): the next session brings a new query.
 */
function quietly<T>(read: () => Promise<T>): Observable<T> {
  return defer(read).pipe(
    catchError((error: unknown) =>
      error instanceof DOMException ? EMPTY : throwError(() => error),
    ),
  );
}

/** A change signal from another tab, checked: any script of the origin can post on the channel. */
function asChange(data: unknown): Change | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { conversationId, list } = data as { conversationId?: unknown; list?: unknown };
  if (typeof list === 'string') return { list };
  if (conversationId === undefined) return {};
  return typeof conversationId === 'string' ? { conversationId } : undefined;
}

function closeSession(session: Session): void {
  session.ended.next();
  session.ended.complete();
  session.tabs?.close();
  // Uploads stop (their entries stay in the outbox for the next sign-in); fetched files are let go.
  for (const upload of session.uploads.values()) upload.abort();
  session.uploads.clear();
  for (const url of session.objectUrls.values())
    void url.then((href) => URL.revokeObjectURL(href)).catch(() => undefined);
  session.objectUrls.clear();
  try {
    session.connection.close();
  } catch {
    // Closing a connection that never opened is fine.
  }
  session.db.close();
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
