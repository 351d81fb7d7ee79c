import { css } from 'lit';

export const styles = css`
  :host {
    position: fixed;
    /* A second widget in the page goes beside the first (--_stack: its index, set when it is
       connected), not on top of it. */
    inset-inline-end: calc(
      var(--chat-inset, 16px) + var(--_stack, 0) * (var(--chat-launcher-size, 56px) + 16px)
    );
    inset-block-end: var(--chat-inset, 16px);
    z-index: var(--chat-z-index, 9999);
  }
  .launcher {
    display: grid;
    place-items: center;
    width: var(--chat-launcher-size, 56px);
    height: var(--chat-launcher-size, 56px);
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: var(--_primary);
    color: var(--_on-primary);
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.3);
  }
  svg {
    width: 50%;
    height: 50%;
    fill: currentColor;
  }
  [part='badge'] {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-end: -4px;
    pointer-events: none;
    min-width: 22.4px;
    padding: 0 4.8px;
    border-radius: 16px;
    background: var(--chat-badge-background, #b91c1c);
    color: var(--chat-badge-text, #fff);
    font-size: 12px;
    line-height: 22.4px;
  }
  .panel {
    position: absolute;
    inset-block-end: calc(100% + var(--_space));
    inset-inline-end: 0;
    display: flex;
    flex-direction: column;
    width: var(--chat-panel-width, 352px);
    height: var(--chat-panel-height, 544px);
    max-width: calc(100vw - 32px);
    max-height: calc(100vh - 112px);
    overflow: hidden;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.25);
    container: panel / inline-size;
  }
  .panel[hidden] {
    display: none;
  }
  .header {
    display: flex;
    align-items: center;
    gap: var(--_space);
    padding: var(--_space);
    background: var(--_surface);
    border-bottom: 1px solid var(--_border);
  }
  h2 {
    flex: 1;
    margin: 0 var(--_space);
    font-size: 1em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .icon {
    min-width: 32px;
    font-size: 1.25em;
    line-height: 1;
    background: none;
    border-color: transparent;
  }
  .body {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
    overflow-y: auto;
  }
  .body > * {
    flex: 1;
  }
  chat-notices {
    margin: 0 var(--_space);
  }
  chat-notices:has(p) {
    margin-block: calc(var(--_space) / 2);
  }
  .body > p {
    flex: none;
    margin: 0 calc(var(--_space) * 2);
  }
  .body > p:not(:empty) {
    margin-block: var(--_space);
  }
  [data-view='roster'] > chat-window,
  [data-view='window'] > chat-roster {
    display: none;
  }
  @container panel (min-width: 640px) {
    .body {
      flex-direction: row;
    }
    .body > chat-roster {
      display: flex;
      flex: 0 0 40%;
      border-inline-end: 1px solid var(--_border);
    }
    .body > chat-window {
      display: flex;
    }
    .body[data-view='to'] {
      flex-direction: column;
    }
    [part='back-button'] {
      display: none;
    }
  }
  @media (max-width: 480px) {
    .panel {
      position: fixed;
      inset: 0;
      width: auto;
      height: auto;
      max-width: none;
      max-height: none;
      border-radius: 0;
    }
  }
  @media (prefers-reduced-motion: no-preference) {
    .panel {
      animation: chat-panel-in 0.15s ease-out;
    }
    @keyframes chat-panel-in {
      from {
        transform: translateY(8px) scale(0.98);
      }
    }
  }
`;
