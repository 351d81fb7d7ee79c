import { expect } from '@open-wc/testing';
import { MessageWindow } from '../../src/elements/chat-window/message-window.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);

/** Bubbles of the given heights stacked in a real layout, plus the end spacer. */
function stack(heights: number[], first = 0) {
  const box = document.createElement('div');
  box.style.position = 'relative';
  const bubbles = heights.map((h, i) => {
    const el = document.createElement('div');
    el.dataset.id = `m${first + i}`;
    el.style.height = `${h}px`;
    return el;
  });
  const end = document.createElement('div');
  box.append(...bubbles, end);
  document.body.append(box);
  return { bubbles, end, remove: () => box.remove() };
}

describe('MessageWindow', () => {
  it('renders only what is within the overscan of the viewport, with spacers for the rest', () => {
    const w = new MessageWindow();
    w.layout(ids(10_000), 64 * 5000, 500);
    expect(w.end - w.start).to.be.within(10, 60);
    expect(w.start).to.be.within(4970, 5000);
    expect(w.before).to.equal(64 * w.start);
    expect(w.after).to.equal(64 * (10_000 - w.end));
  });

  it('measures heights per id, so they hold when older messages are prepended', () => {
    const w = new MessageWindow();
    const rendered = stack([100, 30, 50]);
    expect(w.measure(rendered.bubbles, rendered.end)).to.equal(true);
    expect(w.measure(rendered.bubbles, rendered.end)).to.equal(false);
    rendered.remove();
    w.layout(['older', ...ids(3)], 0, 1000);
    expect([w.top(1), w.top(2), w.top(3), w.top(4)]).to.deep.equal([64, 164, 194, 244]);
    expect(w.indexAt(170)).to.equal(2);
    expect(w.indexAt(-5)).to.equal(0);
  });

  it('handles an empty conversation', () => {
    const w = new MessageWindow();
    w.layout([], 0, 500);
    expect([w.start, w.end, w.before, w.after]).to.deep.equal([0, 0, 0, 0]);
  });
});
