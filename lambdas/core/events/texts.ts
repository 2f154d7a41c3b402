import { formatPath } from '#core/events/problem.ts';

/** One text the policy engine inspects, by its field path. */
export interface FieldText {
  readonly field: string;
  readonly text: string;
}

/**
 * The payload fields whose strings the policy engine inspects: prompts and inputs, outputs
 * and reasons, retrieved context and tool calls, wherever they nest inside these.
 */
export const TEXT_ROOTS = [
  'input',
  'inputs',
  'output',
  'context',
  'retrieved_context',
  'tool_calls',
] as const;

/**
 * Every string under `TEXT_ROOTS`, in document order, with its path
 * (`input.messages[0].content`, `output.reason`, `output` for a text output).
 * Iterative, so nesting depth cannot overflow the stack.
 */
export function collectTexts(payload: Readonly<Record<string, unknown>>): FieldText[] {
  const texts: FieldText[] = [];
  const stack: { readonly path: readonly PropertyKey[]; readonly value: unknown }[] = [];
  for (const root of [...TEXT_ROOTS].reverse()) {
    if (Object.hasOwn(payload, root)) stack.push({ path: [root], value: payload[root] });
  }
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { path, value } = item;
    if (typeof value === 'string') {
      texts.push({ field: formatPath(path), text: value });
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
