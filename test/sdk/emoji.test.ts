// WebIM.Emoji (3.x): texts holding the app's codes go to onEmojiMessage as segments.
import { expect } from '@open-wc/testing';
import WebIM, { parseEmoji, type EmojiMessage, type TextMessage } from '../../src/sdk/index.js';
import { mainServer } from '../support/servers.js';
import { closeAll, loggedIn } from './sdk-fixtures.js';

const EMOJI = {
  path: '/faces/',
  map: { '[):]': 'ee_1.png', '[:D]': 'ee_2.png', '[:D]]': 'ee_3.png' },
};

describe('WebIM.Emoji', () => {
  afterEach(() => {
    WebIM.Emoji = undefined;
    closeAll();
  });

  it('cuts a text into text and emoji segments, longest code first', () => {
    expect(parseEmoji('hi [):] there')).to.equal(undefined);
    WebIM.Emoji = EMOJI;
    expect(parseEmoji('hi [):] there[:D]][:D]')).to.deep.equal([
      { type: 'txt', data: 'hi ' },
      { type: 'emoji', data: '/faces/ee_1.png' },
      { type: 'txt', data: ' there' },
      { type: 'emoji', data: '/faces/ee_3.png' },
      { type: 'emoji', data: '/faces/ee_2.png' },
    ]);
    // Unicode emoji and texts without codes are plain text; regex characters in codes are literal.
    expect(parseEmoji('so happy 😀 [)')).to.equal(undefined);
    expect(parseEmoji('')).to.equal(undefined);
  });

  it('a text with codes reaches onEmojiMessage instead of onTextMessage; others stay text', async () => {
    WebIM.Emoji = EMOJI;
    const alice = await loggedIn(await mainServer());
    const bob = await loggedIn(await mainServer());
    await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'ok [):]' }));
    await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'ok 😀' }));
    const [emoji] = (await bob.events.wait('onEmojiMessage')) as [EmojiMessage];
    expect(emoji).to.deep.include({
      contentsType: 'EMOJI',
      type: 'chat',
      msg: 'ok [):]',
      data: [
        { type: 'txt', data: 'ok ' },
        { type: 'emoji', data: '/faces/ee_1.png' },
      ],
    });
    const [text] = (await bob.events.wait('onTextMessage')) as [TextMessage];
    expect(text).to.include({ contentsType: 'TEXT', data: 'ok 😀' });
    expect(bob.events.count('onTextMessage')).to.equal(1);
    expect(bob.events.count('onEmojiMessage')).to.equal(1);
    expect(bob.events.count('onMessage')).to.equal(2);
  });
});
