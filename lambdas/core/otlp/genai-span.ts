import { attributesOf, durationMs, isoFromNanos } from './attributes.ts';
import type { OtlpSpan } from './otlp-types.ts';

/** Resource and scope facts a span is read with. */
export interface SpanContext {
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope?: { readonly name?: string; readonly version?: string };
}

/** A span is a GenAI span when it names a GenAI operation or provider (semconv gen_ai.*). */
export const isGenAiSpan = (attributes: Readonly<Record<string, unknown>>): boolean =>
  attributes['gen_ai.operation.name'] !== undefined ||
  attributes['gen_ai.provider.name'] !== undefined ||
  attributes['gen_ai.system'] !== undefined;

/** The event id of a span's record: trace and span id, so a span is found by them. */
export const spanEventId = (traceId: string, spanId: string): string => `otel:${traceId}:${spanId}`;

const MESSAGE_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/**
 * Maps a GenAI span (OpenTelemetry GenAI semantic conventions) to an inference event as
 * the intake accepts it: model and request parameters, prompt (`input.messages`) and
 * completion (`output.content`) from the attributes (`gen_ai.input.messages`,
 * `gen_ai.output.messages`, the older `gen_ai.prompt`/`gen_ai.completion` and their
 * indexed forms) or the span events (`gen_ai.*.message`, `gen_ai.choice`), usage, and the
 * span itself under `otel` (trace and span ids, times, status, every attribute). A span
 * with no captured content still becomes a record, with `input.messages: []`.
 */
export const genAiEvent = (
  span: OtlpSpan,
  ids: { readonly traceId: string; readonly spanId: string; readonly parentSpanId?: string },
  context: SpanContext,
): Record<string, unknown> => {
  const a = attributesOf(span.attributes);
  const str = (key: string): string | undefined =>
    typeof a[key] === 'string' ? (a[key] as string) : undefined;
  const parameters = Object.fromEntries(
    Object.entries(a)
      .filter(([key]) => key.startsWith('gen_ai.request.') && key !== 'gen_ai.request.model')
      .map(([key, value]) => [key.slice('gen_ai.request.'.length), value]),
  );
  const provider = str('gen_ai.provider.name') ?? str('gen_ai.system');
  const modelName = str('gen_ai.response.model') ?? str('gen_ai.request.model');
  const messages = inputMessages(a, span);
  const output = outputOf(a, span);
  const usage = usageOf(a);
  const service = context.resource['service.name'];
  const started = isoFromNanos(span.startTimeUnixNano);
  const latency = durationMs(span.startTimeUnixNano, span.endTimeUnixNano);
  return {
    event_id: spanEventId(ids.traceId, ids.spanId),
    ...(started === undefined ? {} : { timestamp: started }),
    ...(typeof service === 'string' && service !== '' ? { application_id: chainKey(service) } : {}),
    model: {
      ...(provider === undefined ? {} : { provider }),
      ...(modelName === undefined ? {} : { name: modelName }),
      ...(str('gen_ai.request.model') === undefined
        ? {}
        : { requested: str('gen_ai.request.model') }),
      parameters,
    },
    input: { messages },
    ...(output === undefined ? {} : { output }),
    ...(usage === undefined ? {} : { usage }),
    ...(latency === undefined ? {} : { latency_ms: latency }),
    ...(str('gen_ai.response.id') === undefined ? {} : { response_id: str('gen_ai.response.id') }),
    otel: {
      trace_id: ids.traceId,
      span_id: ids.spanId,
      ...(ids.parentSpanId === undefined ? {} : { parent_span_id: ids.parentSpanId }),
      name: span.name ?? '',
      operation: str('gen_ai.operation.name') ?? null,
      kind: span.kind ?? 0,
      start: started ?? null,
      end: isoFromNanos(span.endTimeUnixNano) ?? null,
      status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
      attributes: a,
      resource: context.resource,
      ...(context.scope === undefined ? {} : { scope: context.scope }),
    },
  };
};

/** The prompt: `gen_ai.input.messages` (+ system instructions), message events, or the
 * older `gen_ai.prompt` forms. */
const inputMessages = (a: Record<string, unknown>, span: OtlpSpan): unknown[] => {
  const structured = parseJsonish(a['gen_ai.input.messages']);
  const system = parseJsonish(a['gen_ai.system_instructions']);
  if (Array.isArray(structured)) {
    return Array.isArray(system) ? [{ role: 'system', parts: system }, ...structured] : structured;
  }
  const fromEvents = (span.events ?? []).flatMap((event) => {
    const role = MESSAGE_EVENTS[event.name ?? ''];
    if (role === undefined) return [];
    const attributes = attributesOf(event.attributes);
    return [{ role: attributes.role ?? role, content: parseJsonish(attributes.content) ?? '' }];
  });
  if (fromEvents.length > 0) return fromEvents;
  const indexed = indexedMessages(a, 'gen_ai.prompt');
  if (indexed.length > 0) return indexed;
  const prompt = a['gen_ai.prompt'] ?? promptEventAttribute(span, 'gen_ai.content.prompt');
  const parsed = parseJsonish(prompt);
  if (Array.isArray(parsed)) return parsed;
  return typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : [];
};

/** The completion as text in `content` (structured messages kept beside it). */
const outputOf = (
  a: Record<string, unknown>,
  span: OtlpSpan,
): Record<string, unknown> | undefined => {
  const finish = a['gen_ai.response.finish_reasons'];
  const extra = finish === undefined ? {} : { finish_reasons: finish };
  const structured = parseJsonish(a['gen_ai.output.messages']);
  if (Array.isArray(structured)) {
    return { content: textOfMessages(structured), messages: structured, ...extra };
  }
  const choices = (span.events ?? [])
    .filter((event) => event.name === 'gen_ai.choice')
    .map((event) => attributesOf(event.attributes));
  if (choices.length > 0) {
    const message = parseJsonish(choices[0]?.message) as { content?: unknown } | undefined;
    const content = message?.content ?? choices[0]?.content ?? '';
    return {
      content: typeof content === 'string' ? content : JSON.stringify(content),
      choices,
      ...extra,
    };
  }
  const indexed = indexedMessages(a, 'gen_ai.completion');
  if (indexed.length > 0) {
    return { content: textOfMessages(indexed), messages: indexed, ...extra };
  }
  const completion =
    a['gen_ai.completion'] ?? promptEventAttribute(span, 'gen_ai.content.completion');
  if (typeof completion === 'string') return { content: completion, ...extra };
  return undefined;
};

const usageOf = (a: Record<string, unknown>): Record<string, unknown> | undefined => {
  const usage = Object.fromEntries(
    Object.entries(a)
      .filter(([key]) => key.startsWith('gen_ai.usage.'))
      .map(([key, value]) => [key.slice('gen_ai.usage.'.length), value]),
  );
  return Object.keys(usage).length === 0 ? undefined : usage;
};

/** `gen_ai.prompt.0.role`, `gen_ai.prompt.0.content`, … (OpenLLMetry's flattened form). */
const indexedMessages = (a: Record<string, unknown>, prefix: string): Record<string, unknown>[] => {
  const byIndex = new Map<number, Record<string, unknown>>();
  const pattern = new RegExp(`^${prefix.replaceAll('.', '\\.')}\\.(\\d+)\\.(.+)$`);
  for (const [key, value] of Object.entries(a)) {
    const match = pattern.exec(key);
    if (match === null) continue;
    const index = Number(match[1]);
    const message = byIndex.get(index) ?? {};
    message[match[2] as string] = value;
    byIndex.set(index, message);
  }
  return [...byIndex.entries()].sort(([x], [y]) => x - y).map(([, message]) => message);
};

const promptEventAttribute = (span: OtlpSpan, eventName: string): unknown => {
  const event = (span.events ?? []).find((e) => e.name === eventName);
  if (event === undefined) return undefined;
  const attributes = attributesOf(event.attributes);
  return eventName === 'gen_ai.content.prompt'
    ? attributes['gen_ai.prompt']
    : attributes['gen_ai.completion'];
};

/** The text of structured messages: their text parts (or string contents), joined. */
const textOfMessages = (messages: readonly unknown[]): string =>
  messages
    .flatMap((message) => {
      const m = message as { parts?: unknown; content?: unknown };
      if (typeof m.content === 'string') return [m.content];
      if (!Array.isArray(m.parts)) return [];
      return m.parts.flatMap((part) => {
        const p = part as { type?: unknown; content?: unknown };
        return p.type === 'text' && typeof p.content === 'string' ? [p.content] : [];
      });
    })
    .join('\n');

/** Attribute values that hold JSON as a string (as most instrumentations send them). */
const parseJsonish = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed.
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A service name as a chain key: printable, trimmed, at most 128 characters. */
const chainKey = (service: string): string =>
  service.replace(CONTROL, '').trim().slice(0, 128) || 'default';
