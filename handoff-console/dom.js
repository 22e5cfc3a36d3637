// Builds elements with text nodes only: nothing here ever parses a string as HTML, so citizen text stays text.

/** h('div', { class: 'x', onclick: fn }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'hidden' || key === 'selected' || key === 'required') {
      el[key] = Boolean(value);
      // form.reset() goes back to the defaults: a radio checked here must be checked again after a reset.
      if (key === 'checked') el.defaultChecked = Boolean(value);
      if (key === 'selected') el.defaultSelected = Boolean(value);
    }
    else if (key === 'style' || key === 'innerHTML' || key === 'srcdoc') throw new Error(`h(): ${key} is not allowed`);
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A <select> with [value, label] options. */
export function select(name, options, selected, attrs = {}) {
  return h('select', { name, ...attrs }, options.map(([value, label]) => h('option', { value, selected: value === selected }, label)));
}

/**
 * Marks each call of a loader: `const current = turn(); await fetch…; if (!current()) return;`.
 * A list asked for twice (the first draw, then a filter) must show the last answer, not the slowest one.
 */
export function latest() {
  let n = 0;
  return () => {
    const mine = ++n;
    return () => mine === n;
  };
}

export function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

export function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/** A phone number staff can tap to call: a tel: link, isolated so it never reads backwards inside Arabic. */
export function phoneLink(phone) {
  if (!phone) return '—';
  const digits = String(phone).replace(/[^\d+]/g, '');
  return h('a', { href: `tel:${digits}`, class: 'tel', dir: 'ltr' }, h('bdi', {}, String(phone)));
}
