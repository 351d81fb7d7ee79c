/**
 * What elements see of a store ({@link ChatStoreApi}): its observables and its actions; those on
 * contacts, groups and rooms are {@link ChatStoreSocialApi}'s. Re-exported by `../types.ts`.
 */
import type { Observable } from 'rxjs';
import type { AppLimits, ChatType, Ext, UserMetadata } from '../../protocol/index.js';
import type {
  ChangePasswordInput,
  ChatError,
  ConnectionStatus,
  CurrentUser,
  GuestInput,
  LoginInput,
  RegisterInput,
  TokenLoginInput,
  UserDetails,
  VisitorInfo,
} from './account.js';
import type {
  ChatCommand,
  ChatMessage,
  Conversation,
  CustomContent,
  HistoryState,
  Location,
  Reactors,
  SendFileOptions,
  SendOptions,
  UploadProgress,
} from './messages.js';
import type { ChatStoreSocialApi } from './social.js';

/** What elements see of a store. One store per app key; it holds at most one signed-in user. */
export interface ChatStoreApi extends ChatStoreSocialApi {
  readonly appKey: string;
  /** The chat server it was made for; undefined: the SDK's default (the script's server, else the page's). */
  readonly apiUrl: string | undefined;
  readonly status$: Observable<ConnectionStatus>;
  readonly user$: Observable<CurrentUser | null>;
  /** Conversations, newest activity first. */
  readonly conversations$: Observable<Conversation[]>;
  /** Sum of unread counts. */
  readonly totalUnread$: Observable<number>;
  /** The conversation the user has open, if any. */
  readonly activeConversation$: Observable<string | null>;
  /**
   * Failures no action is waiting for: the session ended on the server's side (token expired,
   * signed in elsewhere, user removed; the store is then `signed-out`), or the connection was lost
   * after every reconnection attempt (the store keeps trying).
   */
  readonly error$: Observable<ChatError>;
  /**
   * Resolves once the saved session, if any, has been restored from IndexedDB (its data showing,
   * the socket perhaps not yet open); status is `connecting` until then, so no login form flashes.
   */
  readonly ready: Promise<void>;
  /**
   * Messages of one conversation, oldest first, exactly as stored in IndexedDB: the most recent ones,
   * and as far back as {@link loadOlder} has paged.
   */
  messages$(conversationId: string): Observable<ChatMessage[]>;
  /** Paging state of one conversation (see {@link loadOlder}). */
  history$(conversationId: string): Observable<HistoryState>;
  /**
   * Progress of a pending attachment's upload (sampled, not every browser event); `null` when the
   * message is not uploading (not yet started, done, failed or cancelled).
   */
  uploadProgress$(messageId: string): Observable<UploadProgress | null>;
  /** `cmd` messages as they arrive (from peers and from my other devices); never stored. */
  readonly commands$: Observable<ChatCommand>;
  /**
   * Each message from someone else as it arrives and is stored here for the first time (not my
   * own from other devices, not history pages, not a replay of what was stored already): what
   * attention cues (title, sound, notification) react to.
   */
  readonly incoming$: Observable<ChatMessage>;
  /**
   * The app's limits (text size, file size, recall window) as the server last said, kept in
   * IndexedDB; the protocol's defaults while no one is signed in. `send` and `sendFile` check them.
   */
  readonly limits$: Observable<AppLimits>;
  /** Display name of a user: their nickname when known, else the username. */
  displayName$(username: string): Observable<string>;
  /**
   * What the site's team sees of a visitor they talk to (issue 9): the display name and e-mail the
   * visitor set (read from the server when first asked for, again as their messages come), and the
   * page of their first message here that carried one. `{}` while no one is signed in.
   */
  visitor$(username: string): Observable<VisitorInfo>;

  /** Logs in with a password. Rejects with a {@link ChatError}. */
  login(input: LoginInput): Promise<void>;
  /** Logs in with a token issued elsewhere (the widget's `user` + `access-token`). */
  loginWithToken(input: TokenLoginInput): Promise<void>;
  /**
   * Signs in as this browser's guest of the app (openwebim's, when the app allows guests): the one
   * minted here before, whose username and password are kept in IndexedDB (so a reload or a return
   * is the same guest and conversation), else a new one (`POST /guests`). A kept guest the server
   * no longer knows (removed after the app's retention) is replaced by a new one. Rejects with a
   * {@link ChatError}: guests off, an origin the app does not allow, too many guests from here.
   */
  loginAsGuest(input?: GuestInput): Promise<void>;
  /** Whether this browser has a guest of the app to sign in as (without minting one). */
  hasGuest(): Promise<boolean>;
  /** Attributes of users, with who is online now; unknown users are absent. */
  userInfo(usernames: string[]): Promise<Record<string, UserDetails>>;
  /** Sets my attributes (`mail`, `nickname`…); a nickname shows at once as my name. */
  updateOwnInfo(info: UserMetadata): Promise<void>;
  /** Registers a user (does not log in). Rejects with a {@link ChatError}. */
  register(input: RegisterInput): Promise<void>;
  /**
   * Signs out: revokes the token on the server (when it answers within 3 s), closes the
   * connection; `wipe` also deletes this user's local database.
   */
  logout(options?: { wipe?: boolean }): Promise<void>;
  /**
   * Changes the password. Every other session of the user (other devices and tabs) is signed out;
   * this one stays signed in. Rejects with a {@link ChatError} (`invalidPassword` for a wrong old
   * password, `emptyPassword`, `rateLimited`…) and changes nothing then.
   */
  changePassword(input: ChangePasswordInput): Promise<void>;
  /**
   * Queues a text message (it shows at once as `pending`) and sends it when online. Resolves with
   * the stored message once it is in IndexedDB; rejects (storing nothing) for an empty or too long
   * draft. The outcome shows on the message: `sent`, or `failed` with `error`.
   */
  send(conversationId: string, text: string, options?: SendOptions): Promise<ChatMessage>;
  /**
   * Replaces the text of an own sent text message (4.x `modifyMessage`): it reads the new text,
   * marked edited, here, on my other devices and at the peer's (every member of a group), also after
   * a reload. Rejects with a {@link ChatError} in plain words (not mine, not text, recalled, not
   * sent yet, offline, empty or too long) and then changes nothing.
   */
  edit(messageId: string, text: string): Promise<void>;
  /**
   * Adds my `reaction` (any emoji, or a short name) to a sent message of a 1:1 chat or a group
   * (4.x `addReaction`), or (`add: false`) takes it away (`deleteReaction`). It shows at once,
   * here and in my other tabs; every member sees it live. When the server refuses (not a member any
   * more, the message recalled, too many kinds on it) it is undone and this rejects with a
   * {@link ChatError}. Adding one I added already, or taking one away I did not add, does nothing.
   */
  react(messageId: string, reaction: string, add?: boolean): Promise<void>;
  /**
   * One page of who reacted to a message with `reaction` (4.x `getReactionDetail`), earliest first:
   * the first page without `cursor`, the next with the `cursor` of the one before (`null`: that was
   * the last). A message keeps only the first 20 of each reaction; this reads them all. Rejects
   * with a {@link ChatError} (offline, not a member any more, the message gone).
   */
  reactors(messageId: string, reaction: string, cursor?: string): Promise<Reactors>;
  /**
   * Queues an attachment (it shows at once as `pending` with {@link uploadProgress$}), uploads it and
   * sends it. The file is kept in IndexedDB until sent, so a reload still sends it (once). Rejects,
   * storing nothing, for an empty file, one larger than the app's limit, or a `kind` the file's type
   * does not fit (`img` needs `image/*`, `audio` `audio/*`, `video` `video/*`).
   */
  sendFile(conversationId: string, file: File, options?: SendFileOptions): Promise<ChatMessage>;
  /** Queues a location message. Rejects for an empty address or coordinates out of range. */
  sendLocation(conversationId: string, location: Location): Promise<ChatMessage>;
  /** Queues a `custom` message. */
  sendCustom(conversationId: string, custom: CustomContent, ext?: Ext): Promise<ChatMessage>;
  /**
   * Sends a `cmd` message (not stored here; resolves once the server acked it). With
   * `deliverOnlineOnly` (the 4.x SDK's option) the server stores it nowhere either: only the
   * sessions open now get it, never a device that connects later, as a typing indicator wants.
   */
  sendCommand(
    conversationId: string,
    action: string,
    ext?: Ext,
    options?: { deliverOnlineOnly?: boolean },
  ): Promise<void>;
  /**
   * Stops a pending attachment: the upload is aborted and the message removed (it never reached
   * anyone). Resolves `false` when it was too late (already sent) or there is no such message.
   */
  cancelUpload(messageId: string): Promise<boolean>;
  /**
   * Delete for me (4.x `removeHistoryMessages`): messages of one conversation, by id, leave this
   * device and my other devices and tabs (also those offline now, when they come back); the others
   * keep theirs. Unread counts and the conversation's last message follow. A message never sent
   * (pending or failed) is only removed here; one on its way follows on the server once it arrived.
   * Offline, it is done here at once and kept in IndexedDB (a reload forgets nothing) until the
   * connection is back, then asked of the server once. Rejects with a {@link ChatError} in plain
   * words (not here, a group I left) and then deletes nothing.
   */
  deleteMessages(messageIds: string[]): Promise<void>;
  /**
   * Takes a conversation off my list (4.x `deleteConversation`), with its messages unless
   * `withMessages` is false (they then come back with the conversation, as on the server), here and
   * on my other devices; a new message brings it back. A room's, which the server keeps no history
   * of, only leaves this device. Rejects like {@link deleteMessages}.
   */
  deleteConversation(conversationId: string, withMessages?: boolean): Promise<void>;
  /** Sends a `failed` message again, under the same id. */
  retry(messageId: string): Promise<void>;
  /**
   * Recalls an own sent message for everyone (within the app's window, 2 minutes by default): it
   * becomes a "recalled" notice here, on my other devices and at the peer's. Rejects with a
   * {@link ChatError} in plain words (too late, not mine, not sent yet, offline).
   */
  recall(messageId: string): Promise<void>;
  /**
   * Extends {@link messages$} of a conversation by one page of older messages: from IndexedDB first,
   * then from the server's history, merged by id so nothing shows twice and nothing is skipped.
   * Resolves with how many messages were added and whether the start of the conversation is reached.
   */
  loadOlder(conversationId: string): Promise<{ added: number; exhausted: boolean }>;
  /**
   * Fetches an attachment's bytes (with the token and the share secret) and resolves with an object
   * URL for `<img src>` and friends; cached per message, revoked on logout. `thumbnail: true` fetches
   * the preview instead (falling back to the original when there is none).
   */
  fetchFile(message: ChatMessage, options?: { thumbnail?: boolean }): Promise<string>;
  /**
   * Makes a conversation the active one (creating it if new) and marks it read. For `singleChat` (the
   * default) the id is a username as typed: it is trimmed and lowercased; rejects when the server
   * says there is no such user. For `groupChat` / `chatRoom` the id is the group's / room's, and I
   * must be a member. `send`, `sendFile` and the others use the conversation's chat type.
   */
  openConversation(conversationId: string | null, chatType?: ChatType): Promise<void>;
  /**
   * The person has seen the whole conversation: unread goes to zero, and the peer gets a read receipt
   * for their newest message (plus a conversation-level `channel` ack), so my other devices and the
   * server agree. Call it only when the newest messages are actually on screen. The store calls it
   * itself for the active conversation when the page becomes visible and when a message arrives in
   * the active conversation while the page is visible.
   */
  markRead(conversationId: string): Promise<void>;
  /**
   * The person has seen the conversation up to `messageId` (e.g. the last bubble scrolled into view):
   * unread drops to the peer's messages after it, and the peer gets a read receipt for it. Acks never
   * move backwards; an id that is not a peer's message acks the newest peer message before it.
   */
  markSeen(conversationId: string, messageId: string): Promise<void>;
}
