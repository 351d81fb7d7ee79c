import { html, svg, type SVGTemplateResult } from 'lit';

/**
 * Small line icons for icon-only buttons, drawn inline rather than as text glyphs: a glyph such
 * as ⌖ is missing from many system fonts and shows as an empty box. They take the button's text
 * colour (`currentColor`) and size (1em), and are hidden from assistive technology: the button's
 * own `aria-label` names it.
 */
// The <svg> element itself goes in an `html` template; only its content is an `svg` fragment.
// Shapes are closed explicitly: the build's template minifier does not read `<path/>` as closed.
const icon = (paths: SVGTemplateResult) =>
  html`<svg
    class="icon"
    aria-hidden="true"
    focusable="false"
    width="1em"
    height="1em"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
  >
    ${paths}
  </svg>`;

/** "Attach a file": a paper clip. */
export const attachIcon = icon(
  svg`<path d="M21 11.5 12.5 20a5.5 5.5 0 0 1-7.8-7.8l8.5-8.5a3.7 3.7 0 0 1 5.2 5.2l-8.5 8.5a1.8 1.8 0 0 1-2.6-2.6L15 7"></path>`,
);

/** "Record a voice message": a microphone. */
export const microphoneIcon = icon(
  svg`<rect x="9" y="3" width="6" height="11" rx="3"></rect><path d="M5 11a7 7 0 0 0 14 0M12 18v3M9 21h6"></path>`,
);

/** "Stop recording": a filled square. */
export const stopIcon = icon(
  svg`<rect x="6" y="6" width="12" height="12" rx="1" fill="currentColor"></rect>`,
);

/** "Share location": a map pin. */
export const locationIcon = icon(
  svg`<path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21Z"></path><circle cx="12" cy="9.5" r="2.5"></circle>`,
);

/** "Emoji": a smiling face. */
export const smileIcon = icon(
  svg`<circle cx="12" cy="12" r="9"></circle><path d="M8 14a4.5 4.5 0 0 0 8 0M9 9.5h.01M15 9.5h.01"></path>`,
);
