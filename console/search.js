/** Search: the filters of `GET /v1/events`, cursor paging, the state in the URL. */
import { api, call, withQuery } from './api.js';
import { errorBox, field, formParams, h, input, select, showPage, table } from './dom.js';

const KINDS = [
  '',
  'inference',
  'decision',
  'outcome',
  'review',
  'access',
  'rejected',
  'legal_hold',
  'purge',
];
const TEXT_FILTERS = [
  ['user_id', 'Customer (user id)'],
  ['chain', 'Chain'],
  ['session_id', 'Session id'],
  ['transaction_id', 'Transaction id'],
  ['decision', 'Decision'],
  ['use_case', 'Use case'],
  ['from', 'From (ISO 8601)'],
  ['to', 'To (ISO 8601)'],
];

/** A row per record, linking to its detail page. */
/** Ids as the caller sent them: other tenants' are stored as `<tenant>::<id>`
 * (lambdas/core/access/tenant.ts), and the routes qualify them again. */
const ownId = (stored) => stored.replace(/^[a-z0-9][a-z0-9_-]*::/, '');

export const recordRows = (records) =>
  records.map((r) =>
    h(
      'tr',
      {},
      h(
        'td',
        {},
        h('a', { href: `#/event/${encodeURIComponent(ownId(r.event_id))}` }, ownId(r.event_id)),
      ),
      h('td', {}, r.kind),
      h('td', {}, `${r.chain} #${r.seq}`),
      h(
        'td',
        {},
        h('time', { datetime: r.ingested_at }, r.ingested_at.replace('T', ' ').slice(0, 19)),
      ),
      h('td', {}, h('span', { class: `badge ${r.policy.decision}` }, r.policy.decision)),
    ),
  );

/** Downloads a customer's records (GDPR Art. 15 export) through the API, with the key. */
const exportSubject = async (userId, out) => {
  try {
    const { json } = await call(`/v1/subjects/${encodeURIComponent(userId)}/events?format=export`);
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(json, null, 2)], { type: 'application/json' }),
    );
    const a = h('a', { href: url, download: `subject-${userId}.json` }, 'download');
    a.click();
    out.replaceChildren(
      `Exported ${json.count} records${json.truncated ? ' (truncated: page the search for the rest)' : ''}.`,
    );
  } catch (error) {
    out.replaceChildren(errorBox(error));
  }
};

export const searchPage = async ({ params }) => {
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Search records',
      onsubmit: (event) => {
        event.preventDefault();
        const q = formParams(event.target).toString();
        location.hash = `#/search${q ? `?${q}` : ''}`;
      },
    },
    TEXT_FILTERS.map(([name, label]) => field(label, input(name, params.get(name)))),
    field(
      'Kind',
      select(
        'kind',
        KINDS.map((k) => [k, k || 'any']),
        params.get('kind') ?? '',
      ),
    ),
    field(
      'Policy decision',
      select(
        'policy_decision',
        [
          ['', 'any'],
          ['pass', 'pass'],
          ['flag', 'flag'],
          ['block', 'block'],
        ],
        params.get('policy_decision') ?? '',
      ),
    ),
    field(
      'Per page',
      select(
        'limit',
        [
          ['20', '20'],
          ['50', '50'],
          ['100', '100'],
        ],
        params.get('limit') ?? '20',
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Search'),
      h('a', { href: '#/search', class: 'button secondary' }, 'Clear'),
    ),
  );
  const results = h(
    'section',
    { 'aria-labelledby': 'results-title' },
    h('h2', { id: 'results-title' }, 'Results'),
  );
  showPage('Search records', form, results);

  const query = Object.fromEntries(params);
  query.limit ??= '20';
  let page;
  try {
    page = await api(withQuery('/v1/events', query));
  } catch (error) {
    results.append(errorBox(error));
    return;
  }
  const exportOut = h('p', { role: 'status' });
  results.append(
    h(
      'p',
      {},
      page.records.length === 0
        ? 'No records match.'
        : `${page.records.length} records, newest first (view: ${page.view}).`,
    ),
    page.records.length === 0
      ? null
      : table(
          'Matching records',
          ['Event', 'Kind', 'Chain position', 'Ingested (UTC)', 'Policy'],
          recordRows(page.records),
        ),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Result pages' },
      params.has('cursor')
        ? h('a', { href: `#/search?${without(params, 'cursor')}` }, 'First page')
        : null,
      page.next_cursor
        ? h(
            'a',
            { href: `#/search?${withCursor(params, page.next_cursor)}`, rel: 'next' },
            'Next page',
          )
        : null,
    ),
    query.user_id
      ? h(
          'p',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () => exportSubject(query.user_id, exportOut),
            },
            `Export all records of ${query.user_id}`,
          ),
          exportOut,
        )
      : null,
  );
};

const without = (params, name) => {
  const copy = new URLSearchParams(params);
  copy.delete(name);
  return copy.toString();
};
const withCursor = (params, cursor) => {
  const copy = new URLSearchParams(params);
  copy.set('cursor', cursor);
  return copy.toString();
};
