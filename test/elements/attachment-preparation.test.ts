import { expect } from '@open-wc/testing';
import {
  humanSize,
  prepareAttachment,
} from '../../src/elements/chat-window/attachment-preparation.js';
import { binaryFile, pngFile, wavFile, webmVideo } from './media-files.js';

describe('prepareAttachment', () => {
  it('makes a JPEG thumbnail at most 320 px of an image and reads its size', async () => {
    const prepared = await prepareAttachment(await pngFile(1000, 250));
    expect(prepared).to.include({ kind: 'img', width: 1000, height: 250 });
    expect(prepared.thumbnail!.type).to.equal('image/jpeg');
    const bitmap = await createImageBitmap(prepared.thumbnail!);
    expect([bitmap.width, bitmap.height]).to.deep.equal([320, 80]);
  });

  it('keeps a small image at its size', async () => {
    const prepared = await prepareAttachment(await pngFile(40, 30));
    const bitmap = await createImageBitmap(prepared.thumbnail!);
    expect([bitmap.width, bitmap.height]).to.deep.equal([40, 30]);
  });

  it('reads the duration of audio', async () => {
    expect(await prepareAttachment(wavFile(4))).to.deep.equal({ kind: 'audio', duration: 4 });
  });

  it('reads the size and first frame of a video', async () => {
    const prepared = await prepareAttachment(await webmVideo());
    expect(prepared).to.include({ kind: 'video', width: 64, height: 48 });
    const bitmap = await createImageBitmap(prepared.thumbnail!);
    expect([bitmap.width, bitmap.height]).to.deep.equal([64, 48]);
  });

  it('sends what the browser cannot decode as a plain file', async () => {
    const broken = new File([new Uint8Array([1, 2, 3])], 'broken.png', { type: 'image/png' });
    expect(await prepareAttachment(broken)).to.deep.equal({ kind: 'file' });
    expect(await prepareAttachment(binaryFile(10, 'a.zip', 'application/zip'))).to.deep.equal({
      kind: 'file',
    });
  });
});

describe('humanSize', () => {
  it('uses SI units with one decimal below ten, in the locale’s words', () => {
    const sizes = [12, 2500, 12_345, 4_000_000, 10_485_760];
    expect(sizes.map((n) => humanSize(n))).to.deep.equal([
      '12 byte',
      '2.5 kB',
      '12 kB',
      '4.0 MB',
      '10 MB',
    ]);
    // French writes octets, a decimal comma and a no-break space before the unit.
    expect(sizes.map((n) => humanSize(n, 'fr').replace(/\s/, ' '))).to.deep.equal([
      '12 o',
      '2,5 ko',
      '12 ko',
      '4,0 Mo',
      '10 Mo',
    ]);
  });
});
