import { formatPath } from '#core/events/problem.ts';

/** One text the policy engine inspects, by its field path. */
export interface FieldText {
  readonly field: string;
  readonly text: string;
}

/**
 * Every string of the payload at any depth, in document order, with its path, and the
 * digits of integers of nine digits or more (a card number sent as a JSON number)
 * (`input.messages[0].content`, `output.reason`, `metadata.notes`, `prompt`): values leak
 * through metadata, tool results, retrieved documents and fields no schema names, so
 * nothing is skipped by default (a rule's `applies_to.fields` narrows what it reads).
 * Iterative, so nesting depth cannot overflow the stack; each value is visited once.
 */
export function collectTexts(payload: Readonly<Record<string, unknown>>): FieldText[] {
  const texts: FieldText[] = [];
  const stack: { readonly path: readonly PropertyKey[]; readonly value: unknown }[] = [];
  const keys = Object.keys(payload);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i] as string;
    stack.push({ path: [key], value: payload[key] });
  }
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { path, value } = item;
    if (typeof value === 'string') {
      if (value !== '') texts.push({ field: formatPath(path), text: value });
    } else if (typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) >= 1e8) {
      // A card or phone number sent as a JSON number is a value too (its digits as text).
      texts.push({ field: formatPath(path), text: String(value) });
    } else if (typeof value === 'object' && value !== null) {
      const entries: [PropertyKey, unknown][] = Array.isArray(value)
        ? value.map((child, index) => [index, child])
        : Object.entries(value);
      // Pushed in reverse so they pop in document order.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [PropertyKey, unknown];
        stack.push({ path: [...path, key], value: child });
      }
    }
  }
  return texts;
}
