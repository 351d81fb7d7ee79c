/**
 * Contacts and blocklists: friend requests and their answers, removal, blocking. Each change and
 * its ContactEvents are written by one storage call (so nobody misses an event, and two requests
 * racing each other cannot both pass a check); this layer checks the input and turns each refusal
 * into the documented error. Publishing the events is the caller's (the routes hold the bus).
 */
import { Limits } from '../../src/protocol/rest.js';
import type {
  AppendedEvent,
  AppRecord,
  ContactRecord,
  ContactRequestRecord,
  Storage,
} from '../storage/storage.js';
import { invalid, forbidden, notFound } from './errors.js';
import type { Users } from './users.js';

const contactsFull = `you have reached the limit of ${Limits.contactsMax} contacts (contactsMax), pending requests included`;

export class Contacts {
  readonly #storage: Storage;
  readonly #users: Users;

  constructor(storage: Storage, users: Users) {
    this.#storage = storage;
    this.#users = users;
  }

  async #requireUser(app: AppRecord, username: string): Promise<void> {
    if (!(await this.#users.find(app, username))) throw notFound(`no user ${username} in this app`);
  }

  /** `from` asks `to` to be contacts (or accepts `to`'s pending request to `from`). */
  async request(
    app: AppRecord,
    from: string,
    to: string,
    message: string,
  ): Promise<AppendedEvent[]> {
    if ([...message].length > Limits.requestMessageMaxChars) {
      throw invalid(
        `message must be at most ${Limits.requestMessageMaxChars} characters (requestMessageMaxChars)`,
      );
    }
    if (to === from) throw invalid('you cannot add yourself as a contact');
    await this.#requireUser(app, to);
    const request: ContactRequestRecord = { from, to, message, time: Date.now() };
    const { outcome, events } = await this.#storage.requestContact(
      app.key,
      request,
      Limits.contactsMax,
    );
    switch (outcome) {
      case 'requested':
      case 'accepted':
        return events;
      case 'blocked':
        throw forbidden(`${to} does not accept contact requests from you`);
      case 'already-contacts':
        throw invalid(`${to} is already your contact`);
      case 'already-requested':
        throw invalid(`you have already asked ${to}; wait for an answer`);
      case 'contacts-full':
        throw invalid(contactsFull);
    }
  }

  /** `me` accepts or declines the pending request from `from`. */
  async answer(
    app: AppRecord,
    me: string,
    from: string,
    accept: boolean,
  ): Promise<AppendedEvent[]> {
    const { outcome, events } = await this.#storage.answerContactRequest(
      app.key,
      me,
      from,
      accept,
      Date.now(),
      Limits.contactsMax,
    );
    switch (outcome) {
      case 'answered':
        return events;
      case 'no-request':
        throw notFound(`no pending contact request from ${from}`);
      case 'contacts-full':
        throw invalid(contactsFull);
    }
  }

  async remove(app: AppRecord, me: string, contact: string): Promise<AppendedEvent[]> {
    const { outcome, events } = await this.#storage.removeContact(app.key, me, contact, Date.now());
    if (outcome === 'not-contacts') throw notFound(`${contact} is not your contact`);
    return events;
  }

  list(app: AppRecord, username: string): Promise<ContactRecord[]> {
    return this.#storage.listContacts(app.key, username);
  }

  /** The usernames of the user's contacts (who hears about their presence). */
  async names(appKey: string, username: string): Promise<string[]> {
    return (await this.#storage.listContacts(appKey, username)).map((contact) => contact.username);
  }

  requests(app: AppRecord, username: string): Promise<ContactRequestRecord[]> {
    return this.#storage.listContactRequests(app.key, username);
  }

  /** Adds the users to `me`'s blocklist (the contact, if any, stays). */
  async block(
    app: AppRecord,
    me: string,
    usernames: string[],
  ): Promise<{ blocked: string[]; events: AppendedEvent[] }> {
    if (usernames.length === 0) throw invalid('usernames must name at least one user');
    if (usernames.includes(me)) throw invalid('you cannot block yourself');
    for (const username of new Set(usernames)) await this.#requireUser(app, username);
    const change = await this.#storage.block(
      app.key,
      me,
      usernames,
      Date.now(),
      Limits.blocklistMax,
    );
    if (!change.ok) {
      throw invalid(`a blocklist holds at most ${Limits.blocklistMax} users (blocklistMax)`);
    }
    return change;
  }

  /** Takes `user` off `me`'s blocklist; not being on it is no error (the list is the answer). */
  unblock(
    app: AppRecord,
    me: string,
    user: string,
  ): Promise<{ blocked: string[]; events: AppendedEvent[] }> {
    return this.#storage.unblock(app.key, me, user, Date.now());
  }

  blocklist(app: AppRecord, me: string): Promise<string[]> {
    return this.#storage.listBlocked(app.key, me);
  }

  /** Whether `blocker` blocked `user`: their 1:1, group and room messages do not reach `blocker`. */
  isBlocked(app: AppRecord, blocker: string, user: string): Promise<boolean> {
    return this.#storage.isBlocked(app.key, blocker, user);
  }

  /** Everyone who blocked `user` (group and room fan-out skips them). */
  blockersOf(app: AppRecord, user: string): Promise<string[]> {
    return this.#storage.blockersOf(app.key, user);
  }
}
