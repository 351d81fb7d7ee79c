import { expect } from '@open-wc/testing';
import { linkify, type TextPart } from '../../src/elements/chat-window/linkify.js';

const links = (text: string) =>
  linkify(text).filter((p): p is Exclude<TextPart, string> => typeof p !== 'string');
const joined = (text: string) =>
  linkify(text)
    .map((p) => (typeof p === 'string' ? p : p.text))
    .join('');

describe('linkify', () => {
  it('finds http(s) URLs, www. addresses and e-mail addresses, and keeps the text around them', () => {
    expect(linkify('see https://a.example/x?q=1#top now')).to.deep.equal([
      'see ',
      { href: 'https://a.example/x?q=1#top', text: 'https://a.example/x?q=1#top' },
      ' now',
    ]);
    expect(links('go to www.example.com')).to.deep.equal([
      { href: 'https://www.example.com/', text: 'www.example.com' },
    ]);
    expect(links('mail first.last+tag@sub.example.co.uk')).to.deep.equal([
      {
        href: 'mailto:first.last+tag@sub.example.co.uk',
        text: 'first.last+tag@sub.example.co.uk',
      },
    ]);
    expect(links('http://localhost:8080/a')).to.have.length(1);
  });

  it('leaves sentence punctuation out, and the brackets a link opened in', () => {
    expect(links('Read https://a.example/x.')[0]!.text).to.equal('https://a.example/x');
    expect(links('(see https://a.example/y)')[0]!.text).to.equal('https://a.example/y');
    expect(links('https://en.wikipedia.org/wiki/Pie_(disambiguation), ok')[0]!.text).to.equal(
      'https://en.wikipedia.org/wiki/Pie_(disambiguation)',
    );
    expect(links('Mail ana@example.org!')[0]!.text).to.equal('ana@example.org');
  });

  it('ends a link at CJK punctuation and finds it right after CJK text', () => {
    expect(linkify('见https://a.cn/x。好的')).to.deep.equal([
      '见',
      { href: 'https://a.cn/x', text: 'https://a.cn/x' },
      '。好的',
    ]);
    expect(links('写信给ana@example.org吧')[0]!.text).to.equal('ana@example.org');
    expect(links('詳細はwww.example.jp、よろしく')[0]!.text).to.equal('www.example.jp');
  });

  it('makes nothing else a link: other schemes, half addresses, words that contain one', () => {
    for (const text of [
      'javascript:alert(1)',
      'JavaScript://%0aalert(document.cookie)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://files.example/x',
      'http://',
      'https:///nohost',
      'a@b',
      'x@1.2',
      'xhttp://a.example',
      'a.www.example.com',
      'user@localhost',
    ]) {
      expect(links(text), text).to.deep.equal([]);
      expect(joined(text), text).to.equal(text);
    }
  });

  it('keeps quotes and markup out of a link: the rest stays text', () => {
    const hostile = 'https://evil.example/"onmouseover="alert(1)" <b>x</b>';
    expect(links(hostile)).to.deep.equal([
      { href: 'https://evil.example/', text: 'https://evil.example/' },
    ]);
    expect(joined(hostile)).to.equal(hostile);
    const markup = '<a href="javascript:x">https://ok.example</a>';
    expect(links(markup).map((l) => l.href)).to.deep.equal(['https://ok.example/']);
    expect(joined(markup)).to.equal(markup);
  });

  it('gives every character back once, on a long text of near-links', () => {
    const text = `${'a.'.repeat(4000)}@${'b-'.repeat(2000)} www. http:// @@ ${'x@y.'.repeat(500)}`;
    expect(joined(text)).to.equal(text);
  });
});
