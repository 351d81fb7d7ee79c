import { expect } from '@open-wc/testing';
import { EventHandlers } from '../../src/sdk/event-handlers.js';

describe('event handlers', () => {
  it('calls the legacy set and every added set, skipping removed ones', () => {
    const calls: string[] = [];
    const handlers = new EventHandlers();
    handlers.legacy = { onTextMessage: (m: string) => calls.push(`legacy ${m}`) };
    handlers.add('a', { onTextMessage: (m: string) => calls.push(`a ${m}`) });
    handlers.add('b', { onTextMessage: (m: string) => calls.push(`b ${m}`) });
    handlers.remove('b');
    handlers.emit('onTextMessage', 'hi');
    expect(calls).to.deep.equal(['legacy hi', 'a hi']);
  });

  it('treats onPictureMessage and onImageMessage as one callback (3.x and 4.x names)', () => {
    const calls: string[] = [];
    const handlers = new EventHandlers();
    handlers.legacy = { onPictureMessage: () => calls.push('3.x') };
    handlers.add('new', { onImageMessage: () => calls.push('4.x') });
    handlers.emit('onImageMessage');
    handlers.emit('onPictureMessage');
    expect(calls).to.deep.equal(['3.x', '4.x', '3.x', '4.x']);
  });

  it('logs a throwing handler and goes on with the others', () => {
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (error: unknown) => logged.push(error);
    const calls: string[] = [];
    try {
      const handlers = new EventHandlers();
      handlers.legacy = {
        onError: () => {
          throw new Error('app bug');
        },
      };
      handlers.add('next', { onError: () => calls.push('next') });
      handlers.emit('onError', { type: 16 });
    } finally {
      console.error = original;
    }
    expect(calls).to.deep.equal(['next']);
    expect(logged).to.have.length(1);
  });
});
