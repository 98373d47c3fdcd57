// A few DOM helpers: elements are built with createElement and text
// nodes only (never innerHTML), so nothing an API returns is markup.

// h builds an element: attrs may hold on* handlers, class, dataset and
// any attribute; children are nodes, strings, numbers or arrays of them.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// mount replaces what el shows.
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

// select builds a <select> of [value, text] pairs with one chosen.
export function select(attrs, options, chosen) {
  return h('select', attrs, options.map(([v, text]) => h('option', { value: v, selected: v === (chosen ?? '') }, text)));
}

// table builds a table from column heads and rows of cells; a row may
// carry attributes (a click handler, data-id) as its first element
// when that is an object that is not a Node.
export function table(attrs, heads, rows) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, heads.map((x) => (Array.isArray(x) ? h('th', { class: x[1] }, x[0]) : h('th', {}, x))))),
    h('tbody', {}, rows.map((r) => {
      const [first, ...rest] = r;
      const isAttrs = first && typeof first === 'object' && !(first instanceof Node) && !Array.isArray(first);
      const cells = isAttrs ? rest : r;
      return h('tr', isAttrs ? first : {}, cells.map((c) =>
        (c && typeof c === 'object' && c.td) ? h('td', c.td, c.v) : h('td', {}, c)));
    })));
}

// num is a right-aligned numeric cell.
export const num = (v) => ({ td: { class: 'num' }, v });
