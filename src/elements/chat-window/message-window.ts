/** Height assumed for a bubble not measured yet, in px: one line of text plus its time. */
const ESTIMATE = 64;
/** Extra height rendered above and below the viewport, in px, so that scrolling shows no gap. */
const OVERSCAN = 800;

/**
 * Which messages of a long conversation to render: those near the viewport, with the height of the
 * rest stood in for by two spacers. Heights are measured once rendered (per message id, so they
 * survive older messages being prepended) and estimated before.
 */
export class MessageWindow {
  start = 0;
  end = 0;
  private readonly heights = new Map<string, number>();
  /** `tops[i]`: offset of message `i` from the first one; `tops[n]`: the total height. */
  private tops: number[] = [0];

  /** Lays out `ids` and picks those within `OVERSCAN` of `[top, top + height)`. */
  layout(ids: readonly string[], top: number, height: number): void {
    const tops = [0];
    for (const id of ids) tops.push(tops.at(-1)! + (this.heights.get(id) ?? ESTIMATE));
    this.tops = tops;
    this.start = Math.max(0, this.indexAt(top - OVERSCAN));
    this.end = Math.min(ids.length, this.indexAt(top + height + OVERSCAN) + 1);
  }

  /** Offset of message `i` from the first one. */
  top(i: number): number {
    return this.tops[Math.min(i, this.tops.length - 1)]!;
  }

  get before(): number {
    return this.top(this.start);
  }

  get after(): number {
    return this.top(Infinity) - this.top(this.end);
  }

  /** The last index whose message starts at or above `offset` (binary search over `tops`). */
  indexAt(offset: number): number {
    let lo = 0;
    let hi = this.tops.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.tops[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  }

  /**
   * Records the rendered heights: each message's (its day separator's, if it has one) distance to the next element (so margins count),
   * the last one's to `end`, the spacer below. Returns whether any height changed.
   */
  measure(bubbles: readonly HTMLElement[], end: HTMLElement): boolean {
    let changed = false;
    bubbles.forEach((el, i) => {
      const next = bubbles[i + 1] ?? end;
      const height = next.offsetTop - el.offsetTop;
      // A message's day separator, when it starts one, stands for the message (data-day-of).
      const id = el.dataset.id ?? el.dataset.dayOf!;
      if (height > 0 && this.heights.get(id) !== height) {
        this.heights.set(id, height);
        changed = true;
      }
    });
    return changed;
  }
}
