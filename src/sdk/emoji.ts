/**
 * `WebIM.Emoji`, the 3.x way of sending emoji as codes (`[):]`) that each app maps to images:
 * `WebIM.Emoji = {path: '/faces/', map: {'[):]': 'ee_1.png', …}}`. Unicode emoji need none of
 * this; they are plain text.
 */
import type { EmojiSegment } from './types.js';

export interface EmojiConfig {
  /** Prefix of every image file (a folder URL). */
  path?: string;
  /** Code → image file. */
  map: Record<string, string>;
}

/** The app's `WebIM.Emoji` (set through the namespace's property). */
export const emoji: { config?: EmojiConfig } = {};

const escape = (code: string) => code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text cut into text and emoji segments (an emoji's `data` is `path` + its file), or
 * `undefined` when no map is configured or the text holds none of its codes.
 */
export function parseEmoji(text: string): EmojiSegment[] | undefined {
  const { map, path = '' } = emoji.config ?? {};
  const codes = map ? Object.keys(map) : [];
  if (!codes.length) return undefined;
  // Longest first, so a code that starts another is not matched in its place.
  const pattern = new RegExp(
    codes
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|'),
    'g',
  );
  const segments: EmojiSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) segments.push({ type: 'txt', data: text.slice(last, match.index) });
    segments.push({ type: 'emoji', data: path + map![match[0]] });
    last = match.index + match[0].length;
  }
  if (!segments.length) return undefined;
  if (last < text.length) segments.push({ type: 'txt', data: text.slice(last) });
  return segments;
}
