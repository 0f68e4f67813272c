// Building DOM nodes in the views: el('li', {className: 'x'}, child, 'text', null) — text through
// textContent or string children, never innerHTML, so what a person typed is never markup.
// Missing children (null, undefined, false) are left out.
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}
