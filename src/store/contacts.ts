/**
 * Contacts, friend requests, the blocklist and presence: read from the server on every connect
 * (one transaction per list), then kept current by the SDK's contact events, including what I do
 * on my other devices (`onMultiDeviceEvent`). Presence is live only: it is never read back from
 * IndexedDB, and it is forgotten whenever the connection is not open, so a contact is never shown
 * online from stale data. What I do to contacts and the blocklist is `contact-actions.ts`, a chunk
 * loaded on first use.
 */
import { notice, type NoticeKey } from './notices.js';
import { BehaviorSubject, type Observable, combineLatest, map } from 'rxjs';
import type { SocialSource } from './connection-events.js';
import { type StoredContact } from './database.js';
import { isRecord, num, str } from './messages.js';
import {
  type SocialHost,
  type SocialSession,
  coalesced,
  newestFirst,
  replaced,
  without,
} from './social.js';
import type { Contact, ContactRequest } from './types.js';

/** `onMultiDeviceEvent` operations about contacts, as the contact operation they stand for. */
const MULTI_DEVICE = {
  contactAdd: 'request',
  contactAccept: 'accept',
  contactDecline: 'decline',
  contactRemove: 'remove',
} as const;

type ContactOperation = 'request' | 'accept' | 'decline' | 'remove';

/** Another user's change, as the operation it is to me, and what I am told when it changes something. */
const THEIRS: Partial<Record<SocialSource, readonly [ContactOperation, NoticeKey?]>> = {
  invited: ['request'],
  agreed: ['accept', 'contactAccepted'],
  refused: ['decline', 'contactDeclined'],
  deleted: ['remove', 'contactRemoved'],
};

export class Contacts {
  readonly contacts$: Observable<Contact[]>;
  readonly requests$: Observable<ContactRequest[]>;
  readonly blocklist$: Observable<string[]>;
  /** Who is online now, as the server last said (roster on connect, then presence events). */
  private readonly presence = new BehaviorSubject<ReadonlyMap<string, boolean>>(new Map());
  readonly host: SocialHost;
  /** A roster read after someone became a contact: it brings their nickname and presence. */
  private readonly rosterAgain: () => Promise<void>;

  constructor(host: SocialHost) {
    this.host = host;
    this.contacts$ = combineLatest([host.list$('contacts'), this.presence]).pipe(
      map(([list, online]) =>
        list
          .map((contact) => ({ ...contact, online: online.get(contact.username) === true }))
          .sort((a, b) => a.username.localeCompare(b.username)),
      ),
    );
    this.requests$ = host.list$('requests').pipe(map(newestFirst));
    this.blocklist$ = host.list$('blocklist').pipe(map((list) => [...list].sort()));
    this.rosterAgain = coalesced(async () => {
      await Promise.resolve()
        .then(() => this.readRoster(host.session()))
        .catch(() => undefined);
    });
  }

  /** The connection is not open: nobody's presence is known until the next refresh. */
  forgetPresence(): void {
    if (this.presence.value.size) this.presence.next(new Map());
  }

  /** Reads contacts (with presence), requests and the blocklist from the server. */
  async refresh(session: SocialSession): Promise<void> {
    await Promise.allSettled([
      this.readRoster(session),
      session.connection.getContactRequests().then(({ entities }) =>
        this.host.update(session, 'requests', (list) =>
          replaced(
            list,
            (entities ?? []).map((entry) => {
              const incoming = entry.to === session.username;
              return {
                direction: incoming ? 'incoming' : 'outgoing',
                username: incoming ? entry.from : entry.to,
                message: entry.message ?? '',
                time: entry.time,
              };
            }),
          ),
        ),
      ),
      session.connection
        .getBlocklist()
        .then(({ data }) => this.host.update(session, 'blocklist', (list) => replaced(list, data))),
    ]);
  }

  private async readRoster(session: SocialSession): Promise<void> {
    const roster = await session.connection.getRoster();
    if (!this.host.current(session)) return;
    const contacts: StoredContact[] = [];
    const online = new Map<string, boolean>();
    for (const item of Array.isArray(roster) ? roster : []) {
      if (typeof item?.name !== 'string') continue;
      contacts.push(
        item.nickname ? { username: item.name, nickname: item.nickname } : { username: item.name },
      );
      online.set(item.name, item.online === true);
    }
    await this.host.update(session, 'contacts', (list) => replaced(list, contacts));
    this.presence.next(online);
  }

  /** Applies one SDK callback about contacts, the blocklist or presence. */
  async handle(session: SocialSession, source: SocialSource, payload: unknown): Promise<void> {
    const me = session.username;
    if (source === 'presence') return this.presenceChanged(payload);
    if (source === 'blocklist') {
      // 3.x gives an object keyed by username; 4.x-style callers an array.
      const names = Array.isArray(payload)
        ? payload.filter((name): name is string => typeof name === 'string')
        : isRecord(payload)
          ? Object.keys(payload)
          : undefined;
      if (names) await this.host.update(session, 'blocklist', (list) => replaced(list, names));
      return;
    }
    if (!isRecord(payload)) return;
    if (source === 'multi-device') {
      const operation = MULTI_DEVICE[str(payload.operation) as keyof typeof MULTI_DEVICE];
      const target = str(payload.target);
      if (operation && target)
        await this.apply(session, operation, target, false, str(payload.data) ?? '');
      return;
    }
    const from = str(payload.from);
    const [operation, said] = THEIRS[source] ?? [];
    if (!from || from === me || !operation) return;
    const incoming = operation === 'request';
    const time = num(payload.time) ?? Date.now();
    await this.apply(session, operation, from, incoming, str(payload.status) ?? '', time);
    if (said)
      await this.host.notice(
        session,
        notice('contact', said, { from }, from),
        `contact|${source}|${from}|${time}`,
      );
  }

  private presenceChanged(payload: unknown): void {
    if (!Array.isArray(payload)) return;
    const next = new Map(this.presence.value);
    for (const entry of payload) {
      if (!isRecord(entry) || typeof entry.userId !== 'string') continue;
      const details = Array.isArray(entry.statusDetails) ? entry.statusDetails : [];
      next.set(
        entry.userId,
        details.some((detail) => isRecord(detail) && Number(detail.status) === 1),
      );
    }
    this.presence.next(next);
  }

  /**
   * A contact operation between me and `other`, from an event or from my own action's answer
   * (`contact-actions.ts`); `incoming`: a request is theirs to me. Applying it twice changes nothing
   * the second time.
   */
  async apply(
    session: SocialSession,
    operation: ContactOperation,
    other: string,
    incoming = false,
    message = '',
    time = Date.now(),
  ): Promise<void> {
    const { host } = this;
    if (operation === 'request') {
      await host.update(session, 'requests', (list) =>
        // A request to someone who asked me first is their request accepted (the server says so).
        list.some((r) => r.username === other)
          ? undefined
          : [
              ...list,
              { direction: incoming ? 'incoming' : 'outgoing', username: other, message, time },
            ],
      );
      return;
    }
    await host.update(session, 'requests', (list) => without(list, (r) => r.username === other));
    if (operation === 'decline') return;
    const added = await host.update(session, 'contacts', (list) =>
      operation === 'accept'
        ? list.some((c) => c.username === other)
          ? undefined
          : [...list, { username: other }]
        : without(list, (c) => c.username === other),
    );
    // The roster brings the new contact's nickname and presence.
    if (added && operation === 'accept') void this.rosterAgain();
  }
}
