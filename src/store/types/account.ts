/**
 * The store's shapes for the signed-in user: where the connection stands, who is signed in, how
 * to sign in, and the errors actions reject with. Re-exported by `../types.ts`.
 */
import type { UserMetadata } from '../../protocol/index.js';

/**
 * Where the store's connection stands.
 * - `signed-out`: no user (show the login form).
 * - `connecting`: a login or a token resume is under way.
 * - `online`: the socket is open and authenticated.
 * - `reconnecting`: the socket dropped; the SDK is trying again (sends go to the outbox).
 * - `offline`: the browser says it is offline, or reconnection gave up (sends go to the outbox).
 */
export type ConnectionStatus = 'signed-out' | 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface CurrentUser {
  username: string;
  nickname?: string;
}

/** A user's attributes (`mail`, `nickname`…) and whether they are online now. */
export interface UserDetails extends UserMetadata {
  online: boolean;
}

/** What the site's team sees of a visitor beside the conversation (see `visitor$`). */
export interface VisitorInfo {
  /** The display name the visitor set, if any. */
  nickname?: string;
  /** The e-mail the visitor left, if any. */
  mail?: string;
  /** The page the visitor wrote from first (its URL without query or fragment), and its title. */
  page?: string;
  pageTitle?: string;
}

export interface GuestInput {
  /** The guest's display name (may be set later with `updateOwnInfo`). */
  nickname?: string;
}

/** An error in the SDK's shape plus a sentence a person can read. */
export interface ChatError {
  /** A `WebIM.statusCode` value. */
  type: number;
  /** The REST `error` field when the server answered one (e.g. `duplicate_unique_property_exists`). */
  error?: string;
  /** The REST `error_description` when present. */
  description?: string;
  /** Plain words, in English: for logs, and for code without the elements. */
  message: string;
  /**
   * What went wrong, as a key of the store's `ChatErrorMessages` (`duplicateUser`,
   * `networkDown`…): the elements say it in the reader's language from it.
   */
  key?: string;
  /** The values of the message's `{placeholders}`, e.g. the server's `detail` of a limit. */
  params?: Record<string, string>;
}

export interface LoginInput {
  username: string;
  password: string;
}

export interface ChangePasswordInput {
  oldPassword: string;
  newPassword: string;
}

export interface TokenLoginInput {
  username: string;
  accessToken: string;
}

export interface RegisterInput {
  username: string;
  password: string;
  nickname?: string;
}
