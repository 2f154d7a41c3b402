/** One event: the record, findings highlighted, chain position, the inclusion proof
 * checked here, verdicts, and the raw view behind a stated reason. */
import { api, call } from './api.js';
import { announce, errorBox, facts, field, h, showPage } from './dom.js';
import { checkProof } from './proof.js';
import { bodyView, findingsTable } from './record-view.js';

/** The proof box: "Checking", then "Verified" or "Not verified" with the reason. */
export const proofBox = (detail, keys) => {
  const box = h(
    'div',
    { class: 'proof pending', id: 'proof-state', role: 'status' },
    'Checking the inclusion proof…',
  );
  if (detail.proof === null) {
    box.className = 'proof unavailable';
    box.replaceChildren(
      h('strong', {}, 'No proof yet: '),
      detail.proof_unavailable ?? 'no signed checkpoint covers this record',
    );
    return box;
  }
  void checkProof(detail.proof, keys, detail.record.hash).then((result) => {
    box.className = `proof ${result.ok ? 'verified' : 'failed'}`;
    box.dataset.state = result.ok ? 'verified' : 'not-verified';
    box.replaceChildren(
      result.ok
        ? h(
            'span',
            {},
            h('strong', {}, 'Verified'),
            ` in this browser: record ${detail.proof.seq} is in the signed checkpoint of ${result.size} records of chain ${detail.proof.chain}, signed by ${result.key}.`,
          )
        : h('span', {}, h('strong', {}, 'Not verified'), `: ${result.reason}.`),
    );
  });
  return box;
};

/** Position facts: chain, seq, hash, prev. */
export const positionFacts = (record) =>
  facts([
    ['Event id', h('code', {}, record.event_id)],
    ['Kind', record.kind],
    ['Chain position', `${record.chain} #${record.seq}`],
    ['Record hash', h('code', { class: 'hash' }, record.hash)],
    ['Previous hash', h('code', { class: 'hash' }, record.prev)],
    ['Ingested', record.ingested_at],
    [
      'Submitter',
      record.submitter ? `${record.submitter.key_id} (${record.submitter.tenant})` : '—',
    ],
    ['Policy', `${record.policy.decision} (version ${String(record.policy.version).slice(0, 12)})`],
    [
      'Retention',
      record.retention ? `${record.retention.rule} until ${record.retention.until}` : '—',
    ],
  ]);

/** The raw view: a dialog asks why; the answer shows the raw body and the access record
 * the read wrote. */
const rawSection = (eventId, findings) => {
  const out = h('div', { id: 'raw-out' });
  const reason = h('textarea', { name: 'reason', required: true, maxlength: '1000', rows: '3' });
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'raw-title' },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: async (event) => {
          event.preventDefault();
          if (reason.value.trim() === '') return;
          dialog.close();
          await showRaw(eventId, reason.value.trim(), findings, out);
        },
      },
      h('h2', { id: 'raw-title' }, 'Why do you need the raw body?'),
      h(
        'p',
        {},
        'Raw reads are recorded as an access record with your key and this reason before anything is shown.',
      ),
      field('Reason', reason),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit' }, 'Show raw body'),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => dialog.close() },
          'Cancel',
        ),
      ),
    ),
  );
  return h(
    'section',
    { 'aria-labelledby': 'raw-heading' },
    h('h2', { id: 'raw-heading' }, 'Raw view'),
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => dialog.showModal() },
      'Read the raw body…',
    ),
    dialog,
    out,
  );
};

const showRaw = async (eventId, reason, findings, out) => {
  try {
    const { json, headers } = await call(`/v1/events/${encodeURIComponent(eventId)}?view=raw`, {
      headers: { 'x-audit-reason': reason },
    });
    const requestId = headers.get('x-request-id');
    const access = await api(`/v1/events/${encodeURIComponent(`access:${requestId}`)}`);
    out.replaceChildren(
      h('h3', {}, 'Raw body'),
      bodyView(json.record, findings, 'raw'),
      h('h3', {}, 'Access record written for this read'),
      facts([
        ['Record', `${access.record.chain} #${access.record.seq}`],
        ['Event id', h('code', { id: 'access-id' }, access.record.event_id)],
        ['By', `${access.record.body.by.key_id} (${access.record.body.by.role})`],
        ['At', access.record.body.at],
        ['Reason', access.record.body.reason],
      ]),
    );
    announce('Raw body shown; the read was recorded.');
  } catch (error) {
    out.replaceChildren(errorBox(error));
  }
};

export const eventPage = async ({ arg: eventId }) => {
  const [detail, { keys }] = await Promise.all([
    api(`/v1/reviews/${encodeURIComponent(eventId)}`),
    api('/v1/checkpoints/keys'),
  ]);
  const { record, findings, verdicts } = detail;
  showPage(
    `Event ${eventId}`,
    h(
      'section',
      { 'aria-labelledby': 'proof-heading' },
      h('h2', { id: 'proof-heading' }, 'Inclusion proof'),
      proofBox(detail, keys),
    ),
    h(
      'section',
      { 'aria-labelledby': 'record-heading' },
      h('h2', { id: 'record-heading' }, 'Record'),
      positionFacts(record),
    ),
    h(
      'section',
      { 'aria-labelledby': 'body-heading' },
      h('h2', { id: 'body-heading' }, 'Body (redacted)'),
      bodyView(record, findings, 'redacted'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'findings-heading' },
      h('h2', { id: 'findings-heading' }, 'Findings'),
      findingsTable(findings),
    ),
    h(
      'section',
      { 'aria-labelledby': 'verdicts-heading' },
      h('h2', { id: 'verdicts-heading' }, 'Verdicts'),
      verdicts.length === 0
        ? h('p', {}, 'No verdict yet.')
        : h(
            'ol',
            {},
            verdicts.map((v) =>
              h(
                'li',
                {},
                `${v.verdict} by ${v.by?.key_id ?? '?'} at ${v.at ?? ''}${v.note ? ` — ${v.note}` : ''} (record ${v.chain} #${v.seq})`,
              ),
            ),
          ),
    ),
    rawSection(eventId, findings),
  );
};
