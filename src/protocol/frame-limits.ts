/**
 * The bounds both sides hold to: on message bodies and `ext`, on a frame, an app's own limits (told
 * in `auth-ok`), and the close codes a socket ends with when one is passed.
 */

/** Bounds the server enforces on message bodies (and the SDK checks before sending). */
export const MessageLimits = {
  /** `txt` text: per app, `--max-message-bytes` (default `Limits.messageMaxBytes`). */
  filenameMaxChars: 255,
  addrMaxChars: 512,
  actionMaxChars: 256,
  customEventMaxChars: 64,
  customExtsMaxEntries: 32,
  /** JSON of `ext` (and of `customExts`), in UTF-8 bytes. */
  extMaxBytes: 8 * 1024,
  /** Objects and arrays nested in `ext`, counting `ext` itself as 1. */
  extMaxDepth: 16,
  /** Keys of every object plus items of every array anywhere in `ext`. */
  extMaxEntries: 512,
} as const;

/**
 * Why `ext` is too deep or too wide for `MessageLimits` (a 4,000-deep array fits in 8 KiB and
 * breaks stores and JSON tools downstream), or `undefined` when it is within them. Walks without
 * recursion and stops at the first excess.
 */
export function extShapeProblem(ext: unknown): string | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value: ext, depth: 1 }];
  let entries = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MessageLimits.extMaxDepth) {
      return `ext is nested deeper than ${MessageLimits.extMaxDepth} levels`;
    }
    const children = Array.isArray(value) ? value : Object.values(value);
    entries += children.length;
    if (entries > MessageLimits.extMaxEntries) {
      return `ext has more than ${MessageLimits.extMaxEntries} keys and items in all`;
    }
    for (const child of children) pending.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}

/** Largest frame either side accepts, in bytes of UTF-8. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** WebSocket close codes the server uses (4000–4999 is the application range). */
export const CloseCode = {
  Normal: 1000,
  TooLarge: 1009,
  AuthFailed: 4001,
  Kicked: 4002,
  TokenExpired: 4003,
  Idle: 4004,
  OriginRefused: 4005,
  /** Too many unusable frames, or far too many over the rate limit. */
  PolicyViolation: 1008,
  /** The client did not read its frames; what was not sent waits in its inbox (reconnect). */
  TooSlow: 4006,
} as const;

/** What clients check before sending, so they refuse exactly what the server would. */
export interface AppLimits {
  /** Largest `txt` text, in UTF-8 bytes. */
  messageMaxBytes: number;
  /** Largest chatfile, in bytes. */
  fileMaxBytes: number;
  /** How long after sending a message may be recalled, in seconds. */
  recallSeconds: number;
}
