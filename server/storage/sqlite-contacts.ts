/**
 * Contacts and blocklists in the embedded SQLite file. A contact is two rows, one per side; a
 * request is one row until it is answered. Each change and its inbox events are one transaction,
 * so both sides' devices learn of exactly what was stored.
 */
import type Database from 'better-sqlite3';
import type { AppendUserEvent, Transaction } from './sqlite-inbox.js';
import type {
  AnswerContactOutcome,
  BlocklistChange,
  ContactChange,
  ContactRecord,
  ContactRequestRecord,
  NewUserEvent,
  RequestContactOutcome,
  Storage,
} from './storage.js';

export class SqliteContacts {
  readonly #q;
  readonly #requestContact: Transaction<Storage['requestContact']>;
  readonly #answerContactRequest: Transaction<Storage['answerContactRequest']>;
  readonly #removeContact: Transaction<Storage['removeContact']>;
  readonly #block: Transaction<Storage['block']>;
  readonly #unblock: Transaction<Storage['unblock']>;

  constructor(db: Database.Database, appendUserEvent: AppendUserEvent) {
    const q = {
      isContact: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM contacts WHERE app_key = ? AND username = ? AND contact = ?',
      ),
      countContacts: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM contacts WHERE app_key = ? AND username = ?',
      ),
      countRequestsFrom: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM contact_requests WHERE app_key = ? AND from_user = ?',
      ),
      addContact: db.prepare<[string, string, string, number]>(
        `INSERT INTO contacts (app_key, username, contact, since) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      deleteContact: db.prepare<[string, string, string]>(
        'DELETE FROM contacts WHERE app_key = ? AND username = ? AND contact = ?',
      ),
      listContacts: db.prepare<[string, string], { contact: string; nickname: string | null }>(
        `SELECT c.contact, u.nickname FROM contacts c
         LEFT JOIN users u ON u.app_key = c.app_key AND u.username = c.contact
         WHERE c.app_key = ? AND c.username = ? ORDER BY c.contact`,
      ),
      hasRequest: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM contact_requests WHERE app_key = ? AND from_user = ? AND to_user = ?',
      ),
      addRequest: db.prepare(
        `INSERT INTO contact_requests (app_key, from_user, to_user, message, time)
         VALUES (@appKey, @from, @to, @message, @time)`,
      ),
      deleteRequest: db.prepare<[string, string, string]>(
        'DELETE FROM contact_requests WHERE app_key = ? AND from_user = ? AND to_user = ?',
      ),
      listRequests: db.prepare<
        [string, string, string, string],
        { from_user: string; to_user: string; message: string; time: number }
      >(
        `SELECT from_user, to_user, message, time FROM contact_requests
         WHERE app_key = ? AND from_user = ?
         UNION ALL
         SELECT from_user, to_user, message, time FROM contact_requests
         WHERE app_key = ? AND to_user = ?
         ORDER BY time, from_user, to_user`,
      ),
      isBlocked: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM blocks WHERE app_key = ? AND blocker = ? AND blocked = ?',
      ),
      addBlock: db.prepare<[string, string, string, number]>(
        'INSERT INTO blocks (app_key, blocker, blocked, time) VALUES (?, ?, ?, ?)',
      ),
      deleteBlock: db.prepare<[string, string, string]>(
        'DELETE FROM blocks WHERE app_key = ? AND blocker = ? AND blocked = ?',
      ),
      listBlocked: db.prepare<[string, string], { blocked: string }>(
        'SELECT blocked FROM blocks WHERE app_key = ? AND blocker = ? ORDER BY blocked',
      ),
      blockersOf: db.prepare<[string, string], { blocker: string }>(
        'SELECT blocker FROM blocks WHERE app_key = ? AND blocked = ? ORDER BY blocker',
      ),
    };
    this.#q = q;

    const makeContacts = (appKey: string, a: string, b: string, time: number) => {
      q.addContact.run(appKey, a, b, time);
      q.addContact.run(appKey, b, a, time);
    };
    const contactsOf = (appKey: string, username: string) =>
      q.countContacts.get(appKey, username)?.n ?? 0;

    this.#requestContact = db.transaction(
      (
        appKey: string,
        request: ContactRequestRecord,
        contactsMax: number,
      ): ContactChange<RequestContactOutcome> => {
        const { from, to, message, time } = request;
        const unchanged = (outcome: RequestContactOutcome) => ({ outcome, events: [] });
        if (q.isBlocked.get(appKey, to, from)) return unchanged('blocked');
        if (q.isContact.get(appKey, from, to)) return unchanged('already-contacts');
        if (q.hasRequest.get(appKey, from, to)) return unchanged('already-requested');
        if (q.hasRequest.get(appKey, to, from)) {
          // They asked first: asking back is saying yes.
          if (contactsOf(appKey, from) >= contactsMax) return unchanged('contacts-full');
          q.deleteRequest.run(appKey, to, from);
          makeContacts(appKey, from, to, time);
          const event: NewUserEvent = { kind: 'contact', operation: 'accept', from, to, time };
          return { outcome: 'accepted', events: appendUserEvent(appKey, event, [from, to]) };
        }
        // Pending requests count too, or one user could keep thousands of them open.
        const used = contactsOf(appKey, from) + (q.countRequestsFrom.get(appKey, from)?.n ?? 0);
        if (used >= contactsMax) return unchanged('contacts-full');
        q.addRequest.run({ appKey, from, to, message, time });
        const event: NewUserEvent = {
          kind: 'contact',
          operation: 'request',
          from,
          to,
          status: message,
          time,
        };
        return { outcome: 'requested', events: appendUserEvent(appKey, event, [from, to]) };
      },
    );

    this.#answerContactRequest = db.transaction(
      (
        appKey: string,
        me: string,
        from: string,
        accept: boolean,
        time: number,
        contactsMax: number,
      ): ContactChange<AnswerContactOutcome> => {
        if (!q.hasRequest.get(appKey, from, me)) return { outcome: 'no-request', events: [] };
        if (accept && contactsOf(appKey, me) >= contactsMax) {
          return { outcome: 'contacts-full', events: [] };
        }
        q.deleteRequest.run(appKey, from, me);
        if (accept) makeContacts(appKey, me, from, time);
        const event: NewUserEvent = {
          kind: 'contact',
          operation: accept ? 'accept' : 'decline',
          from: me,
          to: from,
          time,
        };
        return { outcome: 'answered', events: appendUserEvent(appKey, event, [me, from]) };
      },
    );

    this.#removeContact = db.transaction(
      (appKey: string, me: string, contact: string, time: number) => {
        if (!q.isContact.get(appKey, me, contact)) {
          return { outcome: 'not-contacts' as const, events: [] };
        }
        q.deleteContact.run(appKey, me, contact);
        q.deleteContact.run(appKey, contact, me);
        const event: NewUserEvent = {
          kind: 'contact',
          operation: 'remove',
          from: me,
          to: contact,
          time,
        };
        return {
          outcome: 'removed' as const,
          events: appendUserEvent(appKey, event, [me, contact]),
        };
      },
    );

    const blockedBy = (appKey: string, blocker: string) =>
      q.listBlocked.all(appKey, blocker).map((row) => row.blocked);

    this.#block = db.transaction(
      (
        appKey: string,
        blocker: string,
        usernames: string[],
        time: number,
        blocklistMax: number,
      ): BlocklistChange => {
        const current = blockedBy(appKey, blocker);
        const added = [...new Set(usernames)].filter((name) => !current.includes(name));
        if (current.length + added.length > blocklistMax) {
          return { ok: false, blocked: current, events: [] };
        }
        const events = added.flatMap((blocked) => {
          q.addBlock.run(appKey, blocker, blocked, time);
          // Only the blocker's devices learn of it; the blocked user is never told.
          const event: NewUserEvent = {
            kind: 'contact',
            operation: 'block',
            from: blocker,
            to: blocked,
            time,
          };
          return appendUserEvent(appKey, event, [blocker]);
        });
        return { ok: true, blocked: blockedBy(appKey, blocker), events };
      },
    );

    this.#unblock = db.transaction(
      (appKey: string, blocker: string, blocked: string, time: number): BlocklistChange => {
        if (q.deleteBlock.run(appKey, blocker, blocked).changes === 0) {
          return { ok: true, blocked: blockedBy(appKey, blocker), events: [] };
        }
        const event: NewUserEvent = {
          kind: 'contact',
          operation: 'unblock',
          from: blocker,
          to: blocked,
          time,
        };
        const events = appendUserEvent(appKey, event, [blocker]);
        return { ok: true, blocked: blockedBy(appKey, blocker), events };
      },
    );
  }

  async requestContact(appKey: string, request: ContactRequestRecord, contactsMax: number) {
    return this.#requestContact(appKey, request, contactsMax);
  }

  async answerContactRequest(
    appKey: string,
    me: string,
    from: string,
    accept: boolean,
    time: number,
    contactsMax: number,
  ) {
    return this.#answerContactRequest(appKey, me, from, accept, time, contactsMax);
  }

  async removeContact(appKey: string, me: string, contact: string, time: number) {
    return this.#removeContact(appKey, me, contact, time);
  }

  async listContacts(appKey: string, username: string): Promise<ContactRecord[]> {
    return this.#q.listContacts
      .all(appKey, username)
      .map((row) => ({ username: row.contact, nickname: row.nickname }));
  }

  async listContactRequests(appKey: string, username: string): Promise<ContactRequestRecord[]> {
    return this.#q.listRequests.all(appKey, username, appKey, username).map((row) => ({
      from: row.from_user,
      to: row.to_user,
      message: row.message,
      time: row.time,
    }));
  }

  async block(
    appKey: string,
    blocker: string,
    usernames: string[],
    time: number,
    blocklistMax: number,
  ): Promise<BlocklistChange> {
    return this.#block(appKey, blocker, usernames, time, blocklistMax);
  }

  async unblock(
    appKey: string,
    blocker: string,
    blocked: string,
    time: number,
  ): Promise<BlocklistChange> {
    return this.#unblock(appKey, blocker, blocked, time);
  }

  async listBlocked(appKey: string, blocker: string): Promise<string[]> {
    return this.#q.listBlocked.all(appKey, blocker).map((row) => row.blocked);
  }

  async isBlocked(appKey: string, blocker: string, blocked: string): Promise<boolean> {
    return this.blocks(appKey, blocker, blocked);
  }

  /** {@link isBlocked} in the caller's turn (the lookup cache reads through it). */
  blocks(appKey: string, blocker: string, blocked: string): boolean {
    return this.#q.isBlocked.get(appKey, blocker, blocked) !== undefined;
  }

  async blockersOf(appKey: string, blocked: string): Promise<string[]> {
    return this.#q.blockersOf.all(appKey, blocked).map((row) => row.blocker);
  }
}
