/**
 * The API's JSON Schemas, generated from the intake zod schemas so the API Gateway request
 * models and the processor accept the same payloads. API Gateway REST models speak JSON
 * Schema draft-04: zod emits that target (`const` as `enum`, boolean `exclusiveMinimum`);
 * this file tidies the output and refuses any keyword draft-04 lacks.
 */

import * as z from 'zod';
import { AuditTrailError } from '#core/errors.ts';
import { batchSchema, eventPayloadSchema, outcomeSchema } from '#core/events/schema.ts';
import { guardrailRequestSchema } from './guardrail-request.ts';

/** `$schema` of every generated schema. */
export const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/** A generated schema used a keyword API Gateway's draft-04 validator does not know. */
export class UnsupportedJsonSchemaError extends AuditTrailError {
  readonly code = 'unsupported_json_schema';
  override readonly name = 'UnsupportedJsonSchemaError';
}

const DRAFT_04_KEYWORDS = new Set([
  '$schema',
  'id',
  '$ref',
  'title',
  'description',
  'default',
  'format',
  'type',
  'enum',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'items',
  'additionalItems',
  'maxItems',
  'minItems',
  'uniqueItems',
  'properties',
  'patternProperties',
  'additionalProperties',
  'required',
  'maxProperties',
  'minProperties',
  'dependencies',
  'definitions',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
]);
/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
/** Keywords whose value is a schema or a list of schemas. */
const SUBSCHEMAS = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'not',
  'allOf',
  'anyOf',
  'oneOf',
]);

/** JSON Schema (draft-04) of one event, for `/v1/audit/events`, `/v1/logs/decisions`, `/v1/logs`. */
export function requestJsonSchema(): object {
  return draft04JsonSchema(eventPayloadSchema, 'AuditTrailEvent');
}

/** JSON Schema (draft-04) of one outcome, for `/v1/outcomes`. */
export function outcomeJsonSchema(): object {
  return draft04JsonSchema(outcomeSchema, 'AuditTrailOutcome');
}

/** JSON Schema (draft-04) of `{ events: [...] }` for `/v1/events:batch`. */
export function batchJsonSchema(): object {
  return draft04JsonSchema(batchSchema, 'AuditTrailEventBatch');
}

/** JSON Schema (draft-04) of a guardrail call, for `/v1/guardrails/evaluate`. Draft-04 cannot
 * say "exactly one of text and messages": the handler checks that with the zod schema. */
export function guardrailJsonSchema(): object {
  return draft04JsonSchema(guardrailRequestSchema, 'AuditTrailGuardrailRequest');
}

/**
 * Any zod schema as a draft-04 JSON Schema titled `title`, e.g. for another route's model.
 * @throws UnsupportedJsonSchemaError when the output holds a keyword draft-04 lacks.
 */
export function draft04JsonSchema(schema: z.ZodType, title: string): object {
  const generated = z.toJSONSchema(schema, { target: 'draft-04', io: 'input' });
  return { ...(tidy(generated, '#') as object), $schema: DRAFT_04, title };
}

/** Checks every keyword is draft-04 and writes open objects' `additionalProperties: {}` as `true`. */
function tidy(node: unknown, at: string): unknown {
  if (Array.isArray(node)) return node.map((item, i) => tidy(item, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!DRAFT_04_KEYWORDS.has(key)) {
      throw new UnsupportedJsonSchemaError(`keyword "${key}" at ${at} is not JSON Schema draft-04`);
    }
    if (SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, tidy(sub, `${at}/${key}/${name}`)]),
      );
    } else if (key === 'additionalProperties' && isEmptyObject(value)) {
      out[key] = true;
    } else {
      out[key] = SUBSCHEMAS.has(key) ? tidy(value, `${at}/${key}`) : value;
    }
  }
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
