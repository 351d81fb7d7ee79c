/**
 * Visitors of a site and the team answering them (issue 9): signing in as this browser's guest,
 * user attributes (a visitor's display
 * name and e-mail, through the SDK's `updateOwnUserInfo` / `fetchUserInfoById`) and what the team's
 * inbox shows of each visitor: those attributes and the page the visitor wrote from first (the
 * `VisitorExt` keys of their first message's ext, read from the messages stored here).
 */
import {
  type Observable,
  auditTime,
  combineLatest,
  distinctUntilChanged,
  filter,
  from,
  map,
  merge,
  of,
  startWith,
  switchMap,
  catchError,
  tap,
} from 'rxjs';
import {
  type Ext,
  type GuestResponse,
  RestRoutes,
  type UserMetadata,
  VisitorExt,
  routeParts,
} from '../protocol/index.js';
import { utils } from '../sdk/index.js';
import { forgetGuest, readGuest, saveGuest, saveProfile } from './database.js';
import { Codes, actionError, toChatError } from './errors.js';
import { liveQuery } from './live-query.js';
import { renameConversation } from './conversations-repo.js';
import { conversationRange } from './messages-repo.js';
import { restBase } from './sdk-connection.js';
import type { Session } from './session.js';
import { isTransientLoginFailure } from './session-lifecycle.js';
import { type StoreCore, quietly } from './store-core.js';
import type { GuestInput, UserDetails, VisitorInfo } from './types.js';

/** A route of the protocol's table (without parameters) on the store's server and app. */
function restUrl(core: StoreCore, route: string): string {
  const { appKey, apiUrl } = core.connectionConfig();
  const [org = '', app = ''] = appKey.split('#').map(encodeURIComponent);
  return `${restBase(apiUrl)}/${org}/${app}${routeParts(route)[1]}`;
}

/**
 * The page a visitor wrote from (issue 9), from the `VisitorExt` keys of their first message's ext:
 * its address and title, or `{}`.
 */
export function visitorPageOf(ext: Ext | undefined): { page?: string; pageTitle?: string } {
  const page = ext?.[VisitorExt.page];
  const title = ext?.[VisitorExt.pageTitle];
  if (typeof page !== 'string') return {};
  return typeof title === 'string' ? { page, pageTitle: title } : { page };
}

/** Attributes are asked for again at most this often per visitor while messages keep coming. */
const REFRESH_MS = 5000;

/** The page a conversation's peer wrote from first, from the messages stored here. */
async function firstPage(session: Session, peer: string): Promise<VisitorInfo> {
  const index = session.db.transaction('messages').store.index('by-conversation-time');
  let cursor = await index.openCursor(conversationRange(peer));
  while (cursor) {
    const { from: sender, ext } = cursor.value;
    const where = sender === peer ? visitorPageOf(ext) : {};
    if (where.page) return where;
    cursor = await cursor.continue();
  }
  // A device that has not stored the conversation's messages yet (a new sign-in of the team) has
  // the server's last message on the conversation.
  const last = (await session.db.get('conversations', peer))?.lastMessage;
  return last?.from === peer ? visitorPageOf(last.ext) : {};
}

const sameInfo = (a: VisitorInfo, b: VisitorInfo) =>
  a.nickname === b.nickname &&
  a.mail === b.mail &&
  a.page === b.page &&
  a.pageTitle === b.pageTitle;

/** The lifecycle's sign-in with a password (`SessionLifecycle.loginAsGuest`). */
export type GuestSignIn = (username: string, password: string) => Promise<void>;

export class Visitors {
  constructor(private readonly core: StoreCore) {}

  /**
   * Signs in as this browser's guest (`ChatStoreApi.loginAsGuest`) through `signIn`: the guest kept
   * in the app's session database, else (or when the server refused it: it removed that guest) a
   * new one, minted and kept. A new guest signs in with its password as a kept one does, so the
   * session learns its token's lifetime the same way.
   */
  async signIn(input: GuestInput, signIn: GuestSignIn): Promise<void> {
    const sessions = await this.core.openSessionDb();
    const kept = await readGuest(sessions);
    if (kept) {
      try {
        return await signIn(kept.username, kept.password);
      } catch (error) {
        const failure = toChatError(error);
        // Only a refusal of the guest itself (the server removed it) makes a new one.
        if (failure.type === Codes.connectionClosed || isTransientLoginFailure(failure))
          throw failure;
        await forgetGuest(sessions);
      }
    }
    const nickname = input.nickname?.trim();
    let minted: GuestResponse;
    try {
      minted = (await utils.ajax({
        url: restUrl(this.core, RestRoutes.guest),
        method: routeParts(RestRoutes.guest)[0],
        data: nickname ? { nickname } : {},
      })) as GuestResponse;
    } catch (error) {
      throw toChatError(error);
    }
    const { username } = minted.user;
    await saveGuest(sessions, { username, password: minted.password });
    await signIn(username, minted.password);
  }

  /** Whether this browser keeps a guest of the app (`ChatStoreApi.hasGuest`). */
  async hasGuest(): Promise<boolean> {
    return !!(await readGuest(await this.core.openSessionDb()));
  }

  /**
   * Attributes of users, by username, with whether each is online now; users the server does not
   * know are absent. Rejects with a ChatError.
   */
  async userInfo(usernames: string[]): Promise<Record<string, UserDetails>> {
    const session = this.core.requireSession();
    try {
      const { data, online } = await session.connection.fetchUserInfoById(usernames);
      const result: Record<string, UserDetails> = {};
      for (const [name, attributes] of Object.entries(data))
        result[name] = { ...attributes, online: online[name] === true };
      return result;
    } catch (error) {
      throw toChatError(error);
    }
  }

  /** Sets my attributes; a new nickname shows as my name at once. Rejects with a ChatError. */
  async updateOwnInfo(info: UserMetadata): Promise<void> {
    const session = this.core.requireSession();
    let data: UserMetadata;
    try {
      ({ data } = await session.connection.updateOwnUserInfo(info));
    } catch (error) {
      // A refusal in the server's words (a value too long), not the sign-up's about usernames.
      throw actionError(error, 'contact');
    }
    const user = this.core.user.value;
    if (data.nickname && user && this.core.shown.value === session) {
      const profile = { ...user, nickname: data.nickname };
      await this.core.whileOpen(() => saveProfile(session.db, profile));
      this.core.user.next(profile);
    }
  }

  private async rename(session: Session, username: string, nickname: string): Promise<void> {
    // The session closed meanwhile (whileOpen), or it failed: the next refresh tries again.
    const renamed = await this.core
      .whileOpen(() => renameConversation(session.db, username, nickname))
      .catch(() => false);
    if (renamed && this.core.shown.value === session) this.core.changed();
  }

  /** See `ChatStoreApi.visitor$`. */
  visitor$(username: string): Observable<VisitorInfo> {
    const core = this.core;
    return core.shown.pipe(
      switchMap((session) => {
        if (!session) return of<VisitorInfo>({});
        const changes = core.changes.pipe(filter((c) => c.conversationId === username));
        // The conversation list changed too (the server's last message, learnt after a sign-in).
        const listChanges = core.changes.pipe(
          filter((c) => c.list === undefined && c.conversationId === undefined),
        );
        const page = liveQuery(merge(changes, listChanges), () =>
          quietly(() => firstPage(session, username)),
        );
        const attributes = changes.pipe(
          auditTime(REFRESH_MS),
          startWith(null),
          switchMap(() =>
            from(session.connection.fetchUserInfoById([username])).pipe(
              map(({ data }) => data[username] ?? {}),
              // A display name the visitor set after the conversation began names it from now on
              // (the list and the window), as one known at its start does (names.ts).
              tap(({ nickname }) => void (nickname && this.rename(session, username, nickname))),
              // Offline, or not allowed: the inbox shows what it has.
              catchError(() => of<UserMetadata>({})),
            ),
          ),
          startWith<UserMetadata>({}),
        );
        return combineLatest([page, attributes]).pipe(
          map(([where, { nickname, mail }]) => {
            const info: VisitorInfo = { ...where };
            if (nickname) info.nickname = nickname;
            if (mail) info.mail = mail;
            return info;
          }),
        );
      }),
      distinctUntilChanged(sameInfo),
    );
  }
}
