/**
 * The idle-connection timeout (`OPENWEBIM_IDLE_CONNECTION_MS`) closes a connection only while the
 * server waits on the client: before a request, between keep-alive requests, or in the middle of
 * a request body it stopped sending. A connection whose request arrived whole is never closed while
 * its answer is still being made (a login queued behind a burst of others' password hashing, a
 * write waiting on a busy database): it gets that answer, or a 429, instead of a reset.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Installs the rule on `server`, whose timeout (`server.setTimeout`, Fastify's
 * `connectionTimeout`) is the idle time. Node destroys a timed-out socket itself only when nobody
 * listens for `timeout` on the server; this listener decides instead. The socket's timer starts
 * again with the answer's first write, so a connection left idle after its answer is closed then.
 */
export function closeIdleConnections(server: Server): void {
  const owed = new WeakMap<Socket, Set<ServerResponse>>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    let answers = owed.get(socket);
    if (!answers) owed.set(socket, (answers = new Set()));
    const pending = answers;
    pending.add(response);
    response.once('close', () => pending.delete(response));
  });
  server.on('timeout', (socket: Socket) => {
    const answering = [...(owed.get(socket) ?? [])].some(
      (response) => response.req.complete && !response.writableEnded,
    );
    if (!answering) socket.destroy();
  });
}
