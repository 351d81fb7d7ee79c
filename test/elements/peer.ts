// A second user for element tests, driven over the server's real REST API and WebSocket protocol
// (src/protocol), the way another person's browser would be: the page under test has one store per
// app key, so the other side of a conversation cannot be a second store in the same page.
import type { AckFrame, ClientFrame, NackFrame, ServerFrame } from '../../src/protocol/index.js';

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
  /** Sends a text message and resolves with the server's answer to it. */
  send(to: string, text: string): Promise<AckFrame | NackFrame>;
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
  return {
    username,
    async send(to, text) {
      count += 1;
      const id = `${username}-${count}`;
      const answer = next((f) => (f.t === 'ack' || f.t === 'nack') && f.id === id);
      write({ t: 'msg', id, to, chatType: 'singleChat', type: 'txt', msg: text });
      return (await answer) as AckFrame | NackFrame;
    },
    close() {
      clearInterval(heartbeat);
      socket.close();
    },
  };
}
