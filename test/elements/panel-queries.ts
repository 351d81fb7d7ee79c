// Queries into the roster panels' shadow roots (contacts, groups, rooms, group info), by part.
import { waitUntil } from '@open-wc/testing';

export const shadow = <T extends HTMLElement = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector) as T;

export const within = <T extends HTMLElement = HTMLElement>(el: Element, selector: string) =>
  el.querySelector<T>(selector) as T;

export const text = (el: Element, selector: string) =>
  el.shadowRoot!.querySelector(selector)?.textContent ?? '';

/** The row (`li`) of the list `part` whose text names `name`. */
export const rowOf = (el: Element, part: string, name: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${part}"] > li`)].find((li) =>
    li.textContent!.includes(name),
  );

/** The confirmation dialog, once open. */
export async function confirmDialog(el: Element): Promise<HTMLDialogElement> {
  const dialog = () => shadow<HTMLDialogElement>(el, '[part="confirm-dialog"]');
  await waitUntil(() => dialog()?.open, 'the confirmation dialog opens', { timeout: 5000 });
  return dialog();
}
