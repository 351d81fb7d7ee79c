/**
 * The limits the server enforces on every app (and the SDK checks before sending), and an app's
 * own when it sets none.
 */
import type { AppLimits } from './frame-limits.js';

/** Limits the server enforces on every app, and the SDK checks before sending. */
export const Limits = {
  /** Username: 1–64 bytes of `[a-z0-9_.-]`, lowercase (Agora). */
  usernameMaxBytes: 64,
  usernamePattern: /^[a-z0-9_.-]+$/,
  passwordMaxChars: 64,
  /** `reportMessage`: the category and the reason, in characters. */
  reportTypeMaxChars: 64,
  reportReasonMaxChars: 1000,
  nicknameMaxChars: 100,
  /** Default largest `txt` message text, in UTF-8 bytes (per app, `--max-message-bytes`). */
  messageMaxBytes: 16 * 1024,
  /** Largest JSON body the REST API reads. */
  restBodyMaxBytes: 16 * 1024,
  /** Default largest chatfile, in bytes (per app, `--max-file-bytes`). */
  fileMaxBytes: 10 * 1024 * 1024,
  /** Default recall window, in seconds (per app, `--recall-seconds`). */
  recallSeconds: 120,
  /** Largest history page. */
  historyPageMax: 100,
  /** Messages one `removeHistoryMessages` may delete by id (the 4.x SDK's limit). */
  deleteMessagesMax: 50,
  /** A contact request's or group application's message. */
  requestMessageMaxChars: 256,
  contactsMax: 3000,
  blocklistMax: 500,
  groupNameMaxChars: 128,
  groupDescriptionMaxChars: 512,
  /** A group's or room's announcement. */
  announcementMaxChars: 512,
  /** Default and ceiling of a group's `maxusers`, owner included (per app, `--max-group-members`). */
  groupMembersMax: 200,
  /** Groups a user may own or be in. */
  groupsPerUser: 100,
  /** Contact requests plus group invitations one user may send per minute. */
  invitationsPerMinute: 30,
  roomNameMaxChars: 128,
  roomMembersMax: 1000,
  /** Messages a room keeps for members who join later. */
  roomRecentMessages: 50,
  /** Default open sessions per user; past it the oldest is kicked (per app, `--max-sessions`). */
  sessionsPerUser: 10,
  /** Default bytes of live chatfiles one user may keep (per app, `--user-upload-quota`). */
  userUploadQuotaBytes: 1024 ** 3,
  /** Default bytes of live chatfiles a whole app may keep (per app, `--app-upload-quota`). */
  appUploadQuotaBytes: 50 * 1024 ** 3,
  /** Default days a chatfile stays downloadable (per app, `--file-ttl-days`). */
  chatfileTtlDays: 30,
  /** A reaction (emoji or short name), in characters (Agora's limit). */
  reactionMaxChars: 128,
  /** Kinds of reaction one message may carry (Agora's default). */
  reactionsPerMessageMax: 20,
  /** Messages one `getReactionList` may ask about. */
  reactionListMessagesMax: 100,
  /** `getReactionDetail`'s default and largest page. */
  reactionDetailPageDefault: 20,
  reactionDetailPageMax: 100,
  /** Group and room ids: 15 or more digits; usernames of that shape are refused. */
  numericIdPattern: /^[0-9]{15,}$/,
} as const;

/**
 * A group member's attributes (`setGroupMemberAttributes`, Agora's limits): a key of 1–16 bytes,
 * a value of at most 512, at most 32 keys and 4 KB of keys and values per member; a read of
 * several members names at most 10. Apart from {@link Limits}, which the widget carries: only the
 * server checks these.
 */
export const MemberAttributeLimits = {
  keyMaxBytes: 16,
  valueMaxBytes: 512,
  maxKeys: 32,
  maxBytes: 4096,
  readMaxUsers: 10,
} as const;

/** An app's limits when it sets none (what clients assume until `auth-ok` says otherwise). */
export const DefaultAppLimits: Readonly<AppLimits> = {
  messageMaxBytes: Limits.messageMaxBytes,
  fileMaxBytes: Limits.fileMaxBytes,
  recallSeconds: Limits.recallSeconds,
};
