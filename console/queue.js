/** The review queue, keyboard first: j/k (or ↓/↑) move, a approve, e escalate, n note
 * (annotate), r retrain. Each verdict is a `review` record on the event's chain. */
import { api, withQuery } from './api.js';
import { announce, errorBox, field, h, select, showPage } from './dom.js';
import { positionFacts, proofBox } from './event.js';
import { bodyView, findingsTable } from './record-view.js';

const KEYS = { a: 'approve', e: 'escalate', r: 'retrain', n: 'annotate' };
let detach = () => undefined;

export const queuePage = async ({ params }) => {
  detach();
  const status = params.get('status') ?? 'pending';
  const query = { status, limit: '20', cursor: params.get('cursor') ?? undefined };
  const [page, { keys }] = await Promise.all([
    api(withQuery('/v1/reviews', query)),
    api('/v1/checkpoints/keys'),
  ]);
  const items = page.items;
  let index = 0;

  const list = h('ol', { class: 'queue-list', 'aria-label': 'Queued events' });
  const detail = h('section', {
    class: 'queue-detail',
    'aria-live': 'polite',
    'aria-labelledby': 'item-heading',
  });
  const outcome = h('p', { id: 'verdict-result', role: 'status' });
  const note = h('textarea', { name: 'note', rows: '2', maxlength: '4000' });

  const drawList = () => {
    list.replaceChildren(
      ...items.map((item, i) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'queue-item',
              'aria-current': i === index ? 'true' : undefined,
              'data-event': item.event_id,
              onclick: () => select_(i),
            },
            h('span', { class: `badge ${item.severity}` }, item.severity),
            ` ${item.event_id} `,
            h('span', { class: 'muted' }, `${item.status} · ${item.reasons.join(', ')}`),
          ),
        ),
      ),
    );
  };

  const drawDetail = async () => {
    const item = items[index];
    if (item === undefined) {
      detail.replaceChildren(
        h('h2', { id: 'item-heading' }, 'Nothing to review'),
        h('p', {}, 'The queue is empty for this filter.'),
      );
      return;
    }
    detail.replaceChildren(
      h('h2', { id: 'item-heading' }, `Event ${item.event_id}`),
      h('p', {}, 'Loading…'),
    );
    try {
      const d = await api(`/v1/reviews/${encodeURIComponent(item.event_id)}`);
      if (items[index] !== item) return;
      detail.replaceChildren(
        h(
          'h2',
          { id: 'item-heading' },
          h(
            'a',
            { href: `#/event/${encodeURIComponent(item.event_id)}` },
            `Event ${item.event_id}`,
          ),
        ),
        h('p', {}, `Status: ${item.status}. Severity ${item.severity}.`),
        proofBox(d, keys),
        bodyView(d.record, d.findings, 'redacted'),
        findingsTable(d.findings),
        positionFacts(d.record),
      );
    } catch (error) {
      detail.replaceChildren(errorBox(error));
    }
  };

  const select_ = (i) => {
    index = Math.max(0, Math.min(items.length - 1, i));
    drawList();
    void drawDetail();
  };

  const decide = async (verdict) => {
    const item = items[index];
    if (item === undefined) return;
    const body = { verdict, ...(note.value.trim() ? { note: note.value.trim() } : {}) };
    try {
      const answer = await api(`/v1/reviews/${encodeURIComponent(item.event_id)}`, {
        method: 'POST',
        body,
      });
      const at = answer.review
        ? `${answer.review.chain} #${answer.review.seq}`
        : 'already recorded';
      outcome.replaceChildren(
        `${verdict} on ${item.event_id} recorded as review record ${at}; status ${answer.status}.`,
      );
      announce(`${verdict} recorded for ${item.event_id}`);
      note.value = '';
      items[index] = { ...item, status: answer.status, latest_verdict: answer.verdict };
      if (status !== 'all' && answer.status !== status) items.splice(index, 1);
      else index += 1;
      select_(Math.min(index, items.length - 1));
    } catch (error) {
      outcome.replaceChildren(errorBox(error));
    }
  };

  const onKey = (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && target.closest('input, textarea, select, dialog')) return;
    if (event.key === 'j' || event.key === 'ArrowDown') select_(index + 1);
    else if (event.key === 'k' || event.key === 'ArrowUp') select_(index - 1);
    else if (event.key === 'n') note.focus();
    else if (KEYS[event.key]) void decide(KEYS[event.key]);
    else return;
    event.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  detach = () => document.removeEventListener('keydown', onKey);
  window.addEventListener('hashchange', () => detach(), { once: true });

  const filter = h(
    'form',
    {
      class: 'filters inline',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = `#/queue?status=${new FormData(event.target).get('status')}`;
      },
    },
    field(
      'Status',
      select(
        'status',
        ['pending', 'escalated', 'approved', 'retrain', 'all'].map((s) => [s, s]),
        status,
      ),
    ),
    h('button', { type: 'submit' }, 'Show'),
  );
  const actions = h(
    'div',
    { class: 'verdicts', role: 'group', 'aria-label': 'Verdict on the selected event' },
    h(
      'button',
      { type: 'button', onclick: () => decide('approve') },
      h('kbd', {}, 'a'),
      ' Approve',
    ),
    h(
      'button',
      { type: 'button', onclick: () => decide('escalate') },
      h('kbd', {}, 'e'),
      ' Escalate',
    ),
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => decide('retrain') },
      h('kbd', {}, 'r'),
      ' Retrain',
    ),
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => decide('annotate') },
      'Annotate with the note',
    ),
  );
  showPage(
    'Review queue',
    filter,
    h(
      'p',
      { class: 'keys' },
      'Keys: ',
      h('kbd', {}, 'j'),
      '/',
      h('kbd', {}, 'k'),
      ' next/previous, ',
      h('kbd', {}, 'a'),
      ' approve, ',
      h('kbd', {}, 'e'),
      ' escalate, ',
      h('kbd', {}, 'r'),
      ' retrain, ',
      h('kbd', {}, 'n'),
      ' write a note (then Annotate, or a verdict with the note).',
    ),
    h(
      'div',
      { class: 'queue' },
      h(
        'div',
        {},
        list,
        page.next_cursor
          ? h(
              'a',
              {
                href: `#/queue?status=${status}&cursor=${encodeURIComponent(page.next_cursor)}`,
                rel: 'next',
              },
              'Next page',
            )
          : null,
      ),
      h('div', {}, field('Note (optional)', note), actions, outcome, detail),
    ),
  );
  select_(0);
};
