/**
 * What I do to contacts and the blocklist (request, answer, remove, block, unblock): a chunk loaded
 * the first time one is used, since the signed-in page's budget is full and these are used only
 * from the Contacts tab (a chunk of its own) and the conversation's menu. Each asks the server and
 * applies its answer at once through {@link Contacts.apply}; the event that follows changes nothing
 * more; a refusal rejects with a ChatError in plain words and changes nothing. What the server
 * tells (the lists on connect, contact events, presence) stays in `contacts.ts`.
 */
import type { BlocklistResponse } from '../protocol/index.js';
import type { StoreConnection } from './connection-events.js';
import type { Contacts } from './contacts.js';
import { Messages, type RefusalWords } from './errors.js';
import { readList } from './lists-repo.js';
import { normalizeUsername } from './messages.js';
import { type SocialSession, attempt, replaced } from './social.js';

export class ContactActions {
  constructor(private readonly contacts: Contacts) {}

  async addContact(username: string, message = ''): Promise<void> {
    const session = this.contacts.host.session();
    const other = normalizeUsername(username);
    const theirs = (await this.requestOf(session, other))?.direction === 'incoming';
    await this.call(() => session.connection.addContact(other, message), {
      illegal: Messages.contactExists,
    });
    await this.contacts.apply(session, theirs ? 'accept' : 'request', other, false, message);
  }

  acceptContact(username: string): Promise<void> {
    return this.settle(username, 'accept', (c, other) => c.acceptContactInvite(other));
  }

  declineContact(username: string): Promise<void> {
    return this.settle(username, 'decline', (c, other) => c.declineContactInvite(other));
  }

  removeContact(username: string): Promise<void> {
    return this.settle(username, 'remove', (c, other) => c.deleteContact(other));
  }

  block(username: string): Promise<void> {
    return this.blocklist(username, (c, other) => c.addUsersToBlocklist({ name: [other] }));
  }

  unblock(username: string): Promise<void> {
    return this.blocklist(username, (c, other) => c.removeUserFromBlocklist({ name: other }));
  }

  /** Answers a request or removes a contact; applies it once the server agreed. */
  private async settle(
    username: string,
    operation: 'accept' | 'decline' | 'remove',
    call: (connection: StoreConnection, other: string) => Promise<unknown>,
  ): Promise<void> {
    const session = this.contacts.host.session();
    const other = normalizeUsername(username);
    await this.call(
      () => call(session.connection, other),
      operation === 'remove' ? {} : { notFound: Messages.noContactRequest },
    );
    await this.contacts.apply(session, operation, other);
  }

  /** Changes the blocklist; the server answers with the whole list, which is stored. */
  private async blocklist(
    username: string,
    call: (connection: StoreConnection, other: string) => Promise<BlocklistResponse>,
  ): Promise<void> {
    const session = this.contacts.host.session();
    const { data } = await this.call(() => call(session.connection, normalizeUsername(username)));
    await this.contacts.host.update(session, 'blocklist', (list) => replaced(list, data));
  }

  private async requestOf(session: SocialSession, username: string) {
    return (await readList(session.db, 'requests')).find((r) => r.username === username);
  }

  private call<T>(action: () => Promise<T>, words?: RefusalWords): Promise<T> {
    return attempt('contact', action, words);
  }
}
