/**
 * A stored message's JSON as it goes out (issue 11), made from the JSON the storage holds (the
 * body's and the ext's text, as stored) once per message, and reused for every copy: each
 * recipient's delivery frame (a group's members, a user's several sessions, a room's members), the
 * inbox replay and REST history pages. Only the copy's `seq` (and, in a file message, the base of
 * its urls) differs between copies; the rest of the text is the same string.
 *
 * The text is exactly `JSON.stringify` of the message as {@link toServerMessage} builds it, with
 * `withFileBase` applied: the same keys in the same order (message-json.test.ts holds it to that).
 *
 * An `ext` nested deeper than the protocol allows (stored before the server bounded it) takes the
 * object path instead, `JSON.stringify` of the parsed message, which throws where it always did
 * (thousands deep: out of stack), so the callers that skip an unservable message still do.
 */
import { MessageLimits, type MessageBody, type ServerMessage } from '../../src/protocol/frames.js';
import type { StoredMessage } from '../storage/storage.js';
import { withFileBase } from './message-bodies.js';

/** The JSON text of a message, per copy. */
export interface MessageJson {
  readonly mid: string;
  /**
   * The message's JSON with this `seq`, its file urls on `base`; `more`: members to add at its end
   * (`,"reactions":[…]`), as a spread of the message would.
   */
  text(seq: number, base: string, more?: string): string;
  /** The `msg` frame that delivers it. */
  frame(seq: number, base: string): string;
}

/** Whether JSON text nests objects and arrays deeper than `max` (strings skipped). */
export function nestedDeeperThan(json: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}

const str = JSON.stringify;

/** The kinds whose body holds file urls (message-bodies.ts), stored as paths. */
const FILE_TYPES = new Set(['img', 'audio', 'video', 'file']);

/** The fields after `seq` up to the body's, as `toServerMessage` orders them. */
function middle(stored: StoredMessage): string {
  let text =
    `,"from":${str(stored.from)},"to":${str(stored.to)},"chatType":${str(stored.chatType)}` +
    `,"ext":${stored.ext},"time":${str(stored.time)}`;
  if (stored.allowGroupAck) text += ',"msgConfig":{"allowGroupAck":true}';
  if (stored.receipt) text += `,"receipt":${str(stored.receipt)}`;
  if (stored.edit) {
    const { by, count, at } = stored.edit;
    text += `,"modifiedInfo":{"operatorId":${str(by)},"operationCount":${str(count)},"operationTime":${str(at)}}`;
  }
  return text;
}

/** `{"a":1}` → `,"a":1`; `{}` → ``: an object's members, to follow other members. */
const members = (objectJson: string): string =>
  /^\{\s*\}$/.test(objectJson) ? '' : `,${objectJson.slice(1, objectJson.lastIndexOf('}'))}`;

/** The text after `seq` but the closing brace, made at first use. */
interface Parts {
  head: string;
  middle: string;
  /** Per url base (one entry but for a file message). */
  tails: Map<string, string>;
}

class StoredJson implements MessageJson {
  readonly mid: string;
  readonly #stored: StoredMessage;
  readonly #parsed: (seq: number) => ServerMessage;
  /** `null`: the ext is too deep to splice (the object path); `undefined`: not looked at yet. */
  #parts: Parts | null | undefined;
  /** The last frame made: a room's members (seq 0) and a user's sessions get the same string. */
  #last: { seq: number; base: string; frame: string } | undefined;

  constructor(stored: StoredMessage, parsed: (seq: number) => ServerMessage) {
    this.mid = stored.mid;
    this.#stored = stored;
    this.#parsed = parsed;
  }

  /** Made at the first copy that goes out: a message nobody is online for costs nothing here. */
  #made(): Parts | null {
    if (this.#parts !== undefined) return this.#parts;
    const stored = this.#stored;
    this.#parts = nestedDeeperThan(stored.ext, MessageLimits.extMaxDepth)
      ? null
      : {
          head: `{"mid":${str(stored.mid)},"id":${str(stored.clientId)},"seq":`,
          middle: middle(stored),
          tails: new Map(),
        };
    return this.#parts;
  }

  #tail(parts: Parts, base: string): string {
    const files = FILE_TYPES.has(this.#stored.type);
    const key = files ? base : '';
    let tail = parts.tails.get(key);
    if (tail === undefined) {
      // Only a file message's urls depend on the base; its body is small (no text).
      const { body } = this.#stored;
      const based = files ? str(withFileBase(JSON.parse(body) as MessageBody, base)) : body;
      tail = parts.middle + members(based);
      parts.tails.set(key, tail);
    }
    return tail;
  }

  text(seq: number, base: string, more = ''): string {
    const parts = this.#made();
    if (parts) return `${parts.head}${seq}${this.#tail(parts, base)}${more}}`;
    const text = str(withFileBase(this.#parsed(seq), base));
    return more ? `${text.slice(0, -1)}${more}}` : text;
  }

  frame(seq: number, base: string): string {
    const last = this.#last;
    if (last && last.seq === seq && last.base === base) return last.frame;
    const frame = `{"t":"msg","message":${this.text(seq, base)}}`;
    this.#last = { seq, base, frame };
    return frame;
  }
}

/**
 * The JSON of `stored`; `parsed` builds the message object with a seq, for the rare one that
 * cannot be spliced.
 */
export const messageJson = (
  stored: StoredMessage,
  parsed: (seq: number) => ServerMessage,
): MessageJson => new StoredJson(stored, parsed);

/** The `msg` frame of a message that has no stored JSON here (it came over a bus). */
export const serialisedFrame = (message: ServerMessage, base: string): string =>
  str({ t: 'msg', message: withFileBase(message, base) });
