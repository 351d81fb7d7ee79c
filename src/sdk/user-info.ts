/**
 * User attributes (4.x `updateOwnUserInfo` / `updateUserInfo`, `fetchUserInfoById`) and openwebim's
 * guest sign-up (`registerGuest`), over the routes of visitors.ts. What is checked here is what the
 * real SDK checks before sending: a known attribute, string values, at least one user; the server
 * checks the rest (lengths, how many users) and answers `{error, error_description}`.
 */
import {
  UserMetadataKeys,
  type GuestRequest,
  type GuestResponse,
  type UserMetadata,
  type UsersMetadataRequest,
} from '../protocol/index.js';
import type { AjaxError } from './rest-client.js';
import type { ErrorEvent } from './types.js';

/** An attribute of {@link UserMetadata}: `nickname`, `avatarurl`, `mail`, `phone`, `gender`, `sign`, `birth`, `ext`. */
export type UserInfoKey = keyof UserMetadata;
export type UserInfo = UserMetadata;

/** What `updateOwnUserInfo` resolves with: all of my attributes as they now are. */
export interface UpdateOwnUserInfoResult {
  type: 0;
  data: UserInfo;
}

/** What `fetchUserInfoById` resolves with: the attributes of each user found, by username. */
export interface FetchUserInfoResult {
  type: 0;
  data: Record<string, UserInfo>;
  /** openwebim's: whether each user found has a session open now. */
  online: Record<string, boolean>;
}

/** `registerGuest`'s options (openwebim's; the classic SDKs have no guests). */
export interface RegisterGuestOptions extends GuestRequest {
  appKey?: string;
  apiUrl?: string;
  success?: (result: GuestResponse) => void;
  error?: (error: AjaxError) => void;
}

const isKey = (key: unknown): key is UserInfoKey =>
  (UserMetadataKeys as readonly unknown[]).includes(key);
const BAD = { type: -3, message: 'bad user attributes' } satisfies ErrorEvent;

/**
 * The body of `PUT /metadata/user/{me}` from `updateOwnUserInfo('nickname', 'Bob')` or
 * `updateOwnUserInfo({nickname: 'Bob', mail: '…'})`; throws -3 for none, an unknown key or a value
 * that is not a string.
 */
export function toMetadataUpdate(keyOrInfo: unknown, value?: unknown): UserInfo {
  const entries = Object.entries(
    typeof keyOrInfo === 'string' ? { [keyOrInfo]: value } : (keyOrInfo ?? {}),
  );
  if (!entries.length || entries.some(([k, v]) => !isKey(k) || typeof v !== 'string')) throw BAD;
  return Object.fromEntries(entries) as UserInfo;
}

/** The body of `POST /metadata/user/get` from `fetchUserInfoById(ids, properties)`; -3 as above. */
export function toMetadataQuery(ids: unknown, properties?: unknown): UsersMetadataRequest {
  const targets = [ids].flat().filter((id): id is string => typeof id === 'string' && id !== '');
  const wanted = properties == null ? [] : [properties].flat();
  if (!targets.length || !wanted.every(isKey)) throw BAD;
  return { targets, properties: wanted };
}
