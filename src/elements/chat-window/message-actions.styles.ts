import { css } from 'lit';

/** The message menu's button (the menu's own styles come with it: message-menu-popup.ts), quotes, "edited", reactions and the composer's edit / reply banner. */
export const messageActionStyles = css`
  .menu-button {
    position: absolute;
    inset-block-start: 0;
    inset-inline-end: calc(100% + 2px);
    padding: 0 calc(var(--_space) / 2);
    line-height: 1.4;
    color: var(--_fg);
  }
  .other .menu-button {
    inset-inline-end: auto;
    inset-inline-start: calc(100% + 2px);
  }
  /* Shown on hover and focus where there is a pointer; a touch screen opens the menu with a long
     press, and keeps the button visible for those who look for one. */
  @media (hover: hover) {
    .msg:not(:hover, :focus-within) .menu-button[aria-expanded='false'] {
      opacity: 0;
    }
  }
  .quote {
    display: flex;
    flex-direction: column;
    align-items: start;
    width: 100%;
    margin-bottom: calc(var(--_space) / 2);
    padding: 2px var(--_space);
    border: none;
    border-inline-start: 3px solid currentColor;
    border-radius: calc(var(--_radius) / 2);
    background: rgb(127 127 127 / 0.15);
    color: inherit;
    text-align: start;
    font-size: 0.85em;
  }
  /* Over the own bubble's colour, as its text is (the rule for buttons in own bubbles is not for it). */
  .own button.quote {
    color: var(--_on-primary);
  }
  .quote-sender {
    font-weight: 600;
  }
  .quote-text {
    overflow: hidden;
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .edited {
    font-style: italic;
  }
  .jumped {
    animation: jumped 1.5s ease-out;
  }
  @keyframes jumped {
    from {
      outline: 3px solid var(--_focus);
      outline-offset: 2px;
    }
  }
  .compose-context {
    display: flex;
    align-items: center;
    gap: var(--_space);
    padding: calc(var(--_space) / 2) calc(var(--_space) * 1.5);
    border-top: 1px solid var(--_border);
    background: var(--_surface);
    font-size: 0.9em;
  }
  .compose-what {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
  }
  .compose-preview {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--_muted);
  }
`;
