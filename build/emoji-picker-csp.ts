import type { Plugin } from 'vite';

/**
 * emoji-picker-element under a site's strict `style-src` (no 'unsafe-inline'): as published it
 * styles its shadow root with a `<style>` element and sets `style` attributes with setAttribute
 * (the category grid, the tab indicator, the skin-tone list), all of which such a policy blocks,
 * each with a violation report. In the widget's builds its module is rewritten to do the same
 * through a constructed stylesheet (adoptedStyleSheets) and the CSSOM (`style.cssText`), which
 * CSP allows. The build fails if the library's code no longer reads as expected, rather than ship
 * the picker unpatched. (The ESM build leaves the library to the app's bundler.)
 */
export function emojiPickerCsp(): Plugin {
  const edits: [string, string][] = [
    [
      `const style = document.createElement('style');
    style.textContent = baseStyles + EXTRA_STYLES;
    this.shadowRoot.appendChild(style);`,
      `const sheet = new CSSStyleSheet();
    sheet.replaceSync(baseStyles + EXTRA_STYLES);
    this.shadowRoot.adoptedStyleSheets = [sheet];`,
    ],
    [
      `targetNode.setAttribute(attributeName, newValue);`,
      `if (attributeName === 'style') targetNode.style.cssText = newValue;
        else targetNode.setAttribute(attributeName, newValue);`,
    ],
  ];
  return {
    name: 'openwebim:emoji-picker-csp',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]emoji-picker-element[\\/]picker\.js$/.test(id)) return undefined;
      for (const [from, to] of edits) {
        if (code.split(from).length !== 2) {
          throw new Error(
            `emoji-picker-element changed: cannot find, once, ${JSON.stringify(from)}`,
          );
        }
        code = code.replace(from, to);
      }
      return { code, map: null };
    },
  };
}
