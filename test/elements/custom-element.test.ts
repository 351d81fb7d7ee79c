import { expect } from '@open-wc/testing';
import { customElement } from '../../src/elements/custom-element.js';

describe('customElement', () => {
  it('defines a tag once and keeps the first definition when a second copy loads', () => {
    class First extends HTMLElement {}
    class Second extends HTMLElement {}
    customElement('openwebim-test-once')(First);
    expect(() => customElement('openwebim-test-once')(Second)).not.to.throw();
    expect(customElements.get('openwebim-test-once')).to.equal(First);
  });

  it('lets the chat elements be imported after the classic script defined them', async () => {
    await import('../../src/elements/index.js');
    const widget = customElements.get('chat-widget');
    expect(widget).to.be.a('function');
    // A second evaluation of the element modules (a second bundle on the page) must not throw.
    const again = await import(`../../src/elements/chat-widget/chat-widget.ts?copy=${Date.now()}`);
    expect(again.ChatWidget).to.not.equal(widget);
    expect(customElements.get('chat-widget')).to.equal(widget);
  });
});
