/** The domain services, built once over a storage and shared by the HTTP routes and the gateway. */
import { join } from 'node:path';
import type { ServerConfig } from '../config.js';
import type { Storage } from '../storage/storage.js';
import { DirectoryFileStore } from '../storage/file-store.js';
import { Apps } from './apps.js';
import { Chatfiles } from './chatfiles.js';
import { Contacts } from './contacts.js';
import { Groups } from './groups.js';
import { LoginBackoff } from './login-backoff.js';
import { MessageEdits } from './message-edits.js';
import { Deletions } from './deletions.js';
import { Reports } from './reports.js';
import { Reactions } from './reactions.js';
import { Messages } from './messages.js';
import { PasswordHasher } from './passwords.js';
import { localRateLimiters, type RateLimiter, type RateLimiters } from './rate-limiter.js';
import { Rooms } from './rooms.js';
import { Tokens } from './tokens.js';
import { Users } from './users.js';
import { Visitors } from './visitors.js';
import { SiteSignIn } from './site-sign-in.js';
import { VisitorLimits } from '../../src/protocol/visitors.js';

export interface Domain {
  apps: Apps;
  users: Users;
  tokens: Tokens;
  messages: Messages;
  /** Editing sent text messages. */
  edits: MessageEdits;
  /** Messages reported to the app's moderators. */
  reports: Reports;
  /** Reactions to messages. */
  reactions: Reactions;
  /** Delete for me: messages and conversations leave one user's view. */
  deletions: Deletions;
  chatfiles: Chatfiles;
  contacts: Contacts;
  groups: Groups;
  rooms: Rooms;
  /** Guests and user attributes (issue 9). */
  visitors: Visitors;
  /** App tokens and `inherit` (issue 9). */
  siteSignIn: SiteSignIn;
  /** The scrypt worker pool (closed with the server). */
  passwords: PasswordHasher;
  limits: {
    /** Per app key, per second. */
    register: RateLimiter;
    /** Per app key, per second. */
    token: RateLimiter;
    /** Per client IP, per minute. */
    tokenFailures: RateLimiter;
    /** Per app and user, per minute. */
    uploads: RateLimiter;
    /**
     * Contact requests plus group invitations (one per invitee), per minute, keyed
     * `${app.key}\n${username}` (see {@link invitationKey}).
     */
    invitations: RateLimiter;
    /** Guests minted, per app and client IP, per hour. */
    guests: RateLimiter;
  };
}

/** The key of `limits.invitations` for a user of an app. */
export const invitationKey = (appKey: string, username: string) => `${appKey}\n${username}`;

/**
 * `rateLimiters` makes the limiters: in this process by default, in Redis for several processes.
 */
export function createDomain(
  storage: Storage,
  config: ServerConfig,
  rateLimiters: RateLimiters = localRateLimiters,
): Domain {
  const apps = new Apps(storage, config.tokenTtlSeconds);
  const passwords = new PasswordHasher({ queuePerKey: config.passwordChecksPerAddress });
  const users = new Users(storage, passwords, new LoginBackoff());
  const chatfiles = new Chatfiles(
    storage,
    apps,
    new DirectoryFileStore(config.filesDir ?? join(config.dataDir, 'chatfiles')),
  );
  const limits = {
    register: rateLimiters('register', config.registerPerSecond, 1000),
    token: rateLimiters('token', config.tokenPerSecond, 1000),
    tokenFailures: rateLimiters('token-failures', config.tokenFailuresPerMinute, 60_000),
    uploads: rateLimiters('uploads', config.uploadsPerMinute, 60_000),
    invitations: rateLimiters('invitations', config.invitationsPerMinute, 60_000),
    guests: rateLimiters('guests', VisitorLimits.guestsPerHourPerAddress, 3600_000),
  };
  const groups = new Groups(storage, apps, users, limits.invitations, invitationKey);
  const rooms = new Rooms(storage);
  const tokens = new Tokens(storage);
  return {
    apps,
    users,
    tokens,
    siteSignIn: new SiteSignIn(storage, apps, tokens),
    messages: new Messages(storage, apps, users, chatfiles, groups, rooms),
    edits: new MessageEdits(storage, apps),
    reports: new Reports(storage),
    reactions: new Reactions(storage),
    deletions: new Deletions(storage, groups),
    chatfiles,
    contacts: new Contacts(storage, users),
    groups,
    rooms,
    visitors: new Visitors(storage, passwords, chatfiles),
    passwords,
    limits,
  };
}
