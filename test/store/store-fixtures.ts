// Shared by the store's browser tests: stores against real servers, test visibility, waiting helpers.
import { deleteDB } from 'idb';
import { type Observable, Subject, filter, firstValueFrom, throwError, timeout } from 'rxjs';
import { ChatStore, type ConnectionFactory } from '../../src/store/chat-store.js';
import type { SocialHandlers } from '../../src/store/connection-events.js';
import { createSdkConnection } from '../../src/store/sdk-connection.js';
import { createSharedConnection } from '../../src/store/tab-sharing/shared-connection.js';
import type { Visibility } from '../../src/store/visibility.js';
import { disposeServer, mainServer, startServer, uniqueName } from '../support/servers.js';

export const APP = 'demo#chat';
export const PASSWORD = 'correct horse battery';

/** The page's visibility, set by the test (the store's documented `visibility` input). */
export class TestVisibility implements Visibility {
  visible = true;
  readonly changes = new Subject<boolean>();
  readonly changes$ = this.changes.asObservable();
  isVisible = () => this.visible;
  set(visible: boolean) {
    this.visible = visible;
    this.changes.next(visible);
  }
}

const stores: ChatStore[] = [];
const prefixes: string[] = [];
const servers: string[] = [];

/** What {@link newStore} may be given beside the server and the prefix. */
export interface StoreOptions {
  visibility?: Visibility;
  appKey?: string;
  createConnection?: ConnectionFactory;
}

/** A store; two prefixes keep data apart like two browsers (or two devices of one user). */
export function newStore(apiUrl: string, prefix: string, options: StoreOptions = {}): ChatStore {
  const store = new ChatStore({
    appKey: options.appKey ?? APP,
    apiUrl,
    databasePrefix: prefix,
    visibility: options.visibility ?? new TestVisibility(),
    ...(options.createConnection ? { createConnection: options.createConnection } : {}),
  });
  stores.push(store);
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
  return store;
}

/**
 * Store options for another device: the stores of one page share the browser's device id (kept in
 * localStorage), and the server resumes a device's sync cursor by it, so a "new device" on this
 * page would be replayed what its namesake had. Its own device id makes it new to the server.
 */
export function anotherDevice(): { createConnection: ConnectionFactory } {
  const deviceId = uniqueName('device');
  return { createConnection: (config) => createSharedConnection(config, { deviceId }) };
}

/** Deletes `prefix`'s databases in {@link cleanUp} (for stores made elsewhere, e.g. in an iframe). */
export function deleteAfter(prefix: string): string {
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
  return prefix;
}

export async function ownServer(env?: Record<string, string>) {
  const server = await startServer(env);
  servers.push(server.id);
  return server;
}

/** Disposes every store, server and database a test made. */
export async function cleanUp(): Promise<void> {
  await Promise.all(stores.splice(0).map((store) => store.dispose()));
  await Promise.all(servers.splice(0).map((id) => disposeServer(id)));
  const names = (await indexedDB.databases()).map((db) => db.name ?? '');
  for (const prefix of prefixes.splice(0)) {
    await Promise.all(names.filter((n) => n.startsWith(`${prefix}:`)).map((n) => deleteDB(n)));
  }
}

/** The first value of `source` that passes `test`, or a failure naming `what` after `ms`. */
export function until<T>(
  source: Observable<T>,
  test: (value: T) => boolean,
  what: string,
  ms = 30_000,
) {
  return firstValueFrom(
    source.pipe(
      filter(test),
      timeout({ first: ms, with: () => throwError(() => new Error(`timed out: ${what}`)) }),
    ),
  );
}

export async function signUp(store: ChatStore, nickname?: string): Promise<string> {
  const username = uniqueName();
  await store.register(
    nickname ? { username, password: PASSWORD, nickname } : { username, password: PASSWORD },
  );
  return username;
}

export async function signIn(store: ChatStore, username: string) {
  await store.login({ username, password: PASSWORD });
  await until(store.status$, (s) => s === 'online', `${username} online`);
}

export async function rejection(
  promise: Promise<unknown>,
): Promise<{ type: number; message: string; error?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { type: number; message: string; error?: string };
  }
  throw new Error('expected a rejection');
}

/** Polls `condition` every 20 ms until it holds, failing after `ms`. */
export async function eventually(condition: () => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A small valid PNG (1×1), so the peer's browser can show what it fetched. */
export function png(): File {
  const bytes = Uint8Array.from(
    atob(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    ),
    (c) => c.charCodeAt(0),
  );
  return new File([bytes], 'dot.png', { type: 'image/png' });
}

export async function bytesOf(objectUrl: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(objectUrl)).arrayBuffer());
}

const SOCIAL: (keyof SocialHandlers)[] = [
  'onContactInvited',
  'onContactAgreed',
  'onContactRefuse',
  'onContactDeleted',
  'onMultiDeviceEvent',
  'onBlacklistUpdate',
  'onGroupEvent',
  'onChatroomEvent',
];

/**
 * The SDK's connection with the store's contact, group and room callbacks registered twice: every
 * such event (real, from the server) reaches the store twice in a row, as a replay after a
 * reconnect would bring it again.
 */
export const doubledEvents: ConnectionFactory = (config) => {
  const connection = createSdkConnection(config);
  const add = connection.addEventHandler.bind(connection);
  connection.addEventHandler = (id, handlers) => {
    add(id, handlers);
    add(`${id}-again`, Object.fromEntries(SOCIAL.map((name) => [name, handlers[name]])));
  };
  return connection;
};

/** Everything `source` emits from now on (until the test's stores are disposed). */
export function collect<T>(source: Observable<T>): T[] {
  const seen: T[] = [];
  source.subscribe((value) => seen.push(value));
  return seen;
}

/**
 * Signs each person up (one after the other, in order, through their first device) and then in on
 * all their devices at once; resolves with their usernames, in order, once every device is online.
 */
export async function signUpOnDevices<
  const People extends readonly { devices: readonly ChatStore[]; nickname?: string }[],
>(people: People): Promise<{ -readonly [K in keyof People]: string }> {
  const usernames: string[] = [];
  for (const { devices, nickname } of people) usernames.push(await signUp(devices[0]!, nickname));
  await Promise.all(
    people.flatMap(({ devices }, i) => devices.map((store) => signIn(store, usernames[i]!))),
  );
  return usernames as { -readonly [K in keyof People]: string };
}

/**
 * Alice and Bob, each signed up and then signed in on a store of their own (two browsers), on the
 * main server unless `url` says; `bob` are options for Bob's store. Their prefixes let a test open
 * either browser again (a reload).
 */
export async function aliceAndBob(options: { url?: string; bob?: StoreOptions } = {}) {
  const url = options.url ?? (await mainServer()).url;
  const alicePrefix = uniqueName('pa');
  const bobPrefix = uniqueName('pb');
  const a = newStore(url, alicePrefix);
  const b = newStore(url, bobPrefix, options.bob);
  const alice = await signUp(a);
  const bob = await signUp(b);
  await signIn(a, alice);
  await signIn(b, bob);
  return { url, a, b, alice, bob, alicePrefix, bobPrefix };
}

/**
 * One store on the main server signed in as a new user `me`, and `peer`, another new user who is
 * not signed in anywhere (messages to them wait on the server).
 */
export async function meAndPeer() {
  const { url } = await mainServer();
  const store = newStore(url, uniqueName('pa'));
  const me = await signUp(store);
  const peer = await signUp(store);
  await signIn(store, me);
  return { url, store, me, peer };
}
