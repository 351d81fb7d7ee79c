/**
 * Contacts, contact requests and the blocklist in PostgreSQL ({@link PgStorage} delegates to it).
 * A change locks both users' rows first (sorted, as every transaction here), so two users asking
 * each other at once end as contacts, and its contact event goes to their inboxes in the same
 * transaction.
 */
import { all, lockUsers, one, run, type PgDatabase, type Queryable } from './pg-database.js';
import { appendUserEvent } from './pg-groups.js';
import type {
  AnswerContactOutcome,
  AppendedEvent,
  BlocklistChange,
  ContactChange,
  ContactRecord,
  ContactRequestRecord,
  NewUserEvent,
  RequestContactOutcome,
} from './storage.js';

const isContact = async (db: Queryable, appKey: string, a: string, b: string) =>
  (await one(db, 'SELECT 1 FROM contacts WHERE app_key = $1 AND username = $2 AND contact = $3', [
    appKey,
    a,
    b,
  ])) !== undefined;

const hasRequest = async (db: Queryable, appKey: string, from: string, to: string) =>
  (await one(
    db,
    'SELECT 1 FROM contact_requests WHERE app_key = $1 AND from_user = $2 AND to_user = $3',
    [appKey, from, to],
  )) !== undefined;

const count = async (db: Queryable, sql: string, values: unknown[]) =>
  (await one<{ n: number }>(db, sql, values))?.n ?? 0;

const contactsOf = (db: Queryable, appKey: string, username: string) =>
  count(db, 'SELECT count(*) AS n FROM contacts WHERE app_key = $1 AND username = $2', [
    appKey,
    username,
  ]);

async function makeContacts(db: Queryable, appKey: string, a: string, b: string, time: number) {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    await db.query(
      `INSERT INTO contacts (app_key, username, contact, since) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [appKey, x, y, time],
    );
  }
}

const blockedBy = async (db: Queryable, appKey: string, blocker: string) =>
  (
    await all<{ blocked: string }>(
      db,
      'SELECT blocked FROM blocks WHERE app_key = $1 AND blocker = $2 ORDER BY blocked',
      [appKey, blocker],
    )
  ).map((row) => row.blocked);

export class PgContacts {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  requestContact(
    appKey: string,
    request: ContactRequestRecord,
    contactsMax: number,
  ): Promise<ContactChange<RequestContactOutcome>> {
    return this.#db.tx(async (db) => {
      const { from, to, message, time } = request;
      // Both locked: two users asking each other at once must end as contacts, not two requests.
      await lockUsers(db, appKey, [from, to]);
      const unchanged = (outcome: RequestContactOutcome) => ({ outcome, events: [] });
      if (
        await one(db, 'SELECT 1 FROM blocks WHERE app_key = $1 AND blocker = $2 AND blocked = $3', [
          appKey,
          to,
          from,
        ])
      ) {
        return unchanged('blocked');
      }
      if (await isContact(db, appKey, from, to)) return unchanged('already-contacts');
      if (await hasRequest(db, appKey, from, to)) return unchanged('already-requested');
      if (await hasRequest(db, appKey, to, from)) {
        // They asked first: asking back is saying yes.
        if ((await contactsOf(db, appKey, from)) >= contactsMax) return unchanged('contacts-full');
        await db.query(
          'DELETE FROM contact_requests WHERE app_key = $1 AND from_user = $2 AND to_user = $3',
          [appKey, to, from],
        );
        await makeContacts(db, appKey, from, to, time);
        const event: NewUserEvent = { kind: 'contact', operation: 'accept', from, to, time };
        return {
          outcome: 'accepted' as const,
          events: await appendUserEvent(db, appKey, event, [from, to]),
        };
      }
      // Pending requests count too, or one user could keep thousands of them open.
      const used =
        (await contactsOf(db, appKey, from)) +
        (await count(
          db,
          'SELECT count(*) AS n FROM contact_requests WHERE app_key = $1 AND from_user = $2',
          [appKey, from],
        ));
      if (used >= contactsMax) return unchanged('contacts-full');
      await db.query(
        `INSERT INTO contact_requests (app_key, from_user, to_user, message, time)
         VALUES ($1, $2, $3, $4, $5)`,
        [appKey, from, to, message, time],
      );
      const event: NewUserEvent = {
        kind: 'contact',
        operation: 'request',
        from,
        to,
        status: message,
        time,
      };
      return {
        outcome: 'requested' as const,
        events: await appendUserEvent(db, appKey, event, [from, to]),
      };
    });
  }

  answerContactRequest(
    appKey: string,
    me: string,
    from: string,
    accept: boolean,
    time: number,
    contactsMax: number,
  ): Promise<ContactChange<AnswerContactOutcome>> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [me, from]);
      if (!(await hasRequest(db, appKey, from, me))) {
        return { outcome: 'no-request' as const, events: [] };
      }
      if (accept && (await contactsOf(db, appKey, me)) >= contactsMax) {
        return { outcome: 'contacts-full' as const, events: [] };
      }
      await db.query(
        'DELETE FROM contact_requests WHERE app_key = $1 AND from_user = $2 AND to_user = $3',
        [appKey, from, me],
      );
      if (accept) await makeContacts(db, appKey, me, from, time);
      const event: NewUserEvent = {
        kind: 'contact',
        operation: accept ? 'accept' : 'decline',
        from: me,
        to: from,
        time,
      };
      return {
        outcome: 'answered' as const,
        events: await appendUserEvent(db, appKey, event, [me, from]),
      };
    });
  }

  removeContact(
    appKey: string,
    me: string,
    contact: string,
    time: number,
  ): Promise<ContactChange<'removed' | 'not-contacts'>> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [me, contact]);
      if (!(await isContact(db, appKey, me, contact))) {
        return { outcome: 'not-contacts' as const, events: [] };
      }
      await db.query(
        `DELETE FROM contacts WHERE app_key = $1
           AND ((username = $2 AND contact = $3) OR (username = $3 AND contact = $2))`,
        [appKey, me, contact],
      );
      const event: NewUserEvent = {
        kind: 'contact',
        operation: 'remove',
        from: me,
        to: contact,
        time,
      };
      return {
        outcome: 'removed' as const,
        events: await appendUserEvent(db, appKey, event, [me, contact]),
      };
    });
  }

  async listContacts(appKey: string, username: string): Promise<ContactRecord[]> {
    const rows = await all<{ contact: string; nickname: string | null }>(
      this.#db,
      `SELECT c.contact, u.nickname FROM contacts c
       LEFT JOIN users u ON u.app_key = c.app_key AND u.username = c.contact
       WHERE c.app_key = $1 AND c.username = $2 ORDER BY c.contact`,
      [appKey, username],
    );
    return rows.map((row) => ({ username: row.contact, nickname: row.nickname }));
  }

  async listContactRequests(appKey: string, username: string): Promise<ContactRequestRecord[]> {
    const rows = await all<{ from_user: string; to_user: string; message: string; time: number }>(
      this.#db,
      `SELECT from_user, to_user, message, time FROM contact_requests
       WHERE app_key = $1 AND (from_user = $2 OR to_user = $2)
       ORDER BY time, from_user, to_user`,
      [appKey, username],
    );
    return rows.map((row) => ({
      from: row.from_user,
      to: row.to_user,
      message: row.message,
      time: row.time,
    }));
  }

  block(
    appKey: string,
    blocker: string,
    usernames: string[],
    time: number,
    blocklistMax: number,
  ): Promise<BlocklistChange> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [blocker]);
      const current = await blockedBy(db, appKey, blocker);
      const added = [...new Set(usernames)].filter((name) => !current.includes(name));
      if (current.length + added.length > blocklistMax) {
        return { ok: false, blocked: current, events: [] };
      }
      const events: AppendedEvent[] = [];
      for (const blocked of added) {
        await db.query(
          'INSERT INTO blocks (app_key, blocker, blocked, time) VALUES ($1, $2, $3, $4)',
          [appKey, blocker, blocked, time],
        );
        // Only the blocker's devices learn of it; the blocked user is never told.
        const event: NewUserEvent = {
          kind: 'contact',
          operation: 'block',
          from: blocker,
          to: blocked,
          time,
        };
        events.push(...(await appendUserEvent(db, appKey, event, [blocker])));
      }
      return { ok: true, blocked: await blockedBy(db, appKey, blocker), events };
    });
  }

  unblock(
    appKey: string,
    blocker: string,
    blocked: string,
    time: number,
  ): Promise<BlocklistChange> {
    return this.#db.tx(async (db) => {
      await lockUsers(db, appKey, [blocker]);
      const deleted = await run(
        db,
        'DELETE FROM blocks WHERE app_key = $1 AND blocker = $2 AND blocked = $3',
        [appKey, blocker, blocked],
      );
      if (deleted === 0)
        return { ok: true, blocked: await blockedBy(db, appKey, blocker), events: [] };
      const event: NewUserEvent = {
        kind: 'contact',
        operation: 'unblock',
        from: blocker,
        to: blocked,
        time,
      };
      const events = await appendUserEvent(db, appKey, event, [blocker]);
      return { ok: true, blocked: await blockedBy(db, appKey, blocker), events };
    });
  }

  listBlocked(appKey: string, blocker: string): Promise<string[]> {
    return blockedBy(this.#db, appKey, blocker);
  }

  async isBlocked(appKey: string, blocker: string, blocked: string): Promise<boolean> {
    const row = await one(
      this.#db,
      'SELECT 1 FROM blocks WHERE app_key = $1 AND blocker = $2 AND blocked = $3',
      [appKey, blocker, blocked],
    );
    return row !== undefined;
  }

  async blockersOf(appKey: string, blocked: string): Promise<string[]> {
    const rows = await all<{ blocker: string }>(
      this.#db,
      'SELECT blocker FROM blocks WHERE app_key = $1 AND blocked = $2 ORDER BY blocker',
      [appKey, blocked],
    );
    return rows.map((row) => row.blocker);
  }
}
