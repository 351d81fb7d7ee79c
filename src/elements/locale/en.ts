/**
 * The English catalog: the source every translation follows, key for key. Keys are
 * `area.what`; entries are plain text with `{name}` placeholders, or, where a number changes the
 * words, an object of CLDR plural forms (`one`, `other`; a translation has the forms its language
 * uses: Arabic six, Japanese only `other`). The store's error sentences are part of it, as
 * `error.<key>` (their English lives once, in `src/store/errors.ts`).
 */
import { ChatErrorMessages as Messages } from '../../store/index.js';
import type { PluralForms } from './format.js';

const ui = {
  'common.close': 'Close',
  'common.cancel': 'Cancel',
  'common.loading': 'Loading…',
  'common.signingIn': 'Signing in…',
  'common.logOut': 'Log out',
  'common.unexpected': 'Something went wrong. Please try again.',
  'common.unread': { one: '{count} unread message', other: '{count} unread messages' },

  'login.signedInAs': 'Signed in as {name}',
  'login.account': 'Account',
  'login.logIn': 'Log in',
  'login.register': 'Register',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.nickname': 'Nickname (optional)',
  'login.creatingAccount': 'Creating account…',
  'login.loggingIn': 'Logging in…',
  'login.createAccount': 'Create account',
  'login.noAppKey': 'This chat is not set up: its app-key attribute is missing.',

  'widget.open': 'Open chat',
  'widget.close': 'Close chat',
  'widget.chat': 'Chat',
  'widget.back': 'Back to conversations',
  'widget.signedInAs': 'Signed in as',
  'widget.tokenFailed': 'Could not sign you in automatically: {reason}',

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

export const en = { ...ui, ...errors } satisfies Record<string, string | PluralForms>;

/** A message of the catalogs. */
export type MessageKey = keyof typeof en;

/** A complete translation: every key English has, plural entries as the target's forms. */
export type Translation = {
  [K in MessageKey]: (typeof en)[K] extends string ? string : PluralForms;
};
