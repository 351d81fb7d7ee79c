// The client-side checks of message bodies: the same codes the server's nack would carry.
import { expect } from '@open-wc/testing';
import WebIM, { type CreateOptions, type ErrorEvent } from '../../src/sdk/index.js';
import { toFrame } from '../../src/sdk/send-frames.js';

const file = { url: 'http://h/o/a/chatfiles/u', secret: 's', filename: 'f.png', file_length: 3 };
const frame = (fields: Record<string, unknown>) =>
  toFrame(WebIM.message.create({ to: 'bob', ...fields } as unknown as CreateOptions));
const code = (fields: Record<string, unknown>) => (frame(fields) as ErrorEvent).type;

describe('toFrame', () => {
  it('builds the frame of each kind with only the protocol fields', () => {
    const loc = frame({ type: 'loc', addr: 'a', lat: '1.5', lng: 2, ext: { k: 1 }, extra: 'x' });
    expect(loc).to.deep.include({ t: 'msg', type: 'loc', to: 'bob', addr: 'a', lat: 1.5, lng: 2 });
    expect(loc).to.deep.include({ ext: { k: 1 }, chatType: 'singleChat' });
    expect(loc).to.not.have.property('extra');
    // 3.x passes the extension as filetype; only a MIME type travels. Durations are rounded.
    expect(frame({ type: 'audio', ...file, filetype: 'mp3', length: 2.6 })).to.deep.include({
      type: 'audio',
      length: 3,
      url: file.url,
      secret: 's',
    });
    expect(frame({ type: 'img', ...file })).to.not.have.property('filetype');
    expect(
      frame({ type: 'img', ...file, filetype: 'image/png', thumb: 't', thumb_secret: 'ts' }),
    ).to.deep.include({ filetype: 'image/png', thumb: 't', thumb_secret: 'ts' });
    expect(frame({ type: 'custom', customEvent: 'e' })).to.deep.include({ customExts: {} });
  });

  it('sends msgConfig only for what the server honours (allowGroupAck)', () => {
    const group = { type: 'txt', msg: 'hi', chatType: 'groupChat' };
    expect(
      frame({ ...group, msgConfig: { allowGroupAck: true, languages: ['en'] } }),
    ).to.deep.include({ chatType: 'groupChat', msgConfig: { allowGroupAck: true } });
    expect(frame({ ...group, msgConfig: { allowGroupAck: false } })).to.not.have.property(
      'msgConfig',
    );
    expect(frame({ ...group, msgConfig: 'yes' })).to.not.have.property('msgConfig');
  });

  it('refuses what the server refuses, with its codes (205 fields, 511 sizes)', () => {
    expect(code({ type: 'txt', msg: '' })).to.equal(205);
    expect(code({ type: 'txt', msg: 'x'.repeat(16 * 1024 + 1) })).to.equal(511);
    expect(code({ type: 'txt', msg: 'hi', to: '' })).to.equal(205);
    expect(code({ type: 'txt', msg: 'hi', chatType: 'party' })).to.equal(205);
    expect(code({ type: 'txt', msg: 'hi', ext: [1] })).to.equal(205);
    expect(code({ type: 'txt', msg: 'hi', ext: { big: 'x'.repeat(8 * 1024) } })).to.equal(205);
    expect(code({ type: 'poll' })).to.equal(205);
    expect(code({ type: 'loc', addr: 'a', lat: 91, lng: 0 })).to.equal(205);
    expect(code({ type: 'loc', addr: 'a'.repeat(513), lat: 1, lng: 0 })).to.equal(205);
    expect(code({ type: 'cmd', action: '' })).to.equal(205);
    expect(code({ type: 'cmd', action: 'a'.repeat(257) })).to.equal(205);
    expect(code({ type: 'custom', customEvent: 'e', customExts: { n: 1 } })).to.equal(205);
    const many = Object.fromEntries([...Array(33).keys()].map((i) => [`k${i}`, 'v']));
    expect(code({ type: 'custom', customEvent: 'e', customExts: many })).to.equal(205);
    expect(code({ type: 'img', ...file, filetype: 'audio/mpeg' })).to.equal(205);
    expect(code({ type: 'file', ...file, secret: '' })).to.equal(205);
    expect(code({ type: 'file', ...file, file_length: -1 })).to.equal(205);
    expect(code({ type: 'file', ...file, filename: 'n'.repeat(256) })).to.equal(205);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(code({ type: 'txt', msg: 'hi', ext: cyclic })).to.equal(205);
    // Within the text limit but past the frame limit: each control character is 6 bytes of JSON.
    expect(code({ type: 'txt', msg: '\u0001'.repeat(16 * 1024) })).to.equal(511);
  });
});
