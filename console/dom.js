/** Small DOM helpers: every value goes in as text or an attribute, never as markup. */

/** `h('a', {href}, 'text', child)`: an element with attributes, `on*` listeners and children. */
export const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
};

const append = (el, children) => {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
};

/** A labelled form control: `<label for>` + the control, in one wrapper. */
export const field = (label, control, hint) => {
  const id = control.id || `f-${control.name || Math.random().toString(36).slice(2)}`;
  control.id = id;
  const hintEl =
    hint === undefined ? undefined : h('span', { class: 'hint', id: `${id}-hint` }, hint);
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
};

/** A text input with a name and value. */
export const input = (name, value = '', attrs = {}) =>
  h('input', { name, value: value ?? '', type: 'text', autocomplete: 'off', ...attrs });

/** A select with options given as `[value, label]` pairs. */
export const select = (name, options, value = '') =>
  h(
    'select',
    { name },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );

/** Replaces the main region with a page: a heading (focused, so screen readers announce
 * it) and its content. */
export const showPage = (title, ...content) => {
  const main = document.getElementById('main');
  main.replaceChildren(h('h1', { tabindex: '-1', id: 'page-title' }, title), ...content);
  document.title = `${title} · Audit trail console`;
  document.getElementById('page-title').focus();
  return main;
};

/** Announces a short message to assistive technology (and shows it in the page's toast). */
export const announce = (message) => {
  const status = document.getElementById('status');
  status.textContent = message;
};

/** An error box for a failed request. */
export const errorBox = (error) =>
  h(
    'div',
    { class: 'error', role: 'alert' },
    h('strong', {}, error.status ? `Error ${error.status}: ` : 'Error: '),
    error.message,
    error.problems?.length
      ? h(
          'ul',
          {},
          error.problems.map((p) => h('li', {}, `${p.path}: ${p.message}`)),
        )
      : null,
  );

/** A table inside a scrolling wrapper (narrow screens scroll it, not the page). */
export const table = (caption, headers, rows) =>
  h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );

/** A definition list from `[term, value]` pairs. */
export const facts = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]),
  );

/** The form's non-empty fields as URLSearchParams. */
export const formParams = (form) => {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string' && value.trim() !== '') params.set(name, value.trim());
  }
  return params;
};
