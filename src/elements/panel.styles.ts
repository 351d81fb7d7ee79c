import { css } from 'lit';
import { dialogStyles } from './dialog.styles.js';

/**
 * Lists, rows, small forms and dialogs shared by the roster's panels (contacts, groups, rooms)
 * and the group's member list: one copy of these rules in the bundle.
 */
export const panelStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    overflow-y: auto;
    background: var(--_bg);
  }
  h3 {
    margin: var(--_space) calc(var(--_space) * 1.5) calc(var(--_space) / 2);
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) / 2);
    padding: calc(var(--_space) / 2) calc(var(--_space) * 1.5);
    border-bottom: 1px solid var(--_border);
  }
  li > .alert,
  li > .more {
    flex-basis: 100%;
    margin: 0;
  }
  .open {
    flex: 1;
    min-width: 0;
    text-align: start;
    border: 0;
    background: none;
    padding: calc(var(--_space) / 2) 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .open:hover {
    text-decoration: underline;
  }
  .name {
    font-weight: 600;
  }
  .note,
  .empty {
    color: var(--_muted);
  }
  .note {
    font-size: 0.85em;
  }
  .empty {
    margin: 0;
    padding: var(--_space) calc(var(--_space) * 1.5);
  }
  li button:not(.open) {
    padding: 0 var(--_space);
  }
  .dot {
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    margin-inline-end: 0.4em;
    border-radius: 50%;
    border: 1px solid var(--_muted);
  }
  .dot.online {
    background: #16a34a;
    border-color: #16a34a;
  }
  .toggle {
    margin: var(--_space) calc(var(--_space) * 1.5);
  }
  form.panel-form {
    display: grid;
    gap: calc(var(--_space) / 2);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-bottom: 1px solid var(--_border);
  }
  form.panel-form label {
    font-weight: 600;
  }
  form.panel-form label.check {
    display: flex;
    gap: var(--_space);
    font-weight: normal;
  }
  label.check input {
    width: auto;
  }
  select {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
  }
  .danger {
    color: var(--_danger);
  }
  ${dialogStyles}
`;
