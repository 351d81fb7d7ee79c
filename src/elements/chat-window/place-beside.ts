/**
 * Where the popovers of `<chat-window>`'s messages go (the menu, who reacted, the reaction
 * picker): in the top layer, so the scrolling log never clips them, under `anchor` (above it when
 * there is no room below), inside the viewport. Set through the CSSOM: a strict style-src allows it.
 */
export function placeBeside(
  popover: HTMLElement,
  anchor: HTMLElement,
  align: 'start' | 'end',
): void {
  const at = anchor.getBoundingClientRect();
  const { width, height } = popover.getBoundingClientRect();
  const top = at.bottom + height > innerHeight ? Math.max(0, at.top - height) : at.bottom;
  const left = Math.min(
    Math.max(0, align === 'end' ? at.right - width : at.left),
    Math.max(0, innerWidth - width),
  );
  popover.style.top = `${top}px`;
  popover.style.left = `${left}px`;
}
