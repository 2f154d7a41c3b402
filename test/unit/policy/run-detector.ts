import { DETECTORS } from '#core/policy/detectors/registry.ts';

/** Runs a registered text detector with its params parsed (defaults applied): `ENTITY:value` per match. */
export const runDetector = (
  id: string,
  text: string,
  params: Record<string, unknown> = {},
): string[] => {
  const d = DETECTORS.get(id);
  if (d === undefined || d.target !== 'text') throw new Error(`no text detector ${id}`);
  return d
    .detect(text, d.params.parse(params))
    .map((m) => `${m.entity}:${text.slice(m.start, m.end)}`);
};
