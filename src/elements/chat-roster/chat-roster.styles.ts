import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--_bg);
  }
  [role='tablist'] {
    padding: calc(var(--_space) / 2);
    border-bottom: 1px solid var(--_border);
  }
  [role='tab'],
  [role='tab'][aria-selected='true'] {
    padding-inline: 0;
    border-color: transparent;
    white-space: nowrap;
  }
  .panel,
  .panel > * {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  ul {
    flex: 1;
    overflow-y: auto;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li {
    display: flex;
  }
  .delete {
    border: 0;
    border-bottom: 1px solid var(--_border);
    border-radius: 0;
    background: none;
    color: var(--_muted);
  }
  .item {
    min-width: 0;
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0 var(--_space);
    width: 100%;
    text-align: start;
    border: 0;
    border-bottom: 1px solid var(--_border);
    border-radius: 0;
    background: none;
    padding: var(--_space) calc(var(--_space) * 1.5);
  }
  .item:hover,
  .item[aria-current='true'] {
    background: var(--_surface);
  }
  .name {
    font-weight: 600;
  }
  .last,
  time {
    color: var(--_muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .visitor {
    grid-column: 1 / -1;
    color: var(--_muted);
    min-width: 0;
  }
  .unread .last {
    color: var(--_fg);
  }
  [part='badge'] {
    justify-self: end;
    min-width: 1.5em;
    padding: 0 0.4em;
    border-radius: 1em;
    background: var(--_primary);
    color: var(--_on-primary);
    text-align: center;
    font-size: 0.85em;
  }
  .empty {
    flex: 1;
    color: var(--_muted);
    padding: var(--_space) calc(var(--_space) * 1.5);
    margin: 0;
  }
  form {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: calc(var(--_space) / 2) var(--_space);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-top: 1px solid var(--_border);
  }
  label,
  .alert {
    grid-column: 1 / -1;
  }
  label {
    font-weight: 600;
  }
`;
