/** Legal holds and erasure requests: list (20 a page) and create. */
import { api } from './api.js';
import { announce, errorBox, field, formParams, h, input, showPage, table } from './dom.js';

const PAGE = 20;

/** A page of a list the route answers whole (holds and requests are few), with links. */
const paged = (items, params, route) => {
  const at = Math.max(0, Number(params.get('page') ?? '0') || 0);
  const shown = items.slice(at * PAGE, (at + 1) * PAGE);
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'List pages' },
    at > 0 ? h('a', { href: `#/${route}?page=${at - 1}` }, 'Previous page') : null,
    items.length > (at + 1) * PAGE
      ? h('a', { href: `#/${route}?page=${at + 1}`, rel: 'next' }, 'Next page')
      : null,
  );
  return { shown, pager };
};

const list = (text) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export const holdsPage = async ({ params }) => {
  const { holds } = await api('/v1/legal-holds');
  const { shown, pager } = paged([...holds].reverse(), params, 'holds');
  const result = h('div', { role: 'status' });
  const form = h(
    'form',
    {
      class: 'card filters',
      'aria-labelledby': 'new-hold',
      onsubmit: async (event) => {
        event.preventDefault();
        const f = Object.fromEntries(formParams(event.target));
        const scope = {
          ...(f.chain ? { chain: f.chain } : {}),
          ...(f.event_ids ? { event_ids: list(f.event_ids) } : {}),
          ...(f.user_id ? { user_id: f.user_id } : {}),
          ...(f.from ? { from: f.from } : {}),
          ...(f.to ? { to: f.to } : {}),
        };
        try {
          const hold = await api('/v1/legal-holds', {
            method: 'POST',
            body: { scope, case_id: f.case_id, reason: f.reason },
          });
          announce(`Hold ${hold.hold_id} placed`);
          location.hash = `#/holds?placed=${encodeURIComponent(hold.hold_id)}`;
        } catch (error) {
          result.replaceChildren(errorBox(error));
        }
      },
    },
    h('h2', { id: 'new-hold' }, 'Place a hold'),
    field('Case id', input('case_id', '', { required: true })),
    field('Reason', input('reason', '', { required: true })),
    field('Event ids', input('event_ids'), 'Comma or space separated'),
    field('Customer (user id)', input('user_id')),
    field('Chain', input('chain')),
    field('From (ISO 8601)', input('from')),
    field('To (ISO 8601)', input('to')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Place hold')),
    result,
  );
  const release = async (id) => {
    try {
      await api(`/v1/legal-holds/${encodeURIComponent(id)}`, { method: 'DELETE' });
      announce(`Hold ${id} released`);
      location.hash = `#/holds?released=${encodeURIComponent(id)}`;
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  };
  showPage(
    'Legal holds',
    shown.length === 0
      ? h('p', {}, 'No legal holds.')
      : table(
          'Legal holds, newest first',
          ['Hold', 'Case', 'Reason', 'Scope', 'Placed', 'State'],
          shown.map((hold) =>
            h(
              'tr',
              {},
              h('td', {}, h('code', {}, hold.hold_id)),
              h('td', {}, hold.case_id),
              h('td', {}, hold.reason),
              h('td', {}, JSON.stringify(hold.scope)),
              h('td', {}, hold.created_at),
              h(
                'td',
                {},
                hold.released_at
                  ? `released ${hold.released_at}`
                  : h(
                      'button',
                      { type: 'button', class: 'secondary', onclick: () => release(hold.hold_id) },
                      'Release',
                    ),
              ),
            ),
          ),
        ),
    pager,
    form,
  );
};

export const erasuresPage = async ({ params }) => {
  const { requests } = await api('/v1/erasure-requests');
  const { shown, pager } = paged([...requests].reverse(), params, 'erasures');
  const result = h('div', { role: 'status' });
  const confirm = h('input', {
    type: 'checkbox',
    name: 'confirm',
    id: 'confirm-erasure',
    required: true,
  });
  const form = h(
    'form',
    {
      class: 'card filters',
      'aria-labelledby': 'new-erasure',
      onsubmit: async (event) => {
        event.preventDefault();
        const f = Object.fromEntries(formParams(event.target));
        const body = {
          reason: f.reason,
          ...(f.user_id ? { user_id: f.user_id } : { event_ids: list(f.event_ids ?? '') }),
        };
        try {
          const answer = await api('/v1/erasure-requests', { method: 'POST', body });
          announce(`Erasure ${answer.request_id} recorded`);
          location.hash = `#/erasures?requested=${encodeURIComponent(answer.request_id)}`;
        } catch (error) {
          result.replaceChildren(errorBox(error));
        }
      },
    },
    h('h2', { id: 'new-erasure' }, 'Request an erasure'),
    h(
      'p',
      {},
      'Erasure destroys the body keys: the bodies cannot be read again. Held records are kept until their hold is released.',
    ),
    field('Customer (user id)', input('user_id')),
    field('Or event ids', input('event_ids'), 'Comma or space separated'),
    field('Reason', input('reason', '', { required: true })),
    h(
      'div',
      { class: 'field check' },
      confirm,
      h('label', { for: 'confirm-erasure' }, 'I understand this cannot be undone'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, 'Erase')),
    result,
  );
  showPage(
    'Erasure requests',
    shown.length === 0
      ? h('p', {}, 'No erasure requests.')
      : table(
          'Erasure requests, newest first',
          ['Request', 'Status', 'Erased', 'Held'],
          shown.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, h('code', {}, r.request_id)),
              h('td', {}, r.status),
              h('td', {}, String(Array.isArray(r.erased) ? r.erased.length : (r.erased ?? 0))),
              h('td', {}, String(Array.isArray(r.held) ? r.held.length : (r.held ?? 0))),
            ),
          ),
        ),
    pager,
    form,
  );
};
