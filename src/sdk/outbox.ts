/**
 * What a connection has sent and waits on: messages for their `ack` or `nack` (the outbox, sent
 * again by each new session until answered), receipts for a socket that takes them, recalls and
 * edits for their answer. connection.ts holds the queues and hands them to these functions, with
 * the socket when its session is open (`undefined` otherwise): functions rather than an object of
 * their own, so the SDK's bundle keeps the connection's `#private` fields, which the minifier
 * shortens, and adds no property names.
 */
import type { AckFrame, ClientFrame, SendFrame, ServerFrame } from '../protocol/index.js';
import type { Socket } from './socket.js';
import type { ErrorEvent } from './types.js';

/** Something waiting for the server: `done` once, with an error or the answer. */
export interface Question<A = ServerFrame> {
  done(error: ErrorEvent | null, answer?: A): void;
}

/** A frame waiting for the server: a sent message for its ack, a receipt for a socket. */
export interface Waiting<F, A = ServerFrame> extends Question<A> {
  frame: F;
}

/** Sent messages waiting for their `ack` or `nack`, by id. */
export type Outbox = Map<string, Waiting<SendFrame, AckFrame>>;
/** Recalls and edits waiting for their answer, by id. */
export type Questions = Map<string, Question>;

export const GONE = { type: 510, message: 'disconnected before the server acknowledged it' };
export const OFFLINE = { type: 510, message: 'not connected' };

/**
 * Resolves with the ack of `frame`, written now on `socket` when given, else by the next session.
 * The same id again (a retry) waits for the same ack; the server would dedupe it anyway.
 */
export function awaitAck(outbox: Outbox, frame: SendFrame, socket?: Socket): Promise<AckFrame> {
  return new Promise<AckFrame>((resolve, reject) => {
    const done = (error: ErrorEvent | null, ack?: AckFrame) =>
      error || !ack ? reject(error) : resolve(ack);
    const previous = outbox.get(frame.id);
    outbox.set(frame.id, {
      frame,
      done: previous
        ? (error, ack) => {
            previous.done(error, ack);
            done(error, ack);
          }
        : done,
    });
    if (!previous) socket?.send(frame);
  });
}

/**
 * Sends a recall or an edit on `socket` (510 without one) and resolves with what `settle` makes
 * of the answer (it throws to refuse it).
 */
export function ask<T>(
  questions: Questions,
  frame: ClientFrame & { id: string },
  socket: Socket | undefined,
  settle: (answer?: ServerFrame) => T,
): Promise<T> {
  return new Promise<ServerFrame | undefined>((resolve, reject) => {
    if (!socket) return reject(OFFLINE);
    questions.set(frame.id, {
      done: (error, answer) => (error ? reject(error) : resolve(answer)),
    });
    socket.send(frame);
  }).then(settle);
}

/** The one waiting for `id`, no longer waiting. */
export function take<W>(waiting: Map<string, W>, id: string): W | undefined {
  const found = waiting.get(id);
  waiting.delete(id);
  return found;
}
