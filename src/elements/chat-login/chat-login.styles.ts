import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    padding: calc(var(--_space) * 2);
  }
  [role='tablist'] {
    gap: var(--_space);
    margin-bottom: calc(var(--_space) * 2);
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
