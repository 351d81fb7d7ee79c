/**
 * A session's messages, pipelined (issue 11): each is stored, then answered (ack or nack, then its
 * deliveries) after its commit. Where the storage keeps the order of queued writes (SQLite), the
 * next frame is read as soon as a message's write is queued: the session keeps reading while the
 * commit is fsynced, and one commit holds all the messages a client has in flight. The answers still
 * go out in the frames' order, each after the one before (see {@link MessagePipeline.answers}).
 */
import type { SendFrame } from '../../src/protocol/frames.js';
import { MessageRejected, type SentMessage } from '../domain/messages.js';
import type { InboxDelivery } from './inbox-delivery.js';
import type { SessionPort } from './session-port.js';

/** Messages whose answers may wait for their commit while the session reads on (pipelining). */
const PIPELINE_DEPTH = 128;
/** ...and at most this many bytes of their frames (the memory bound of a burst of big messages). */
const PIPELINE_BYTES = 128 * 1024;

/** How the session counts an answer that waits: as a frame in its queue. */
export interface AnswerHooks {
  /** An answer starts waiting. */
  waiting(): void;
  /** It failed: the client is told, the socket stays. */
  failed(error: unknown): void;
  /** It was given (or failed). */
  handled(): void;
}

export class MessagePipeline {
  readonly #port: SessionPort;
  readonly #delivery: InboxDelivery;
  readonly #hooks: AnswerHooks;
  /** The last message's answer (ack or nack, then its deliveries); it never rejects. */
  #answers: Promise<void> = Promise.resolve();
  /** The answers not given yet, oldest first (they settle in that order). */
  readonly #unanswered: { answered: Promise<void>; bytes: number }[] = [];
  #unansweredBytes = 0;

  constructor(port: SessionPort, delivery: InboxDelivery, hooks: AnswerHooks) {
    this.#port = port;
    this.#delivery = delivery;
    this.#hooks = hooks;
  }

  /** Settles once every message so far is answered (never rejects). */
  get answers(): Promise<void> {
    return this.#answers;
  }

  /**
   * Stores a message of `bytes` (its frame's size); resolves once the next frame may be read: its
   * write is queued (or it was answered), and fewer than the pipeline's bounds wait for answers.
   */
  async message(frame: SendFrame, bytes: number): Promise<void> {
    const { app, ctx, user } = this.#port;
    let release = () => {};
    const queued = new Promise<void>((resolve) => (release = resolve));
    const sending = ctx.domain.messages.send(app, user, frame, release);
    const before = this.#answers;
    const hooks = this.#hooks;
    hooks.waiting();
    const answered = this.#answer(frame, sending, before)
      .catch((error: unknown) => hooks.failed(error))
      .finally(() => hooks.handled());
    this.#answers = answered;
    const waiting = this.#unanswered;
    waiting.push({ answered, bytes });
    this.#unansweredBytes += bytes;
    void answered.then(() => {
      waiting.shift();
      this.#unansweredBytes -= bytes;
    });
    await Promise.race([queued, answered]);
    // Past the depth, the next frame waits for the oldest answers: a client's burst of large
    // messages is held by the server only so much at a time.
    while (
      waiting.length > 1 &&
      (waiting.length > PIPELINE_DEPTH || this.#unansweredBytes > PIPELINE_BYTES)
    ) {
      await waiting[0]?.answered;
    }
  }

  async #answer(
    frame: SendFrame,
    sending: Promise<SentMessage>,
    before: Promise<void>,
  ): Promise<void> {
    const port = this.#port;
    let sent: SentMessage;
    try {
      sent = await sending;
    } catch (error) {
      await before;
      if (!(error instanceof MessageRejected)) throw error;
      return port.send({ t: 'nack', id: frame.id, code: error.code, reason: error.message });
    }
    await before;
    const own = sent.forSender.message;
    // The client has its own message as this ack: no replay or catch-up sends it again.
    this.#delivery.mark(own.seq);
    port.send({ t: 'ack', id: own.id, mid: own.mid, to: own.to, time: own.time, seq: own.seq });
    if (sent.duplicate) return;
    // Stored: delivered even if this session has closed meanwhile.
    await port.ctx.fanout.message(
      port.app.key,
      sent.deliveries,
      { username: port.user, ...sent.forSender },
      port.id,
    );
  }
}
