import { readFileSync } from 'node:fs';
import type { IntakeEnvelope } from '#core/events/envelope.ts';

/** The seed payload examples (test/fixtures/seeds), by file name. */
export const SEED_FILES = [
  'seed1-audit-event.json',
  'seed2-decision-api.json',
  'seed2-decision-log.json',
  'seed2-faq-minimal.json',
  'issue2-decision-use-case.json',
] as const;

/** Reads a seed fixture as the exact JSON a client sends. */
export function loadSeed(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/seeds/${name}`, import.meta.url), 'utf8'));
}

/** An intake envelope around a payload, as the API would put it on the stream. */
export function envelopeOf(payload: unknown, route = 'audit_event'): IntakeEnvelope {
  return { v: 1, route, request_id: 'req-0001', received_at: '2024-01-15T10:30:01Z', payload };
}
