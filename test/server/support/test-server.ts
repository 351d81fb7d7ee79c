/**
 * The reference server started in this process (port 0, a fresh data dir), plus the REST and
 * WebSocket steps most tests need. Tests of the CLI and of "app added while running" use the child
 * process of test/support/server-process.mjs instead.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthOkFrame, ServerMessage } from '../../../src/protocol/frames.js';
import type {
  ChatfileEntity,
  EntitiesResponse,
  ErrorBody,
  TokenResponse,
} from '../../../src/protocol/rest.js';
import { createServer, type ChatServer, type ServerOptions } from '../../../server/app.js';
import { configFromEnv, type ServerConfig } from '../../../server/config.js';
import { TestSocket } from './ws-client.js';

export const DEMO = 'demo#chat';
export const PASSWORD = 'secret-pw';

export interface TestServer {
  url: string;
  server: ChatServer;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  options: ServerOptions = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'openwebim-server-test-'));
  const config: ServerConfig = {
    ...configFromEnv({}),
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'silent',
    ...overrides,
  };
  const server = createServer(config, options);
  const url = await server.listen();
  return {
    url,
    server,
    dataDir,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A username no other test uses. */
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

export const appPath = (appKey: string) => appKey.replace('#', '/');

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiOptions {
  body?: unknown;
  /** Sent as is (for malformed and oversize bodies). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export async function api<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: ApiOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined || options.rawBody !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test sees the text
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/** A call as `user` (with their token) to `path` below the app: `/{org}/{app}{path}`. */
export function rest<T = Record<string, unknown>>(
  base: string,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
  appKey = DEMO,
): Promise<ApiResponse<T>> {
  return api<T>(base, method, `/${appPath(appKey)}${path}`, { token: user.token, body });
}

/** Asserts a 200 and returns the body. */
export async function ok<T>(response: ApiResponse<T> | Promise<ApiResponse<T>>): Promise<T> {
  const done = await response;
  assert.equal(done.status, 200, JSON.stringify(done.body));
  return done.body;
}

/** Asserts an Agora error body with this status, `error` and (if given) `error_description`. */
export function assertError(
  response: ApiResponse<unknown>,
  status: number,
  error: string,
  description?: string | RegExp,
): void {
  const body = response.body as ErrorBody;
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error, error);
  assert.equal(typeof body.timestamp, 'number');
  assert.equal(typeof body.duration, 'number');
  assert.ok(!('stack' in (body as object)), 'no stack trace');
  if (typeof description === 'string') assert.equal(body.error_description, description);
  else if (description) assert.match(body.error_description, description);
}

export async function register(
  base: string,
  appKey = DEMO,
  username = uniqueName(),
  password = PASSWORD,
): Promise<string> {
  const response = await api(base, 'POST', `/${appPath(appKey)}/users`, {
    body: { username, password },
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return username;
}

export async function token(
  base: string,
  appKey: string,
  username: string,
  password = PASSWORD,
): Promise<TokenResponse> {
  const response = await api<TokenResponse>(base, 'POST', `/${appPath(appKey)}/token`, {
    body: { grant_type: 'password', username, password },
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

/** A registered user and their token, as the REST and WebSocket steps below take them. */
export interface TestUser {
  username: string;
  token: string;
}

/** A registered user with a token. */
export async function newUser(base: string, appKey = DEMO): Promise<TestUser> {
  const username = await register(base, appKey);
  const { access_token: accessToken } = await token(base, appKey, username);
  return { username, token: accessToken };
}

export const wsUrl = (base: string, appKey = DEMO) =>
  `${base.replace(/^http/, 'ws')}/websocket?app_key=${encodeURIComponent(appKey)}`;

export interface ConnectOptions {
  appKey?: string;
  multi?: boolean;
  since?: number;
  deviceId?: string;
  headers?: Record<string, string>;
}

/** Opens a socket and authenticates; resolves once `auth-ok` is in (replay may follow). */
export async function connect(
  base: string,
  user: TestUser,
  options: ConnectOptions = {},
): Promise<{ socket: TestSocket; authOk: AuthOkFrame }> {
  const socket = await TestSocket.open(wsUrl(base, options.appKey), options.headers);
  socket.send({
    t: 'auth',
    user: user.username,
    token: user.token,
    deviceId: options.deviceId ?? `device-${uniqueName()}`,
    multi: options.multi ?? false,
    ...(options.since === undefined ? {} : { since: options.since }),
  });
  const authOk = await socket.next('auth-ok');
  return { socket, authOk };
}

/** `connect`, then waits for the end of the replay. */
export async function connectSynced(base: string, user: TestUser, options: ConnectOptions = {}) {
  const connected = await connect(base, user, options);
  const syncDone = await connected.socket.next('sync-done');
  return { ...connected, syncDone };
}

export function sendText(socket: TestSocket, to: string, msg: string, id = uniqueName('m')) {
  socket.send({ t: 'msg', id, to, chatType: 'singleChat', type: 'txt', msg });
  return id;
}

/** A `txt` message to group `gid` (`extra`: more fields, such as `msgConfig`); its client id. */
export function sendGroupText(
  socket: TestSocket,
  gid: string,
  msg: string,
  extra: Record<string, unknown> = {},
) {
  const id = uniqueName('m');
  socket.send({ t: 'msg', id, to: gid, chatType: 'groupChat', type: 'txt', msg, ...extra });
  return id;
}

/** A `txt` message to chat room `roomId`; its client id. */
export function sendRoomText(socket: TestSocket, roomId: string, msg: string) {
  const id = uniqueName('m');
  socket.send({ t: 'msg', id, to: roomId, chatType: 'chatRoom', type: 'txt', msg });
  return id;
}

/** Waits until the server answered everything sent before (frames are handled in order). */
export async function settle(socket: TestSocket): Promise<void> {
  socket.send({ t: 'ping' });
  await socket.next('pong');
}

/** The text of a `txt` message (fails the test for any other kind). */
export function textOf(message: ServerMessage): string {
  assert.equal(message.type, 'txt', `expected a txt message, got ${message.type}`);
  return message.type === 'txt' ? message.msg : '';
}

export interface UploadOptions {
  appKey?: string;
  filename?: string;
  type?: string;
  /** Defaults to a few bytes of text. */
  bytes?: Uint8Array<ArrayBuffer>;
  /** Multipart field name (the API wants `file`). */
  field?: string;
}

/** `POST /{org}/{app}/chatfiles` with a real multipart body. */
export async function upload(
  base: string,
  accessToken: string | undefined,
  options: UploadOptions = {},
): Promise<ApiResponse<Record<string, unknown>>> {
  const form = new FormData();
  const bytes = options.bytes ?? new TextEncoder().encode('hello file');
  form.append(
    options.field ?? 'file',
    new Blob([bytes], { type: options.type ?? 'text/plain' }),
    options.filename ?? 'hello.txt',
  );
  const headers: Record<string, string> = {};
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(`${base}/${appPath(options.appKey ?? DEMO)}/chatfiles`, {
    method: 'POST',
    headers,
    body: form,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test sees the text
  }
  return {
    status: response.status,
    body: body as Record<string, unknown>,
    headers: response.headers,
  };
}

export interface Uploaded {
  uuid: string;
  secret: string;
  /** `{base}/{org}/{app}/chatfiles/{uuid}`, as a message carries it. */
  url: string;
}

/** Uploads and asserts success. */
export async function uploaded(
  base: string,
  accessToken: string,
  options: UploadOptions = {},
): Promise<Uploaded> {
  const response = await upload(base, accessToken, options);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const [entity] = (response.body as unknown as EntitiesResponse<ChatfileEntity>).entities;
  assert.ok(entity);
  return {
    uuid: entity.uuid,
    secret: entity['share-secret'],
    url: `${base}/${appPath(options.appKey ?? DEMO)}/chatfiles/${entity.uuid}`,
  };
}

/** A tiny valid PNG (1×1), for image uploads. */
export const PNG_BYTES: Uint8Array<ArrayBuffer> = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);
