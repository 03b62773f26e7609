// DOM helpers. Every piece of data reaches the page through `textContent` or attributes, never
// as HTML.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** A new element with a class and a text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function show(node, visible) {
  node.hidden = !visible;
}

/** Shows `message` in an error paragraph, or hides it when empty. */
export function setError(node, message) {
  node.textContent = message || '';
  show(node, Boolean(message));
}

/** Says `text` to screen readers (a polite live region). */
export function announce(text) {
  const region = $('announcer');
  // a repeated text is announced again only if the region changes
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}
