// A second user for element tests, driven over the server's real REST API and WebSocket protocol
// (src/protocol), the way another person's browser would be: the page under test has one store per
// app key, so the other side of a conversation cannot be a second store in the same page.
import type {
  AckFrame,
  ChatType,
  ClientFrame,
  EntitiesResponse,
  InboxEvent,
  UserEvent,
  ChatfileEntity,
  MessageBody,
  NackFrame,
  ServerFrame,
  ServerMessage,
} from '../../src/protocol/index.js';

export const APP_KEY = 'demo#chat';
export const PASSWORD = 'correct horse';

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Registers `username` on `demo#chat` through `POST /demo/chat/users`. */
export async function registerUser(url: string, username: string, nickname?: string) {
  await post(`${url}/demo/chat/users`, { username, password: PASSWORD, nickname });
}

/** A token for `username`, from `POST /demo/chat/token`, as a site's backend would get one. */
export async function fetchToken(url: string, username: string): Promise<string> {
  const body = await post<{ access_token: string }>(`${url}/demo/chat/token`, {
    grant_type: 'password',
    username,
    password: PASSWORD,
  });
  return body.access_token;
}

export interface Peer {
  username: string;
  /** The peer's access token, for REST calls such as downloading a chatfile. */
  token: string;
  /** Sends a text message and resolves with the server's answer to it. */
  send(to: string, text: string): Promise<AckFrame | NackFrame>;
  /** Sends a message of any kind (1:1 unless `chatType` says) and resolves with the server's answer. */
  sendBody(to: string, body: MessageBody, chatType?: ChatType): Promise<AckFrame | NackFrame>;
  /**
   * Calls the REST API as the peer: `path` below `/demo/chat` (e.g. `/chatgroups`), `{me}` in it
   * replaced by the peer's username. Rejects with the status and body when the server refuses.
   */
  rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Uploads a chatfile (`POST /demo/chat/chatfiles`) and gives the fields a message names it by. */
  upload(file: Blob, filename: string): Promise<{ url: string; secret: string }>;
  /** Resolves with the next message pushed to the peer that `match` accepts. */
  nextMessage(match?: (message: ServerMessage) => boolean): Promise<ServerMessage>;
  /** Says the message `mid` from `from` reached this device (what an SDK with `delivery: true` does). */
  delivered(mid: string, from: string): void;
  /** Sends a read receipt for the message `mid` from `from`. */
  read(mid: string, from: string): void;
  /** Recalls the peer's own message `mid` to `to`; resolves with the server's answer. */
  recall(mid: string, to: string): Promise<ServerFrame>;
  /** Every receipt or recall event pushed to the peer so far (the array grows as they come). */
  events: InboxEvent[];
  /** Every event of any kind pushed to the peer so far (edits, reactions… too). */
  allEvents: UserEvent[];
  /** Edits the peer's own text message `mid` to `to`; resolves with the server's answer. */
  modify(mid: string, to: string, text: string): Promise<ServerFrame>;
  close(): void;
}

/** Registers `username` and opens a session for it beside any other (`multi: true`). */
export async function connectPeer(url: string, username: string): Promise<Peer> {
  await registerUser(url, username);
  const token = await fetchToken(url, username);
  const socket = new WebSocket(
    `${url.replace(/^http/, 'ws')}/websocket?app_key=${encodeURIComponent(APP_KEY)}`,
  );
  const frames = (socket: WebSocket) => (handler: (frame: ServerFrame) => boolean) =>
    new Promise<ServerFrame>((resolve, reject) => {
      const onMessage = (event: MessageEvent) => {
        const frame = JSON.parse(String(event.data)) as ServerFrame;
        if (handler(frame)) {
          socket.removeEventListener('message', onMessage);
          resolve(frame);
        }
      };
      socket.addEventListener('message', onMessage);
      socket.addEventListener('close', () => reject(new Error('peer socket closed')), {
        once: true,
      });
    });
  const next = frames(socket);
  const write = (frame: ClientFrame) => socket.send(JSON.stringify(frame));
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  write({ t: 'auth', user: username, token, deviceId: `peer-${username}`, multi: true });
  const auth = await next((f) => f.t === 'auth-ok' || f.t === 'auth-error');
  if (auth.t !== 'auth-ok') throw new Error(`peer auth failed: ${JSON.stringify(auth)}`);
  const heartbeat = setInterval(() => write({ t: 'ping' }), auth.heartbeatMs);
  let count = 0;
  // Every message pushed to the peer, kept so that a test may wait for one that came already.
  const received: ServerMessage[] = [];
  const events: InboxEvent[] = [];
  const allEvents: UserEvent[] = [];
  socket.addEventListener('message', (event: MessageEvent) => {
    const frame = JSON.parse(String(event.data)) as ServerFrame;
    if (frame.t === 'msg') received.push(frame.message);
    if (frame.t === 'event') allEvents.push(frame.event);
    if (frame.t === 'event' && frame.event.kind !== 'modify' && 'mid' in frame.event) {
      events.push(frame.event);
    }
  });
  const sendBody = async (to: string, body: MessageBody, chatType: ChatType = 'singleChat') => {
    count += 1;
    const id = `${username}-${count}`;
    const answer = next((f) => (f.t === 'ack' || f.t === 'nack') && f.id === id);
    write({ t: 'msg', id, to, chatType, ...body });
    return (await answer) as AckFrame | NackFrame;
  };
  return {
    username,
    token,
    send: (to, text) => sendBody(to, { type: 'txt', msg: text }),
    sendBody,
    async rest<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${url}/demo/chat${path.replace('{me}', username)}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async upload(file, filename) {
      const form = new FormData();
      form.append('file', file, filename);
      const response = await fetch(`${url}/demo/chat/chatfiles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      if (!response.ok) throw new Error(`upload: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as EntitiesResponse<ChatfileEntity>;
      const entity = body.entities[0]!;
      return { url: `${url}/demo/chat/chatfiles/${entity.uuid}`, secret: entity['share-secret'] };
    },
    async nextMessage(match = () => true) {
      const old = received.find(match);
      const message =
        old ??
        ((await next((f) => f.t === 'msg' && match(f.message))) as { message: ServerMessage })
          .message;
      const i = received.findIndex((m) => m.mid === message.mid);
      if (i >= 0) received.splice(i, 1);
      return message;
    },
    delivered(mid, from) {
      write({ t: 'delivery', mid, to: from });
    },
    read(mid, from) {
      write({ t: 'read', mid, to: from });
    },
    async recall(mid, to) {
      count += 1;
      const id = `${username}-${count}`;
      const answer = next((f) => (f.t === 'recalled' || f.t === 'nack') && f.id === id);
      write({ t: 'recall', id, mid, to, chatType: 'singleChat' });
      return answer;
    },
    async modify(mid, to, text) {
      count += 1;
      const id = `${username}-${count}`;
      const answer = next((f) => (f.t === 'modified' || f.t === 'nack') && f.id === id);
      write({ t: 'modify', id, mid, to, chatType: 'singleChat', msg: text });
      return answer;
    },
    events,
    allEvents,
    close() {
      clearInterval(heartbeat);
      socket.close();
    },
  };
}
