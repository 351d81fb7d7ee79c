import { css } from 'lit';

/**
 * The design tokens and base rules every chat element shares.
 *
 * Each public `--chat-*` token is read once into a private `--_*` variable on `:host`, with its
 * default as the fallback: declaring the defaults on the public names themselves would stop a
 * page's value from reaching the elements nested inside `<chat-widget>`.
 *
 * Light and dark are one declaration each through `light-dark()`, chosen by `color-scheme`: it
 * follows `prefers-color-scheme` unless the `theme` attribute forces one, and it inherits into
 * nested elements, which `<chat-widget>` also hands its `theme`.
 */
export const themeStyles = css`
  :host {
    color-scheme: light dark;
    --_bg: var(--chat-background, light-dark(#fff, #18181b));
    --_fg: var(--chat-text, light-dark(#111827, #f4f4f5));
    --_muted: var(--chat-muted, light-dark(#4b5563, #a1a1aa));
    --_surface: var(--chat-surface, light-dark(#f3f4f6, #27272a));
    --_border: var(--chat-border, light-dark(#d1d5db, #52525b));
    --_primary: var(--chat-primary, light-dark(#1d4ed8, #93c5fd));
    --_on-primary: var(--chat-on-primary, light-dark(#fff, #0b1220));
    --_danger: var(--chat-danger, light-dark(#b91c1c, #fca5a5));
    --_focus: var(--chat-focus-ring, var(--_primary));
    --_radius: var(--chat-radius, 12px);
    --_space: var(--chat-spacing, 8px);
    /* Longhands: a shorthand with the default family (inherit) was invalid as a whole, so the
       size only applied when --chat-font-family was set too. In px, not rem: a page's
       html { font-size: 62.5% } must not shrink the widget. */
    font-family: var(--chat-font-family, inherit);
    font-size: var(--chat-font-size, 14px);
    line-height: 1.4;
    font-style: normal;
    font-weight: normal;
    color: var(--_fg);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none !important;
  }
  * {
    box-sizing: border-box;
  }
  button,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
    padding: calc(var(--_space) / 2) var(--_space);
  }
  button.primary {
    background: var(--_primary);
    border-color: var(--_primary);
    color: var(--_on-primary);
  }
  button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }
  input,
  textarea {
    width: 100%;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_bg);
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  /* Inside scrolling areas an outer ring would be clipped. */
  .inset-focus:focus-visible {
    outline-offset: -2px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* Tab lists (login, roster): the selected tab is underlined in the accent colour. */
  [role='tablist'] {
    display: flex;
    gap: calc(var(--_space) / 2);
  }
  [role='tab'] {
    flex: 1;
    background: none;
  }
  [role='tab'][aria-selected='true'] {
    border-color: var(--_primary);
    box-shadow: inset 0 -2px var(--_primary);
    font-weight: 600;
  }
  /* A count on a tab. */
  .count {
    display: inline-block;
    min-width: 1.4em;
    padding: 0 0.3em;
    border-radius: 1em;
    background: var(--_primary);
    color: var(--_on-primary);
    font-size: 0.8em;
    font-weight: normal;
  }
  /* Touch: every control at least 44 × 44 px (WCAG 2.5.5), on a coarse pointer or a phone-sized
     window, where the panel fills the screen. A floor no element's own rule (an icon button's
     width, a list row's) may undercut, hence !important. */
  @media (pointer: coarse), (max-width: 480px) {
    button,
    select,
    input:not([type='checkbox'], [type='radio']) {
      min-height: 44px !important;
      min-width: 44px !important;
    }
  }
  .alert:not(:empty) {
    color: var(--_danger);
    margin: var(--_space) 0;
  }
`;
