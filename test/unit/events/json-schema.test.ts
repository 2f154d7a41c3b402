import Ajv from 'ajv';
import draft04MetaSchema from 'ajv/lib/refs/json-schema-draft-04.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  batchJsonSchema,
  DRAFT_04,
  draft04JsonSchema,
  requestJsonSchema,
  UnsupportedJsonSchemaError,
} from '#core/events/json-schema.ts';
import { MAX_BATCH_EVENTS } from '#core/events/limits.ts';
import { loadSeed, SEED_FILES } from './seeds.ts';

// ajv 6 is the validator in node_modules that still speaks draft-04, as API Gateway does.
const ajv = new Ajv({ schemaId: 'id', meta: false, allErrors: true });
ajv.addMetaSchema(draft04MetaSchema);
const validateEvent = ajv.compile(requestJsonSchema());
const validateBatch = ajv.compile(batchJsonSchema());

function keywordsOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) keywordsOf(item, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      found.add(key);
      keywordsOf(value, found);
    }
  }
  return found;
}

describe('requestJsonSchema', () => {
  it('is a valid draft-04 schema', () => {
    // Act
    const schema = requestJsonSchema();

    // Assess
    expect(schema).toMatchObject({ $schema: DRAFT_04 });
    expect(ajv.validateSchema(schema), ajv.errorsText()).toBe(true);
  });

  it('uses none of the keywords draft-04 lacks', () => {
    // Act
    const keywords = keywordsOf([requestJsonSchema(), batchJsonSchema()]);

    // Assess
    for (const later of ['const', '$defs', 'examples', 'propertyNames', 'contains', 'if']) {
      expect(keywords.has(later), later).toBe(false);
    }
  });

  it.each(SEED_FILES)('accepts seed %s', (file) => {
    // Act
    const valid = validateEvent(loadSeed(file));

    // Assess
    expect(valid, JSON.stringify(validateEvent.errors)).toBe(true);
  });

  it.each([
    ['an array', [{ decision_id: 'd' }]],
    ['no kind field', { event_id: 'e', output: 'text' }],
    ['a numeric decision_id', { decision_id: 7 }],
    ['an empty event_id', { event_id: '', input: { messages: [] } }],
    ['a 257-character id', { decision_id: 'x'.repeat(257) }],
    ['a bad timestamp', { decision_id: 'd', timestamp: 'yesterday' }],
    ['a null decision', { output: { decision: null } }],
    ['a 129-character chain key', { decision_id: 'd', application_id: 'a'.repeat(129) }],
  ])('rejects %s', (_name, payload) => {
    // Act / Assess
    expect(validateEvent(payload)).toBe(false);
  });
});

describe('batchJsonSchema', () => {
  const event = { decision_id: 'd', output: { decision: 'deny' } };

  it.each([
    ['one event', [event], true],
    ['500 events', Array.from({ length: MAX_BATCH_EVENTS }, () => event), true],
    ['no events', [], false],
    ['501 events', Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => event), false],
    ['one bad event', [event, { event_id: 'e' }], false],
  ])('%s → %s', (_name, events, expected) => {
    // Act / Assess
    expect(validateBatch({ events })).toBe(expected);
  });

  it('is draft-04 and accepts every seed in one batch', () => {
    // Prepare
    const events = SEED_FILES.map(loadSeed);

    // Act / Assess
    expect(batchJsonSchema()).toMatchObject({ $schema: DRAFT_04 });
    expect(validateBatch({ events }), JSON.stringify(validateBatch.errors)).toBe(true);
  });
});

describe('draft04JsonSchema', () => {
  it('writes open objects as additionalProperties: true', () => {
    // Act
    const schema = draft04JsonSchema(z.looseObject({ a: z.string() }), 'Open');

    // Assess
    expect(schema).toEqual({
      $schema: DRAFT_04,
      title: 'Open',
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
      additionalProperties: true,
    });
  });

  it('refuses a keyword draft-04 lacks', () => {
    // Prepare
    const schema = z.object({ a: z.string().meta({ examples: ['x'] }) });

    // Act / Assess
    expect(() => draft04JsonSchema(schema, 'Examples')).toThrow(UnsupportedJsonSchemaError);
    expect(() => draft04JsonSchema(schema, 'Examples')).toThrow('"examples" at #/properties/a');
  });
});
