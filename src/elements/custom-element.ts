/**
 * Lit's `@customElement`, except that a tag already defined keeps its first definition instead of
 * throwing: a page may load the widget twice (a CMS template and a plugin both adding the script,
 * or the classic script beside an app's ESM build), and the second copy must not break the first.
 */
export const customElement =
  (tagName: string) =>
  (elementClass: CustomElementConstructor): void => {
    if (!customElements.get(tagName)) customElements.define(tagName, elementClass);
  };
