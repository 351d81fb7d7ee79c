/**
 * The store's stored lists (contacts, groups, rooms and the rest of {@link ListKey}) as live
 * queries, and the {@link SocialHost} that gives them, with their writes and notices, to the social
 * modules (`contacts.ts`, `groups.ts`, `chat-rooms.ts`, `moderation-actions.ts`).
 */
import { type Observable, type Subject, filter, of, shareReplay, switchMap } from 'rxjs';
import { upsertConversations } from './conversations-repo.js';
import type { ListKey, ListOf } from './database.js';
import { readList, readNicknames, updateList } from './lists-repo.js';
import { liveQuery } from './live-query.js';
import type { SocialHost } from './social.js';
import { type StoreCore, quietly } from './store-core.js';
import type { ChatNotice } from './types.js';

/** How many notices are remembered as said (more than a replay brings at once). */
const NOTICED = 500;

/** The social modules' host over `core`; a notice said for the first time goes to `notices`. */
export function socialHost(core: StoreCore, notices: Subject<ChatNotice>): SocialHost {
  const lists = new Map<string, Observable<unknown[]>>();
  /** A stored list, live; empty while no one is signed in. */
  const list$ = <K extends ListKey>(key: K): Observable<ListOf<K>> => {
    let query = lists.get(key);
    if (!query) {
      query = core.shown.pipe(
        switchMap((session) =>
          session
            ? liveQuery(core.changes.pipe(filter((change) => change.list === key)), () =>
                quietly(() => readList(session.db, key)),
              )
            : of([]),
        ),
        shareReplay({ bufferSize: 1, refCount: true }),
      );
      lists.set(key, query);
    }
    return query as Observable<ListOf<K>>;
  };
  const host: SocialHost = {
    session: () => core.requireSession(),
    current: (session) => core.session.value === session,
    list$,
    update: async (session, key, change) => {
      const changed = await core.whileOpen(() => updateList(session.db, key, change));
      if (changed) core.signal({ list: key });
      return changed === true;
    },
    conversations: async (session, entries) => {
      const changed = await core.whileOpen(() => upsertConversations(session.db, entries));
      if (changed) core.changed();
      return changed === true;
    },
    changed: (conversationId) => core.changed(conversationId),
    notice: async (session, notice, key) => {
      // The last keys said are kept (in IndexedDB: a replay may come after a reload).
      if (
        await host.update(session, 'noticed', (keys) =>
          keys.includes(key) ? undefined : [...keys, key].slice(-NOTICED),
        )
      )
        notices.next({ ...notice, time: Date.now() });
    },
  };
  return host;
}

/** The nicknames the stored contacts and group members carry, live. */
export function nicknames$(core: StoreCore): Observable<Map<string, string>> {
  return core.shown.pipe(
    switchMap((session) =>
      session
        ? liveQuery(
            core.changes.pipe(
              filter(({ list }) => list === 'contacts' || !!list?.startsWith('members:')),
            ),
            () => quietly(() => readNicknames(session.db)),
          )
        : of(new Map<string, string>()),
    ),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
}
