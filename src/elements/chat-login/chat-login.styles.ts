import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    padding: calc(var(--_space) * 2);
  }
  [role='tablist'] {
    display: flex;
    gap: var(--_space);
    margin-bottom: calc(var(--_space) * 2);
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
  form {
    display: grid;
    gap: calc(var(--_space) / 2);
  }
  label {
    font-weight: 600;
    margin-top: var(--_space);
  }
  [part='submit-button'] {
    margin-top: var(--_space);
    padding: var(--_space);
  }
`;
