/**
 * The baseline for server-throughput.ts: a plain `ws` server that sends every text frame straight
 * back to its sender, untouched (no parsing, no storage). Run as its own process, like the reference
 * server, so both are measured against a client in another process. Prints
 * `ws echo listening on PORT` once it accepts connections; exits on SIGTERM.
 */
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES } from '../src/protocol/frames.js';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: MAX_FRAME_BYTES });

server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});

server.on('listening', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`ws echo listening on ${port}\n`);
});

process.on('SIGTERM', () => {
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
});
