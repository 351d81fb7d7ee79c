/**
 * The frames of a logged-in session other than `msg`, `renew` and `ping`: receipts (`delivery`,
 * `read`, `channel`), `recall`, `modify` and `recv`. Each is refused in the SDK's shape (a `nack`
 * for a frame with an id, an `error` frame for a receipt) and changes nothing then.
 */
import type {
  ChannelFrame,
  DeliveryFrame,
  ReadFrame,
  RecallFrame,
  RecvFrame,
} from '../../src/protocol/frames.js';
import type { ModifyFrame } from '../../src/protocol/message-edits.js';
import { MessageRejected, withBase, type StoredEvents } from '../domain/messages.js';
import type { SessionPort } from './session-port.js';

/** Publishes stored events to their users; the acting user's copy skips `exceptSession`. */
async function publishEvents(
  port: SessionPort,
  stored: StoredEvents,
  exceptSession?: string,
): Promise<void> {
  const origin = exceptSession ? { username: port.user, session: exceptSession } : undefined;
  await port.ctx.fanout.events(port.app.key, stored.events, origin);
}

/** Runs a receipt; a refusal is an `error` frame (receipts have no id to nack). */
async function receipt(port: SessionPort, run: () => Promise<StoredEvents>): Promise<void> {
  let stored;
  try {
    stored = await run();
  } catch (error) {
    if (!(error instanceof MessageRejected)) throw error;
    return port.error(error.code, error.message);
  }
  if (!stored.duplicate) await publishEvents(port, stored, port.id);
}

export function acknowledge(port: SessionPort, frame: DeliveryFrame | ReadFrame): Promise<void> {
  const { app, ctx, user } = port;
  if (frame.t === 'read' && frame.chatType === 'groupChat') {
    return receipt(port, () =>
      ctx.domain.messages.readGroupMessage(app, user, frame.mid, frame.to),
    );
  }
  const kind = frame.t === 'delivery' ? 'delivered' : 'read';
  return receipt(port, () => ctx.domain.messages.acknowledge(app, user, kind, frame.mid, frame.to));
}

export function channel(port: SessionPort, frame: ChannelFrame): Promise<void> {
  const { app, ctx, user } = port;
  return receipt(port, async () => {
    const read = await ctx.domain.messages.readConversation(app, user, frame.to, frame.chatType);
    // A repeat told live only costs the acker as a message would: no flooding the peer with it.
    if (read.live && !(await ctx.limits.messages.take(port.userKey))) {
      return { duplicate: true, events: [] };
    }
    return read;
  });
}

export async function recall(port: SessionPort, frame: RecallFrame): Promise<void> {
  const { app, ctx, user } = port;
  let stored;
  try {
    stored = await ctx.domain.messages.recall(app, user, frame.mid, frame.to, frame.chatType);
  } catch (error) {
    if (!(error instanceof MessageRejected)) throw error;
    return port.send({ t: 'nack', id: frame.id, code: error.code, reason: error.message });
  }
  port.send({ t: 'recalled', id: frame.id, mid: frame.mid });
  // Every session of both users, this one included, replaces the message by the notice.
  if (!stored.duplicate) await publishEvents(port, stored);
}

export async function modify(port: SessionPort, frame: ModifyFrame): Promise<void> {
  const { app, ctx, user } = port;
  let edited;
  try {
    edited = await ctx.domain.edits.modify(app, user, frame);
  } catch (error) {
    if (!(error instanceof MessageRejected)) throw error;
    return port.send({ t: 'nack', id: frame.id, code: error.code, reason: error.message });
  }
  port.send({ t: 'modified', id: frame.id, message: withBase(edited.message, port.restBase) });
  await ctx.fanout.events(app.key, edited.events, { username: user, session: port.id });
}

export async function received(port: SessionPort, frame: RecvFrame): Promise<void> {
  const { app, ctx, user, deviceId } = port;
  await ctx.domain.messages.received(app, user, deviceId, frame.seq);
}
