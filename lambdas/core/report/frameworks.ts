/**
 * How the records answer the record-keeping articles of the EU AI Act (Regulation (EU)
 * 2024/1689) and the functions of the NIST AI RMF 1.0. A mapping, not legal advice: each
 * row names the record field that holds what the article asks for, so an auditor can count
 * and read it.
 */

export interface RecordKeepingItem {
  readonly article: string;
  readonly requirement: string;
  /** Dotted path in an archived record line (`body.…` is the event as received). */
  readonly field: string;
  /** Where the field is found, in words. */
  readonly where: string;
  /** Record kinds the field applies to; all kinds when absent. */
  readonly kinds?: readonly string[];
}

export const RECORD_KEEPING: readonly RecordKeepingItem[] = [
  {
    article: 'EU AI Act Art. 12(1)',
    requirement: 'automatic recording of events over the lifetime of the system',
    field: 'hash',
    where: 'every record line: hash chained to `prev`, covered by signed checkpoints',
  },
  {
    article: 'EU AI Act Art. 12(2)(a)',
    requirement: 'events relevant to identifying risk situations',
    field: 'policy',
    where: 'record `policy`: decision and findings of the policy checks',
  },
  {
    article: 'EU AI Act Art. 12(3)(a)',
    requirement: 'period of each use (start and end date and time)',
    field: 'occurred_at',
    where: 'record `occurred_at` (client time) and `ingested_at` (recorded time)',
  },
  {
    article: 'EU AI Act Art. 12(3)(b)',
    requirement: 'the reference database against which input was checked',
    field: 'body.model',
    where: 'event body `model` (and `retrieval`/context fields the client sends)',
    kinds: ['inference', 'decision'],
  },
  {
    article: 'EU AI Act Art. 12(3)(c)',
    requirement: 'input data for which the search led to a match',
    field: 'body.input',
    where: 'event body `input`, committed by `body_hash` (purged bodies keep the hash)',
    kinds: ['inference', 'decision'],
  },
  {
    article: 'EU AI Act Art. 12(3)(d)',
    requirement: 'natural persons involved in the verification of results',
    field: 'body.reviewer',
    where: '`review` records: body `reviewer`, `ref` to the record reviewed',
    kinds: ['review'],
  },
  {
    article: 'EU AI Act Art. 19(1), 26(6)',
    requirement: 'logs kept for at least six months (providers; deployers)',
    field: 'ingested_at',
    where: 'archive under S3 Object Lock (COMPLIANCE); record `ingested_at` dates each one',
  },
];

/** The NIST AI RMF function a control id names (`NIST-AI-RMF:MEASURE-2.10` → MEASURE);
 * other frameworks' controls map by a fixed table. */
export const rmfFunctionOf = (control: string): string | undefined => {
  const nist = /^NIST-AI-RMF:(GOVERN|MAP|MEASURE|MANAGE)\b/.exec(control)?.[1];
  if (nist) return nist;
  if (control.startsWith('EU-AI-Act:') || control.startsWith('GDPR:')) return 'GOVERN';
  if (control.startsWith('PCI-DSS')) return 'MANAGE';
  return undefined;
};
