import { css } from 'lit';

/**
 * A modal question of a panel or of the roster (ban, delete a conversation): the dialog, its
 * buttons at the end, and the red button of the act that cannot be undone. Part of
 * `panelStyles`; the roster's "Delete conversation" chunk adopts it alone.
 */
export const dialogStyles = css`
  button.primary.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_bg);
  }
  dialog {
    max-width: min(384px, 90vw);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
  }
  dialog form {
    display: flex;
    flex-wrap: wrap;
    justify-content: end;
    gap: var(--_space);
  }
  dialog p {
    flex-basis: 100%;
    margin-top: 0;
  }
`;
