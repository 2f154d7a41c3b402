const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (record: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
};

/** The use case a payload names: `use_case`, else `metadata.use_case`, else `decision_type`. */
export const useCaseOf = (payload: unknown): string | undefined => {
  if (!isRecord(payload)) return undefined;
  const metadata = isRecord(payload.metadata) ? payload.metadata : {};
  return text(payload, 'use_case') ?? text(metadata, 'use_case') ?? text(payload, 'decision_type');
};
