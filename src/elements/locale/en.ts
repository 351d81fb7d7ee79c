/**
 * The English catalog: the source every translation follows, key for key. Keys are
 * `area.what`; entries are plain text with `{name}` placeholders, or, where a number changes the
 * words, an object of CLDR plural forms (`one`, `other`; a translation has the forms its language
 * uses: Arabic six, Japanese only `other`). The store's error and notice sentences are part of
 * it, as `error.<key>` and `notice.<key>` (their English lives once, in `src/store/errors.ts` and
 * `src/store/notices.ts`). The strings of the elements loaded when first shown are in
 * `en-panels.ts`, loaded with them.
 */
import {
  ChatErrorMessages as Messages,
  ChatNoticeSentences as Notices,
} from '../../store/index.js';
import type { panelStrings } from './en-panels.js';
import type { enVisitors } from './en-visitors.js';
import type { PluralForms } from './format.js';

const ui = {
  'common.close': 'Close',
  'common.cancel': 'Cancel',
  'common.loading': 'Loading…',
  'common.signingIn': 'Signing in…',
  'common.logOut': 'Log out',
  'common.unexpected': 'Something went wrong. Please try again.',
  'common.unread': { one: '{count} unread message', other: '{count} unread messages' },

  'common.accept': 'Accept',
  'common.decline': 'Decline',
  'common.acceptWhat': 'Accept {what}',
  'common.declineWhat': 'Decline {what}',
  'common.members': { one: '{count} member', other: '{count} members' },

  'preview.photo': 'Photo',
  'preview.voice': 'Voice message',
  'preview.video': 'Video',
  'preview.file': 'File',
  'preview.location': 'Location',
  'preview.custom': 'Message',
  'preview.named': '{kind}: {name}',
  'preview.youRecalled': 'You recalled a message',
  'preview.recalled': 'Message recalled',
  'preview.byYou': 'You: {text}',
  'preview.by': '{name}: {text}',

  'muted.untilUnmuted': 'muted until unmuted',
  'muted.until': 'muted until {time}',

  'login.signedInAs': 'Signed in as {name}',
  // The widget says these itself (`login.${problem}`), before the login form loads.
  'login.noAppKey': 'This chat is not set up: its app-key attribute is missing.',
  'login.unknownApp': 'This chat is not set up: the chat server has no app {appKey}.',
  'login.unreachable': 'The chat server cannot be reached. Please try again later.',

  'roster.chats': 'Chats',
  'roster.contacts': 'Contacts',
  'roster.groups': 'Groups',
  'roster.rooms': 'Rooms',
  'roster.lists': 'Chat lists',
  'roster.requests': { one: '{count} friend request', other: '{count} friend requests' },
  'roster.waiting': {
    one: '{count} waiting for your answer',
    other: '{count} waiting for your answer',
  },
  'roster.conversations': 'Conversations',
  'roster.noConversations': 'No conversations yet. Start one below.',
  'roster.startWith': 'Start a chat with',
  'roster.usernamePlaceholder': 'username',
  'roster.openChat': 'Open chat',
  'roster.deleteWith': 'Delete chat with {name}',

  'rooms.leave': 'Leave',

  'notices.dismiss': 'Dismiss',

  'widget.open': 'Open chat',
  'widget.close': 'Close chat',
  'widget.chat': 'Chat',
  'widget.back': 'Back to conversations',
  'widget.tokenFailed': 'Could not sign you in automatically: {reason}',
  'password.open': 'Change password',

  'window.signedOut': 'Signed out',
  'window.connecting': 'Connecting…',
  'window.online': 'Connected',
  'window.typing': '{name} is typing…',
  'window.reconnecting': 'Reconnecting…',
  'window.offline': 'Offline: messages will be sent when the connection is back',
  'window.groupLeft': 'You are no longer a member of this group.',
  'window.groupRemoved': 'You were removed from this group.',
  'window.groupDisbanded': 'This group was disbanded.',
  'window.roomLeft': 'You are not in this room any more.',
  'window.roomRemoved': 'You were removed from this room.',
  'window.roomClosed': 'This room was closed.',
  'window.choose': 'Choose a conversation to start chatting.',
  'window.logIn': 'Log in to chat.',
  'window.groupInfo': 'Group info',
  'window.roomInfo': 'Room info',
  'window.allMuted': 'Only admins can send messages now.',
  'window.messagesWith': 'Messages with {name}',
  'window.loadingOlder': 'Loading older messages…',
  'window.loadOlder': 'Load older messages',
  'window.empty': 'No messages yet. Say hello!',
  'window.image': 'Image',
  'window.mutedBanner':
    'An admin muted you in this group: you are {muted}, and your messages are not sent.',
  'window.roomMutedBanner':
    'An admin muted you in this room: you are {muted}, and your messages are not sent.',
  'window.attach': 'Attach a file',
  'window.emoji': 'Emoji',
  'window.stopRecording': 'Stop recording',
  'window.record': 'Record a voice message',
  'window.shareLocation': 'Share location',
  'window.message': 'Message',
  'window.placeholder': 'Write a message…',
  'window.send': 'Send',
  'window.you': 'You',
  'window.saidBy': '{name}:',
  'window.openMap': 'Open in OpenStreetMap',
  'window.custom': 'Custom message: {event}',
  'window.uploading': 'Uploading {name}',
  'window.cancelUpload': 'Cancel upload of {name}',
  'window.openImage': 'Open image {name}',
  'window.voiceNamed': 'Voice message {name}',
  'window.videoNamed': 'Video {name}',
  'window.playWhat': 'Play {duration}, {what}',
  'window.play': 'Play',
  'window.download': 'Download',
  'window.downloadWhat': 'Download {name}',
  'window.notSent': 'Not sent',
  'window.notSentBecause': 'Not sent: {reason}',
  'window.retry': 'Retry',
  'window.sending': 'Sending…',
  'window.sent': 'Sent',
  'window.delivered': 'Delivered',
  'window.read': 'Read',
  'window.recall': 'Recall',
  'window.moreActions': 'Message actions',
  'window.edit': 'Edit',
  'window.reply': 'Reply',
  'window.copy': 'Copy',
  'window.copyFailed': 'The text could not be copied.',
  'window.report': 'Report',
  'window.deleteForMe': 'Delete for me',
  'window.edited': 'edited',
  'window.editing': 'Editing your message',
  'window.replyingTo': 'Replying to {name}',
  'window.cancelEdit': 'Cancel editing',
  'window.cancelReply': 'Cancel the reply',
  'window.jumpToQuote': 'In reply to {name}: {text}. Show that message',
  'window.quoteGone': 'The quoted message is no longer available.',
  'window.reactWith': 'React with {emoji}',
  'window.unreactWith': 'Take back your {emoji}',
  'window.moreReactions': 'More reactions…',
  'window.reactions': 'Reactions',
  'window.reactionCount': { one: '{emoji}: {count} reaction', other: '{emoji}: {count} reactions' },
  'window.whoReacted': 'Who reacted',
  'window.locationBlocked':
    'Location access is blocked. Allow it for this site in the browser to share it.',
  'window.locationFailed': 'Your location could not be found.',
  'window.fileFailed': '{name}: {reason}',
  'window.micBlocked':
    'The microphone is blocked. Allow it for this site in the browser to record.',
  'window.micMissing': 'No microphone was found.',
  'window.micBusy': 'The microphone is in use by another program.',
  'window.micFailed': 'Recording could not start.',
} as const;

type ErrorKey = keyof typeof Messages;
type ErrorEntries = { readonly [K in ErrorKey & string as `error.${K}`]: (typeof Messages)[K] };

const errors = Object.fromEntries(
  Object.entries(Messages).map(([key, text]) => [`error.${key}`, text]),
) as ErrorEntries;

type NoticeKey = keyof typeof Notices;
type NoticeEntries = {
  readonly [K in NoticeKey & string as `notice.${K}`]: (typeof Notices)[K];
};

const notices = Object.fromEntries(
  Object.entries(Notices).map(([key, text]) => [`notice.${key}`, text]),
) as NoticeEntries;

const always = { ...ui, ...errors, ...notices } satisfies Record<string, string | PluralForms>;

/**
 * Every English string: the ones above, and those of the elements loaded when first shown, which
 * `en-panels.ts` adds here when one of those elements loads (until then they are absent), and
 * those of a site's visitors and their team's inbox, which `en-visitors.ts` adds with the chunks
 * that use them (conversation-target, `<chat-visitor-info>`).
 */
export const en = always as typeof always & typeof panelStrings & typeof enVisitors;

/** A message of the catalogs. */
export type MessageKey = keyof typeof en;

/** A complete translation: every key English has, plural entries as the target's forms. */
export type Translation = {
  [K in MessageKey]: (typeof en)[K] extends string ? string : PluralForms;
};
