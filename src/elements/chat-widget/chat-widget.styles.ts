import { css } from 'lit';

export const styles = css`
  :host {
    position: fixed;
    inset-inline-end: var(--chat-inset, 1rem);
    inset-block-end: var(--chat-inset, 1rem);
    z-index: var(--chat-z-index, 9999);
  }
  .launcher {
    display: grid;
    place-items: center;
    width: var(--chat-launcher-size, 3.5rem);
    height: var(--chat-launcher-size, 3.5rem);
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
    inset-block-start: -0.25rem;
    inset-inline-end: -0.25rem;
    pointer-events: none;
    min-width: 1.4rem;
    padding: 0 0.3rem;
    border-radius: 1rem;
    background: var(--chat-badge-background, #b91c1c);
    color: var(--chat-badge-text, #fff);
    font-size: 0.75rem;
    line-height: 1.4rem;
  }
  .panel {
    position: absolute;
    inset-block-end: calc(100% + var(--_space));
    inset-inline-end: 0;
    display: flex;
    flex-direction: column;
    width: var(--chat-panel-width, 22rem);
    height: var(--chat-panel-height, 34rem);
    max-width: calc(100vw - 2rem);
    max-height: calc(100vh - 7rem);
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
    min-width: 2rem;
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
  @container panel (min-width: 40rem) {
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
    [part='back-button'] {
      display: none;
    }
  }
  @media (max-width: 30rem) {
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
        transform: translateY(0.5rem) scale(0.98);
      }
    }
  }
`;
