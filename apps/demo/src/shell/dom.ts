/** Tiny DOM helpers shared by the shell and the views. */

/** Creates `<tag>` with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A `<label>` wrapping its text and control, so the control is named for screen readers. */
export function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return h('label', { class: 'control' }, h('span', {}, text), control);
}
