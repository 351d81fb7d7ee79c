import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--_bg);
  }
  .header {
    display: flex;
    align-items: baseline;
    gap: var(--_space);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-bottom: 1px solid var(--_border);
  }
  h2 {
    margin: 0;
    font-size: 1.1em;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  [part='status'] {
    color: var(--_muted);
    font-size: 0.85em;
  }
  :host([status='offline']) [part='status'],
  :host([status='reconnecting']) [part='status'] {
    color: var(--_danger);
  }
  /* Scroll position is kept by hand (see MessageWindow), so the browser's anchoring stays off. */
  [role='log'] {
    flex: 1;
    overflow-y: auto;
    overflow-anchor: none;
    position: relative;
    display: flex;
    flex-direction: column;
    padding: calc(var(--_space) * 1.5);
  }
  :host([dragging]) [role='log'] {
    outline: 3px dashed var(--_primary);
    outline-offset: -6px;
  }
  .spacer {
    flex: none;
  }
  /* Spaced like a bubble, so that the last bubble measures the same as the others. */
  .msg,
  .end {
    margin-top: var(--_space);
  }
  .older {
    align-self: center;
  }
  /* A day's first message: the date centred above it, in the log's flow (measured with it). */
  .day {
    align-self: center;
    margin: var(--_space) 0 0;
    padding: 0 var(--_space);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_muted);
    font-size: 0.85em;
  }
  .msg {
    max-width: 85%;
    position: relative;
    align-self: flex-start;
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.25);
    border-radius: var(--_radius);
    border-end-start-radius: 0;
    background: var(--_surface);
  }
  .own {
    align-self: flex-end;
    border-radius: var(--_radius);
    border-end-end-radius: 0;
    background: var(--_primary);
    color: var(--_on-primary);
  }
  .own[data-status='failed'] {
    background: var(--_surface);
    color: var(--_fg);
    outline: 1px solid var(--_danger);
  }
  .text {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .meta {
    display: block;
    font-size: 0.8em;
    text-align: end;
    color: var(--_muted);
  }
  .own .meta {
    color: inherit;
  }
  .recalled {
    font-style: italic;
  }
  .card {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) / 2);
    align-items: start;
    overflow-wrap: anywhere;
  }
  .own a {
    color: inherit;
  }
  /* Buttons in an own bubble (Download, Play, Recall, Retry) keep their surface background, so they
     need the page's text colour, not the bubble's (white on light grey was unreadable). */
  .own button:not(.primary) {
    color: var(--_fg);
  }
  .small {
    font-size: 0.85em;
  }
  .image {
    padding: 0;
    display: block;
  }
  /* An image of known size: the box is the thumbnail's, loaded or not. */
  .frame {
    max-width: 100%;
  }
  .frame > .image,
  .frame img {
    width: 100%;
    height: 100%;
  }
  .frame img {
    object-fit: cover;
  }
  .msg img,
  video,
  dialog img {
    display: block;
    max-width: 100%;
    height: auto;
  }
  audio {
    max-width: 100%;
  }
  progress {
    width: 100%;
  }
  .recall {
    padding: 0 var(--_space);
    color: var(--_fg);
  }
  /* Shown on hover and focus where there is a pointer; always on touch screens, which cannot hover
     (an invisible button a tap could hit would recall by accident). */
  @media (hover: hover) {
    .msg:not(:hover, :focus-within) .recall {
      opacity: 0;
    }
  }
  dialog {
    max-width: 90vw;
    border-radius: var(--_radius);
  }
  .failed {
    color: var(--_danger);
  }
  [part='retry-button'] {
    margin-inline-start: var(--_space);
    padding: 0 var(--_space);
  }
  form {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 0 var(--_space);
    padding: var(--_space);
    border-top: 1px solid var(--_border);
  }
  textarea {
    flex: 1;
    resize: none;
    field-sizing: content;
    min-height: 2.5em;
    max-height: 8em;
  }
  .icon {
    display: block;
    font-size: 1.15em;
  }
  [part='send-button'] {
    padding: var(--_space) calc(var(--_space) * 1.5);
  }
  .alert {
    flex-basis: 100%;
    margin: 0;
  }
  .sender {
    display: block;
    font-size: 0.8em;
    font-weight: 600;
    color: var(--_muted);
  }
  .msg:has(.sender) {
    margin-top: calc(var(--_space) * 2);
  }
  .end-button {
    margin-inline-start: auto;
    padding: 0 var(--_space);
  }
  .typing {
    margin: 0;
    padding: 0 var(--chat-spacing, 8px);
    color: var(--chat-muted);
    font-size: 0.85em;
    font-style: italic;
  }
  .banner {
    margin: 0;
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-top: 1px solid var(--_border);
    background: var(--_surface);
  }
  dialog.group {
    border: 1px solid var(--_border);
    width: min(416px, 90vw);
    max-height: 85vh;
    padding: 0;
    background: var(--_bg);
    color: var(--_fg);
  }
  dialog.group [part='close-button'] {
    margin: var(--_space) calc(var(--_space) * 1.5);
  }
  /* Like a received bubble, but not one (.msg is what the message window measures). */
  .greeting {
    max-width: 85%;
    align-self: flex-start;
    margin: var(--_space) 0 0;
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.25);
    border-radius: var(--_radius);
    border-end-start-radius: 0;
    background: var(--_surface);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .empty {
    margin: auto;
    padding: calc(var(--_space) * 2);
    color: var(--_muted);
    text-align: center;
  }
`;
