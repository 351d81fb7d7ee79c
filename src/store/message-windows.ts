/**
 * Message windows: what `messages$(id)` shows of one conversation, and how `loadOlder` widens it,
 * from IndexedDB first and then from the server's history, with the paging state `history$` shows.
 */
import {
  BehaviorSubject,
  Observable,
  Subject,
  distinctUntilChanged,
  filter,
  firstValueFrom,
  of,
  shareReplay,
  switchMap,
} from 'rxjs';
import { readConversation } from './conversations-repo.js';
import { RECENT_MESSAGES } from './database.js';
import { Messages, chatError, toChatError } from './errors.js';
import { fromReceived, isCommand, normalizeUsername } from './messages.js';
import {
  compareMessages,
  readBetween,
  readHistory,
  readMessages,
  readOldestOnServer,
  readOlder,
  storeIncomingBatch,
} from './messages-repo.js';
import type { Session } from './session.js';
import type { StoreCore } from './store-core.js';
import type { ChatMessage, HistoryState } from './types.js';

/** Messages per `loadOlder` page from the server, and the least a page tries to bring. */
const HISTORY_PAGE = 50;
/** Messages per `loadOlder` page from IndexedDB, where a page costs a read and no round trip. */
const STORED_PAGE = 200;

const sameHistoryState = (a: HistoryState, b: HistoryState) =>
  a.loading === b.loading && a.exhausted === b.exhausted;

/** What `messages$` of one conversation shows, and how `loadOlder` widens it. */
interface MessageWindow {
  /** The time `messages$` starts at (`null`: the most recent {@link RECENT_MESSAGES}). */
  since: number | null;
  /** Pages `loadOlder` read, for the shown list to take in without reading the window again. */
  pages: Subject<OlderPage>;
  /** Change signals for the conversation so far: a page read before a later one may be stale. */
  version: number;
}

interface OlderPage {
  /** Oldest first, all older than (or as old as) what shows. */
  messages: ChatMessage[];
  /** {@link MessageWindow.version} when the page was read. */
  version: number;
}

export class MessageWindows {
  private readonly messageQueries = new Map<string, Observable<ChatMessage[]>>();
  private readonly windows = new Map<string, MessageWindow>();
  private readonly histories = new Map<string, BehaviorSubject<HistoryState>>();

  constructor(private readonly core: StoreCore) {
    // A page read before a change to its conversation may be stale (see `OlderPage.version`).
    core.subscriptions.add(
      core.changes.subscribe(({ conversationId }) => {
        const window = conversationId === undefined ? undefined : this.windows.get(conversationId);
        if (window) window.version += 1;
      }),
    );
  }

  /** The next user starts from the most recent page of every conversation. */
  reset(): void {
    for (const window of this.windows.values()) window.since = null;
    for (const state of this.histories.values()) state.next({ loading: false, exhausted: false });
  }

  /**
   * Messages of one conversation, oldest first: the most recent {@link RECENT_MESSAGES}, or from
   * the oldest one {@link loadOlder} brought in.
   */
  messages$(conversationId: string): Observable<ChatMessage[]> {
    let query = this.messageQueries.get(conversationId);
    if (!query) {
      query = this.core.shown.pipe(
        switchMap((session) => (session ? this.windowQuery(session, conversationId) : of([]))),
        shareReplay({ bufferSize: 1, refCount: true }),
      );
      this.messageQueries.set(conversationId, query);
    }
    return query;
  }

  /**
   * The live query behind `messages$`. The window is read whole on subscribe and after every change
   * to the conversation (at most one read in flight, as in `live-query.ts`), but a page `loadOlder`
   * read is put in front of what shows: paging through a long conversation then reads each message
   * once, instead of everything loaded so far for every page.
   */
  private windowQuery(session: Session, conversationId: string): Observable<ChatMessage[]> {
    const window = this.windowOf(conversationId);
    const changes = this.core.changes.pipe(
      filter((change) => change.conversationId === conversationId),
    );
    return new Observable<ChatMessage[]>((subscriber) => {
      let shown: ChatMessage[] | undefined;
      let reading = false;
      let dirty = false;
      const waiting: OlderPage[] = [];

      const read = (): void => {
        reading = true;
        dirty = false;
        const since = window.since;
        readMessages(session.db, conversationId, since === null ? RECENT_MESSAGES : { since }).then(
          (messages) => {
            shown = messages;
            subscriber.next(messages);
            settle();
          },
          (error: unknown) => {
            reading = false;
            // A closed database: the session is over, and the next one brings a new query.
            if (!(error instanceof DOMException)) subscriber.error(error);
          },
        );
      };
      const settle = (): void => {
        reading = false;
        if (dirty) return read();
        for (let page = waiting.shift(); page; page = waiting.shift()) {
          if (!take(page)) return;
        }
      };
      /** Puts a page in front of what shows; `false` when it had to read the window instead. */
      const take = (page: OlderPage): boolean => {
        if (!shown || page.version !== window.version) {
          // The conversation changed since the page was read: only a whole read is sure.
          waiting.length = 0;
          read();
          return false;
        }
        const newest = page.messages.at(-1);
        if (!newest) return true;
        // Only messages of the page's last millisecond can show already (a read since the page).
        const atEdge = new Set<string>();
        for (const message of shown) {
          if (message.time > newest.time) break;
          atEdge.add(message.id);
        }
        const added = page.messages.filter((message) => !atEdge.has(message.id));
        if (!added.length) return true;
        shown = [...added, ...shown];
        if (atEdge.size) shown.sort(compareMessages);
        subscriber.next(shown);
        return true;
      };

      const changed = changes.subscribe(() => {
        if (reading) dirty = true;
        else read();
      });
      const paged = window.pages.subscribe((page) => {
        if (reading) waiting.push(page);
        else take(page);
      });
      read();
      return () => {
        changed.unsubscribe();
        paged.unsubscribe();
      };
    });
  }

  history$(conversationId: string): Observable<HistoryState> {
    return this.historyOf(conversationId).pipe(distinctUntilChanged(sameHistoryState));
  }

  /**
   * Brings a page of history at once for a conversation opened with less than a page stored here
   * and never paged: one opened on a new device, with nothing of it stored or only the newest
   * messages the sync replayed (those no device of mine had reported received), or learnt from the
   * server's list. Otherwise it shows only those, under "Load older messages". The page is what
   * the server has older than the oldest stored (see `pageOlder`), so nothing shows twice. A
   * failure (offline) leaves the button to try again. True when it brought something.
   */
  async fillIfShort(conversationId: string): Promise<boolean> {
    const session = this.core.requireSession();
    const [stored, history] = await Promise.all([
      readMessages(session.db, conversationId, HISTORY_PAGE),
      readHistory(session.db, conversationId),
    ]);
    if (
      stored.length >= HISTORY_PAGE ||
      history.exhausted ||
      this.windowOf(conversationId).since !== null ||
      this.historyOf(conversationId).value.loading
    )
      return false;
    return this.loadOlder(conversationId).then(
      (page) => page.added > 0,
      () => false,
    );
  }

  async loadOlder(conversationId: string): Promise<{ added: number; exhausted: boolean }> {
    const session = this.core.requireSession();
    const peer = normalizeUsername(conversationId);
    const state = this.historyOf(peer);
    if (state.value.loading) await firstValueFrom(state.pipe(filter((s) => !s.loading)));
    state.next({ ...state.value, loading: true });
    try {
      const result = await this.pageOlder(session, peer);
      state.next({ loading: false, exhausted: result.exhausted });
      return result;
    } catch (error) {
      state.next({ ...state.value, loading: false });
      const failure = toChatError(error);
      // The REST messages are worded for sign-up and login (a refused argument reads as a bad
      // username); for a history page only these say something true.
      const meaningful: string[] = [
        Messages.networkDown,
        Messages.sessionExpired,
        Messages.rateLimited,
        Messages.serverError,
      ];
      throw meaningful.includes(failure.message)
        ? failure
        : chatError(failure.type, Messages.historyFailed);
    }
  }

  /**
   * One page older than what `messages$` shows: IndexedDB first, then the server, merged by id.
   * Only the new page is read (what shows is bounded by a time), so each page costs the same however
   * much is loaded already.
   */
  private async pageOlder(
    session: Session,
    peer: string,
  ): Promise<{ added: number; exhausted: boolean }> {
    const window = this.windowOf(peer);
    const version = window.version;
    // What shows starts at `boundary`: all of its millisecond once paged (the most recent page may
    // show only some). A server page can add more to that millisecond; those join as new.
    let boundary = window.since ?? Infinity;
    let atBoundary: ChatMessage[] = [];
    if (window.since === null) {
      const recent = await readMessages(session.db, peer);
      boundary = recent[0]?.time ?? Infinity;
      atBoundary = recent.filter((m) => m.time === boundary);
    } else {
      atBoundary = await readBetween(session.db, peer, boundary, boundary, false);
    }
    const shownAtBoundary = new Set(atBoundary.map((m) => m.id));
    let older = await readOlder(session.db, peer, boundary, STORED_PAGE);
    let history = await readHistory(session.db, peer);
    // The stored messages are gap-free back to the oldest one (the sync replays everything after
    // the cursor), so the server is asked only for what is older than that.
    for (
      let round = 0;
      older.length < HISTORY_PAGE && !history.exhausted && round < 10;
      round += 1
    ) {
      const from = await readOldestOnServer(session.db, peer);
      const chatType = from?.chatType ?? (await readConversation(session.db, peer))?.chatType;
      const page = await session.connection.history({
        peer,
        chatType: chatType ?? 'singleChat',
        cursor: from?.mid ?? null,
        pageSize: HISTORY_PAGE,
      });
      const messages: ChatMessage[] = [];
      for (const raw of page.messages) {
        const parsed = fromReceived(raw, session.username);
        if (parsed && !isCommand(parsed) && parsed.conversationId === peer) messages.push(parsed);
      }
      const results = await storeIncomingBatch(
        session.db,
        messages.map((message) => ({ message, unread: false })),
        { history: { conversationId: peer, exhausted: page.isLast } },
      );
      if (results.some((result) => result.conversationCreated)) this.core.changed();
      older = await readOlder(session.db, peer, boundary, HISTORY_PAGE);
      history = await readHistory(session.db, peer);
      // A page with nothing new that is not the last would loop forever on the same cursor.
      if (!page.isLast && !results.some((result) => result.isNew)) break;
    }
    const first = older[0];
    // Nothing older: the window still stops sliding (new messages add to it, and push nothing out).
    const from = first?.time ?? boundary;
    let added = 0;
    if (from !== Infinity) {
      // What shows starts at a time, so messages in the same millisecond as the page's oldest join
      // too, as do those of the boundary's the window did not show: count what now shows.
      const page = (await readBetween(session.db, peer, from, boundary, false)).filter(
        (message) => !shownAtBoundary.has(message.id),
      );
      window.since = from;
      if (page.length) window.pages.next({ messages: page, version });
      added = page.length;
    }
    const more = first ? await readOlder(session.db, peer, first.time, 1) : [];
    return { added, exhausted: history.exhausted && more.length === 0 };
  }

  windowOf(conversationId: string): MessageWindow {
    let window = this.windows.get(conversationId);
    if (!window) {
      window = { since: null, pages: new Subject<OlderPage>(), version: 0 };
      this.windows.set(conversationId, window);
    }
    return window;
  }

  private historyOf(conversationId: string): BehaviorSubject<HistoryState> {
    let state = this.histories.get(conversationId);
    if (!state) {
      state = new BehaviorSubject<HistoryState>({ loading: false, exhausted: false });
      this.histories.set(conversationId, state);
    }
    return state;
  }
}
