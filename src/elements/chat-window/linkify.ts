/**
 * Finds the links in a message's text: `http://` and `https://` URLs, `www.` addresses (opened as
 * https) and e-mail addresses (mailto:). Nothing else becomes a link: `javascript:`, `data:`,
 * `ftp:` or any other scheme stays text, since only these three shapes are looked for and each
 * result is parsed with `URL` and checked for its protocol.
 *
 * E-mail addresses are ASCII (as nearly all are), so an address written inside Chinese or Japanese
 * text ends where the ASCII does.
 *
 * The result is a list of text and link parts for a Lit template to bind (text as text, the link
 * as an `href` attribute): no HTML is ever built from the message.
 *
 * Our own tokenizer rather than linkify-it or linkifyjs (10–25 KB minified with their TLD
 * lists): the widget needs three shapes, and each pattern here is a single character-class run,
 * so a 16 KB message of dots and at-signs cannot make it backtrack.
 */
export type TextPart = string | { href: string; text: string };

// Characters a link runs over: not spaces, not quotes or angle brackets, not CJK punctuation
// (Chinese and Japanese text puts no space after a link: "见https://a.cn/x。").
const URL_CHARS = String.raw`[^\s<>"'\u201c\u201d\u2018\u2019\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]`;
// A link starts a word: not inside one ("xhttp://", "a.www."), except after CJK characters, which
// are written without spaces.
const START = String.raw`(?<![[\p{L}\p{N}_@.\/:\-]--[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]])`;
const LINK = new RegExp(
  String.raw`${START}(?:(https?:\/\/${URL_CHARS}+)|(www\.${URL_CHARS}+)|([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+))`,
  'giv',
);

/** Punctuation that ends a sentence rather than a link: "see https://a.example/x." */
const TRAILING = /[.,;:!?…)\]}]$/u;

/** Drops trailing punctuation, keeping a closing bracket the link itself opened (Wikipedia's). */
function trimEnd(link: string): string {
  let end = link;
  while (TRAILING.test(end)) {
    const last = end.at(-1)!;
    const open = { ')': '(', ']': '[', '}': '{' }[last];
    if (open && end.split(open).length > end.split(last).length - 1) break;
    end = end.slice(0, -1);
  }
  return end;
}

/** An href for a candidate, or undefined when it is not a link after all. */
function hrefOf(text: string, kind: 'url' | 'www' | 'email'): string | undefined {
  let url: URL;
  try {
    url = new URL(kind === 'www' ? `https://${text}` : kind === 'email' ? `mailto:${text}` : text);
  } catch {
    return undefined;
  }
  if (kind === 'email') {
    // A domain with a dot and a top-level label of letters: "a@b" and "x@1.2" are not addresses.
    const domain = text.slice(text.lastIndexOf('@') + 1);
    if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(domain)) return undefined;
    return url.protocol === 'mailto:' ? url.href : undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // URL() forgives "https:///host"; a link written that way is not one.
  if (!url.hostname || (kind === 'url' && /^https?:\/\/\//i.test(text))) return undefined;
  return url.href;
}

/** The text's links and the text between them, in order. */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const [whole, url, www] = match;
    const link = trimEnd(whole);
    const kind = url ? 'url' : www ? 'www' : 'email';
    const href = link && hrefOf(link, kind);
    if (!href) continue;
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ href, text: link });
    last = start + link.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
