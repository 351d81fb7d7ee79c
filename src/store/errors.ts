/**
 * Turns whatever the SDK rejects with into a {@link ChatError}: the SDK's code, the server's REST
 * `error` / `error_description` when there was one, and a sentence a person can act on.
 *
 * The SDK reports failures in the shapes of the classic Web IM API:
 * - REST: `{type: 17, data: responseText}` where `responseText` is the Agora error body
 *   `{error, error_description}` (or empty when the server could not be reached);
 * - password login: the same, or wrapped once more as `{type: 1, data: {type: 17, data}}`;
 * - socket: `{type, message}` with a `WebIM.statusCode` value (56 token expired, 28 bad token,
 *   204 no such user, 511 message too long, 510 disconnected, ...).
 */
import { ErrorDescriptions, RestErrors, statusCode } from '../protocol/index.js';
import type { ChatError } from './types.js';

/** The `WebIM.statusCode` values the store reads, by its own names, from the protocol's table. */
export const Codes = {
  requestTimeout: statusCode.REQUEST_TIMEOUT,
  openError: statusCode.WEBIM_CONNCTION_OPEN_ERROR,
  authError: statusCode.WEBIM_CONNCTION_AUTH_ERROR,
  disconnected: statusCode.WEBIM_CONNCTION_DISCONNECTED,
  ajaxError: statusCode.WEBIM_CONNCTION_AJAX_ERROR,
  uploadFileError: statusCode.WEBIM_UPLOADFILE_ERROR,
  uploadFileNoLogin: statusCode.WEBIM_UPLOADFILE_NO_LOGIN,
  downloadFileError: statusCode.WEBIM_DOWNLOADFILE_ERROR,
  downloadFileNoLogin: statusCode.WEBIM_DOWNLOADFILE_NO_LOGIN,
  downloadNoPermission: statusCode.WEBIM_DOWNLOADFILE_ERROR_NO_PERMISSION,
  downloadExpired: statusCode.WEBIM_DOWNLOADFILE_ERROR_EXPIRED,
  tokenNotAssigned: statusCode.WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR,
  clientOffline: statusCode.WEBIM_CONNCTION_CLIENT_OFFLINE,
  connectionClosed: statusCode.WEBIM_CONNECTION_CLOSED,
  connectionError: statusCode.WEBIM_CONNECTION_ERROR,
  tokenExpired: statusCode.WEBIM_TOKEN_EXPIRED,
  userNotFound: statusCode.USER_NOT_FOUND,
  messageParameterError: statusCode.MESSAGE_PARAMETER_ERROR,
  loginOnAnotherDevice: statusCode.WEBIM_CONNCTION_USER_LOGIN_ANOTHER_DEVICE,
  userRemoved: statusCode.WEBIM_CONNCTION_USER_REMOVED,
  alreadyLoggedIn: statusCode.WEBIM_USER_ALREADY_LOGIN,
  kickedByPasswordChange: statusCode.WEBIM_CONNCTION_USER_KICKED_BY_CHANGE_PASSWORD,
  clientLogout: statusCode.WEBIM_CONNCTION_CLIENT_LOGOUT,
  kickedByOtherDevice: statusCode.WEBIM_CONNCTION_USER_KICKED_BY_OTHER_DEVICE,
  mutedByAdmin: statusCode.USER_MUTED_BY_ADMIN,
  serverBusy: statusCode.SERVER_BUSY,
  serverUnknownError: statusCode.SERVER_UNKNOWN_ERROR,
  recallTimeLimit: statusCode.MESSAGE_RECALL_TIME_LIMIT,
  serviceNotEnabled: statusCode.SERVICE_NOT_ENABLED,
  notAllowedMuted: statusCode.SERVICE_NOT_ALLOW_MESSAGING_MUTE,
  currentLimiting: statusCode.MESSAGE_CURRENT_LIMITING,
  websocketDisconnected: statusCode.MESSAGE_WEBSOCKET_DISCONNECTED,
  messageSizeLimit: statusCode.MESSAGE_SIZE_LIMIT,
  sendTimeout: statusCode.MESSAGE_SEND_TIMEOUT,
  permissionDenied: statusCode.PERMISSION_DENIED,
  userNotFriend: statusCode.USER_NOT_FRIEND,
  groupNotJoined: statusCode.GROUP_NOT_JOINED,
  groupNotExist: statusCode.GROUP_NOT_EXIST,
  roomNotJoined: statusCode.CHATROOM_NOT_JOINED,
  roomNotExist: statusCode.CHATROOM_NOT_EXIST,
  requestAbort: statusCode.REQUEST_ABORT,
  localDbOperationFailed: statusCode.LOCAL_DB_OPERATION_FAILED,
  modifyNotExist: statusCode.MODIFY_MESSAGE_NOT_EXIST,
  modifyFormatError: statusCode.MODIFY_MESSAGE_FORMAT_ERROR,
  modifyFailed: statusCode.MODIFY_MESSAGE_FAILED,
} as const;

/**
 * Every failure the UI shows, by key, with its English words. An error carries its key (and the
 * values of its `{placeholders}`): the elements say it in the reader's language from their
 * catalogs (`error.<key>`); `message` keeps the English, for logs and code without the elements.
 */
export const Messages = {
  networkDown: 'Cannot reach the chat server. Check your connection and try again.',
  duplicateUser: 'That username is already taken. Choose another one.',
  usernameTooLong: 'That username is too long: at most 64 bytes.',
  illegalUsername:
    'That username is not allowed. Use lowercase letters, digits, “_”, “-” and “.” only.',
  emptyPassword: 'Enter a password.',
  passwordTooLong: 'That password is too long: at most 64 characters.',
  registrationClosed: 'This chat does not accept new accounts. Ask the site owner for one.',
  userLimit: 'This chat has reached its limit of users. Ask the site owner.',
  unknownApp: 'This chat app does not exist. Check the app key.',
  invalidPassword: 'Wrong password.',
  userNotFound: 'There is no user with that name.',
  badCredentials: 'Wrong username or password.',
  rateLimited: 'Too many attempts. Wait a moment and try again.',
  sessionExpired: 'Your session has expired. Sign in again.',
  badToken: 'The sign-in token is not valid. Sign in again.',
  signInFailed: 'Signing in failed. Try again.',
  kicked: 'You were signed out because your account signed in elsewhere.',
  passwordChanged: 'Your password was changed. Sign in with the new one.',
  signedOutElsewhere: 'You signed out in another tab or window.',
  userRemoved: 'This account has been removed.',
  tooLarge: 'That is too long.',
  serverError: 'The chat server had a problem. Try again later.',
  messageTooLong: 'This message is too long to send.',
  emptyMessage: 'Type a message first.',
  badMessage: 'The server refused this message.',
  muted: 'You are not allowed to send messages here.',
  sendingTooFast: 'You are sending too fast. Wait a moment and retry.',
  notSignedIn: 'Sign in first.',
  signInCancelled: 'Signing in was cancelled.',
  reconnectGaveUp: 'The connection to the chat server was lost.',
  storageUnavailable: 'This browser does not let the chat store its data here.',
  storageFailed: 'A message could not be saved on this device; it will be fetched again later.',
  messageNotStored: 'A message from {from} could not be saved on this device, so it is not shown.',
  emptyFile: 'That file is empty.',
  fileTooLarge: 'That file is too large to send.',
  wrongFileType: 'That file does not fit this kind of message.',
  filenameTooLong: 'That file name is too long.',
  uploadFailed: 'The file could not be uploaded. Try again.',
  uploadCancelled: 'The upload was cancelled.',
  fileGone: 'The file to send is no longer on this device.',
  downloadFailed: 'The file could not be downloaded. Try again.',
  downloadNotAllowed: 'You are not allowed to open that file.',
  downloadExpired: 'That file is no longer available.',
  noFile: 'This message has no file to open.',
  emptyAddress: 'Give the location an address.',
  addressTooLong: 'That address is too long.',
  badCoordinates: 'Those coordinates are not on Earth: latitude −90…90, longitude −180…180.',
  badCustom: 'That custom message is not valid: an event name and at most 32 text parameters.',
  badCommand: 'That command is not valid.',
  recallTooLate: 'Messages can only be recalled within 2 minutes.',
  recallNotMine: 'You can only recall your own messages.',
  recallNotSent: 'Only a sent message can be recalled.',
  recallDisabled: 'Recalling messages is turned off in this chat.',
  noSuchMessage: 'That message is not here any more.',
  editNotMine: 'You can only edit your own messages.',
  editTextOnly: 'Only text messages can be edited.',
  editGone: 'That message was recalled, so it cannot be edited.',
  editNotSent: 'Only a sent message can be edited.',
  cannotReact: 'You cannot react to this message.',
  tooManyReactions: 'This message has all the kinds of reaction it can have: add one of those.',
  historyFailed: 'Older messages could not be loaded. Try again.',
  groupNameMissing: 'Give the group a name.',
  mutedInGroup:
    'You are muted in this group, so your message was not sent. An owner or admin can unmute you.',
  blockedByPeer: 'This person does not accept messages from you.',
  notFriend: 'You can only message your contacts here. Send a contact request first.',
  notGroupMember: 'You are not a member of this group any more.',
  groupGone: 'This group does not exist any more.',
  groupNotAllowed: 'Only the group’s owner or admins can do that.',
  notRoomMember: 'You are not in this room. Join it first.',
  roomGone: 'This room does not exist any more.',
  roomNotAllowed: 'Only the room’s owner or a room admin can do that.',
  contactRefused: 'That user does not accept contact requests from you.',
  contactExists: 'That user is already a contact, or a request between you is already waiting.',
  noContactRequest: 'There is no waiting request from that user any more.',
  noInvitation: 'There is no waiting invitation to that group any more.',
  ownerCannotLeave:
    'As the owner you cannot leave: make another member owner, or disband the group.',
  overLimit: 'That goes over a limit of this chat: {detail}.',
  refused: 'The server refused that.',
  refusedBecause: 'The server refused that: {detail}.',
  unknown: 'Something went wrong. Try again.',
} as const;

/** A failure's key in {@link Messages}. */
export type ErrorKey = keyof typeof Messages;

/** One of the {@link Messages} sentences. */
export type ErrorSentence = (typeof Messages)[ErrorKey];

const keysBySentence = new Map<string, ErrorKey>(
  Object.entries(Messages).map(([key, sentence]) => [sentence, key as ErrorKey]),
);

/** A sentence's `{name}` placeholders filled in. */
const fill = (sentence: string, params: Record<string, string>) =>
  sentence.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);

interface RestErrorBody {
  error?: string;
  error_description?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * The store's errors: an `Error` (so it has a stack and works with `instanceof`) carrying the
 * {@link ChatError} fields.
 */
export class ChatStoreError extends Error implements ChatError {
  override readonly name = 'ChatStoreError';
  readonly type: number;
  readonly key: ErrorKey;
  readonly params?: Record<string, string>;
  readonly error?: string;
  readonly description?: string;

  /** `sentence` is one of {@link Messages}; `params` fill its placeholders. */
  constructor(
    type: number,
    sentence: ErrorSentence,
    rest: RestErrorBody = {},
    params?: Record<string, string>,
  ) {
    super(params ? fill(sentence, params) : sentence);
    this.type = type;
    this.key = keysBySentence.get(sentence) ?? 'unknown';
    if (params) this.params = params;
    if (rest.error) this.error = rest.error;
    if (rest.error_description) this.description = rest.error_description;
  }
}

/** Shorthand for `new ChatStoreError(...)`. */
export function chatError(
  type: number,
  sentence: ErrorSentence,
  rest: RestErrorBody = {},
  params?: Record<string, string>,
): ChatStoreError {
  return new ChatStoreError(type, sentence, rest, params);
}

function parseRestBody(data: unknown): RestErrorBody | undefined {
  if (typeof data !== 'string' || data.trim() === '') return undefined;
  try {
    const body: unknown = JSON.parse(data);
    return isRecord(body) ? (body as RestErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** Plain words for an Agora REST error body. */
export function restErrorMessage(body: RestErrorBody): ErrorSentence {
  const description = body.error_description ?? '';
  switch (body.error) {
    case RestErrors.duplicate:
      return Messages.duplicateUser;
    case RestErrors.illegalArgument:
      if (description === ErrorDescriptions.usernameTooLong) return Messages.usernameTooLong;
      if (description === ErrorDescriptions.passwordMissing) return Messages.emptyPassword;
      if (description === ErrorDescriptions.passwordTooLong) return Messages.passwordTooLong;
      return Messages.illegalUsername;
    case RestErrors.unauthorized:
      if (description === ErrorDescriptions.registrationClosed) return Messages.registrationClosed;
      return Messages.sessionExpired;
    case RestErrors.badToken:
      return Messages.sessionExpired;
    case RestErrors.resourceLimited:
      return Messages.userLimit;
    case RestErrors.appNotFound:
      return Messages.unknownApp;
    case RestErrors.invalidGrant:
      if (description === ErrorDescriptions.invalidPassword) return Messages.invalidPassword;
      if (description === ErrorDescriptions.userNotFound) return Messages.userNotFound;
      return Messages.badCredentials;
    case RestErrors.rateLimited:
      return Messages.rateLimited;
    case RestErrors.tooLarge:
      return Messages.tooLarge;
    case RestErrors.notFound:
      return Messages.userNotFound;
    case RestErrors.serverError:
      return Messages.serverError;
    default:
      return Messages.unknown;
  }
}

/** Plain words for a socket-level or send status code. */
export function codeMessage(code: number): ErrorSentence {
  switch (code) {
    case Codes.tokenExpired:
      return Messages.sessionExpired;
    case Codes.tokenNotAssigned:
      return Messages.badToken;
    case Codes.userNotFound:
      return Messages.userNotFound;
    case Codes.authError:
    case Codes.openError:
      return Messages.signInFailed;
    case Codes.loginOnAnotherDevice:
    case Codes.kickedByOtherDevice:
      return Messages.kicked;
    case Codes.kickedByPasswordChange:
      return Messages.passwordChanged;
    case Codes.clientLogout:
      return Messages.signedOutElsewhere;
    case Codes.userRemoved:
      return Messages.userRemoved;
    case Codes.messageSizeLimit:
      return Messages.messageTooLong;
    case Codes.messageParameterError:
      return Messages.badMessage;
    case Codes.mutedByAdmin:
      return Messages.muted;
    case Codes.notAllowedMuted:
      return Messages.mutedInGroup;
    case Codes.permissionDenied:
      return Messages.blockedByPeer;
    case Codes.userNotFriend:
      return Messages.notFriend;
    case Codes.groupNotJoined:
      return Messages.notGroupMember;
    case Codes.groupNotExist:
      return Messages.groupGone;
    case Codes.roomNotJoined:
      return Messages.notRoomMember;
    case Codes.roomNotExist:
      return Messages.roomGone;
    case Codes.currentLimiting:
      return Messages.sendingTooFast;
    case Codes.serverBusy:
    case Codes.serverUnknownError:
      return Messages.serverError;
    case Codes.disconnected:
      return Messages.reconnectGaveUp;
    case Codes.recallTimeLimit:
      return Messages.recallTooLate;
    case Codes.serviceNotEnabled:
      return Messages.recallDisabled;
    case Codes.uploadFileError:
    case Codes.uploadFileNoLogin:
      return Messages.uploadFailed;
    case Codes.requestAbort:
      return Messages.uploadCancelled;
    case Codes.downloadFileError:
    case Codes.downloadFileNoLogin:
      return Messages.downloadFailed;
    case Codes.downloadNoPermission:
      return Messages.downloadNotAllowed;
    case Codes.downloadExpired:
      return Messages.downloadExpired;
    case Codes.requestTimeout:
    case Codes.clientOffline:
    case Codes.connectionClosed:
    case Codes.connectionError:
    case Codes.websocketDisconnected:
    case Codes.sendTimeout:
      return Messages.networkDown;
    default:
      return Messages.unknown;
  }
}

/**
 * Maps anything the SDK (or `fetch`) rejects with to a {@link ChatError}. Never throws: input it does
 * not recognise becomes {@link Messages.unknown} with the SDK's code when there is one.
 */
export function toChatError(reason: unknown): ChatStoreError {
  if (reason instanceof ChatStoreError) return reason;
  // `fetch` rejects with a TypeError when the server cannot be reached at all.
  if (reason instanceof TypeError) return chatError(Codes.ajaxError, Messages.networkDown);
  if (!isRecord(reason)) return chatError(-2, Messages.unknown);

  const type = typeof reason.type === 'number' ? reason.type : -2;
  // Password login wraps the REST failure once more: {type: 1, data: {type: 17, data}}.
  if (isRecord(reason.data) && reason.data.type === Codes.ajaxError)
    return toChatError(reason.data);

  if (type === Codes.ajaxError) {
    const body = parseRestBody(reason.data);
    // An empty or non-JSON body means no server answered: the network (or the server) is down.
    if (!body?.error) return chatError(type, Messages.networkDown);
    return chatError(type, restErrorMessage(body), body);
  }
  return chatError(type, codeMessage(type));
}

/** What a contact, group or room action is about, for the words of a REST refusal. */
export type ActionSubject = 'contact' | 'group' | 'room';

/** Plain words for the REST refusals of a subject; an action may say something more exact. */
export interface RefusalWords {
  forbidden?: ErrorSentence;
  notFound?: ErrorSentence;
  illegal?: ErrorSentence;
}

const REFUSALS: Record<ActionSubject, Required<Omit<RefusalWords, 'illegal'>>> = {
  contact: { forbidden: Messages.contactRefused, notFound: Messages.userNotFound },
  group: { forbidden: Messages.groupNotAllowed, notFound: Messages.groupGone },
  room: { forbidden: Messages.roomNotAllowed, notFound: Messages.roomGone },
};

/**
 * A failed contact, group or room action as a {@link ChatError}: the REST refusals in words about
 * that subject (the generic REST words are about signing up), a limit with the server's description
 * of it (it names the limit), and socket codes (602, 605, 702…) as {@link codeMessage} says them.
 */
export function actionError(
  reason: unknown,
  subject: ActionSubject,
  words: RefusalWords = {},
): ChatStoreError {
  const error = toChatError(reason);
  if (error.type !== Codes.ajaxError || !error.error) return error;
  const description = error.description ?? '';
  const limit = /limit|max|too (many|long)|full/i.test(description);
  let sentence: ErrorSentence;
  switch (error.error) {
    case RestErrors.notFound:
      sentence = words.notFound ?? REFUSALS[subject].notFound;
      break;
    case RestErrors.forbidden:
      sentence = limit ? Messages.overLimit : (words.forbidden ?? REFUSALS[subject].forbidden);
      break;
    case RestErrors.illegalArgument:
      sentence = limit
        ? Messages.overLimit
        : (words.illegal ?? (description ? Messages.refusedBecause : Messages.refused));
      break;
    default:
      return error;
  }
  const rest: RestErrorBody = { error: error.error };
  if (description) rest.error_description = description;
  // The server's own words for the limit or the refusal: they name what it was.
  return chatError(error.type, sentence, rest, description ? { detail: description } : undefined);
}

/**
 * Send failures that mean "not now" rather than "never": the message stays `pending` in the outbox
 * and goes out again when the connection is back.
 */
export function isTransientSendFailure(code: number): boolean {
  return (
    code === Codes.websocketDisconnected ||
    code === Codes.sendTimeout ||
    code === Codes.requestTimeout ||
    code === Codes.disconnected ||
    code === Codes.clientOffline ||
    code === Codes.connectionClosed ||
    code === Codes.connectionError
  );
}

/** Codes after which the saved session is useless: the user must sign in again. */
export function endsSession(code: number): boolean {
  return (
    code === Codes.tokenExpired ||
    code === Codes.tokenNotAssigned ||
    code === Codes.loginOnAnotherDevice ||
    code === Codes.userRemoved ||
    code === Codes.kickedByPasswordChange ||
    code === Codes.kickedByOtherDevice ||
    code === Codes.clientLogout
  );
}
