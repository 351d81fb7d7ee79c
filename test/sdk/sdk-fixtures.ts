// Shared set-up of the SDK tests: connections to real test servers, and a recorder of their events.
import { expect } from '@open-wc/testing';
import WebIM, {
  type Connection,
  type ConnectionOptions,
  type ErrorEvent,
} from '../../src/sdk/index.js';
import { uniqueName, type TestServer } from '../support/servers.js';

export const APP_KEY = 'demo#chat';

/** Polls `read` until it returns something truthy; fails after `timeoutMs`. */
export async function until<T>(
  read: () => T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the SDK resolves an accepted group or room action with. */
export const OK = { data: { result: true } };

/** The first `name` event of `events` (e.g. `onGroupEvent`) whose payload has `fields`. */
export function waitFor<T>(
  events: Recorder,
  name: string,
  fields: Record<string, unknown>,
): Promise<T> {
  const matches = (payload: unknown) =>
    Object.entries(fields).every(
      ([key, value]) => (payload as Record<string, unknown>)[key] === value,
    );
  return until(
    () => events.all(name).find(([payload]) => matches(payload))?.[0] as T | undefined,
    `${name} ${JSON.stringify(fields)} (seen: ${JSON.stringify(events.all(name))})`,
  );
}

/** The error `work` is refused with; fails the test if it succeeds. */
export async function failure(work: Promise<unknown>): Promise<ErrorEvent & { data?: string }> {
  return work.then(
    () => expect.fail('should have been refused'),
    (error: ErrorEvent & { data?: string }) => error,
  );
}

export interface RecordedEvent {
  name: string;
  args: unknown[];
}

/**
 * Records every `on*` callback of a connection, in order: through `addEventHandler` (4.x), or
 * with `id` null, as the 3.x `listen` set.
 */
export class Recorder {
  readonly events: RecordedEvent[] = [];

  constructor(conn: Connection, id: string | null = 'recorder') {
    const handlers = new Proxy(
      {},
      {
        get: (_target, name) =>
          typeof name === 'string' && name.startsWith('on')
            ? (...args: unknown[]) => this.events.push({ name, args })
            : undefined,
      },
    );
    if (id === null) conn.listen(handlers);
    else conn.addEventHandler(id, handlers);
  }

  names(): string[] {
    return this.events.map((event) => event.name);
  }

  all(name: string): unknown[][] {
    return this.events.filter((event) => event.name === name).map((event) => event.args);
  }

  count(name: string): number {
    return this.all(name).length;
  }

  /** Waits until `name` has fired `times` times; returns the arguments of the last one. */
  async wait(name: string, times = 1, timeoutMs = 10_000): Promise<unknown[]> {
    const all = await until(
      () => this.count(name) >= times && this.all(name),
      `${name} ×${times} (seen: ${this.names().join(', ')})`,
      timeoutMs,
    );
    return all[times - 1]!;
  }
}

const opened: Connection[] = [];

/** A connection to `server` for app `demo#chat`, closed by {@link closeAll}. */
export function connection(server: TestServer, options: ConnectionOptions = {}): Connection {
  const conn = new WebIM.connection({ appKey: APP_KEY, apiUrl: server.url, ...options });
  opened.push(conn);
  return conn;
}

export function closeAll(): void {
  for (const conn of opened.splice(0)) conn.close();
}

export interface User {
  username: string;
  password: string;
}

/** Registers a new user of `demo#chat` on `server` through the SDK. */
export async function newUser(server: TestServer, prefix = 'u'): Promise<User> {
  const user = { username: uniqueName(prefix), password: `pw-${Math.random()}` };
  await connection(server).registerUser({ ...user, nickname: user.username });
  return user;
}

/**
 * A new user, logged in with a password; its events are recorded from the start (through the 3.x
 * `listen` with `legacy`).
 */
export async function loggedIn(
  server: TestServer,
  options: ConnectionOptions = {},
  user?: User,
  legacy = false,
) {
  const { username, password } = user ?? (await newUser(server));
  const conn = connection(server, options);
  const events = new Recorder(conn, legacy ? null : 'recorder');
  await conn.open({ user: username, pwd: password });
  return { conn, events, username, password };
}

/** A File of `size` bytes (a repeating pattern, so a corrupted copy shows). */
export function fileOf(name: string, type: string, size = 1024): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31) % 251;
  return new File([bytes], name, { type });
}
