import { ApplyGuardrailCommand, BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ComprehendClient, DetectPiiEntitiesCommand } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createBedrockGuardrailDetector } from '#adapters/aws/bedrock-guardrail.ts';
import { createComprehendPiiDetector } from '#adapters/aws/comprehend-pii.ts';

const comprehend = mockClient(ComprehendClient);
const bedrock = mockClient(BedrockRuntimeClient);
afterEach(() => {
  comprehend.reset();
  bedrock.reset();
});

describe('comprehend-pii', () => {
  it('maps recorded DetectPiiEntities entities, filters by score and type, converts offsets', async () => {
    // Prepare: a response recorded from DetectPiiEntities (offsets in code points).
    const text = '😀 Hi, I am Jane Doe, SSN 536-22-1234, mail jane@example.com';
    comprehend.on(DetectPiiEntitiesCommand).resolves({
      Entities: [
        { Score: 0.9995, Type: 'NAME', BeginOffset: 11, EndOffset: 19 },
        { Score: 0.9991, Type: 'SSN', BeginOffset: 25, EndOffset: 36 },
        { Score: 0.41, Type: 'EMAIL', BeginOffset: 43, EndOffset: 59 },
      ],
    });
    const detector = createComprehendPiiDetector({
      client: new ComprehendClient({ region: 'eu-west-1' }),
    });
    // Act
    const all = await detector.detect(text, { min_score: 0.8, language: 'en' }, 'output');
    const onlySsn = await detector.detect(
      text,
      { min_score: 0.8, language: 'en', entities: ['SSN'] },
      'output',
    );
    // Assess
    expect(all.map((m) => [m.entity, text.slice(m.start, m.end)])).toEqual([
      ['PERSON', 'Jane Doe'],
      ['US_SSN', '536-22-1234'],
    ]);
    expect(onlySsn.map((m) => m.entity)).toEqual(['US_SSN']);
    expect(comprehend.commandCalls(DetectPiiEntitiesCommand)[0]?.args[0].input).toEqual({
      Text: text,
      LanguageCode: 'en',
    });
  });
});

describe('bedrock-guardrail', () => {
  it('maps a recorded ApplyGuardrail assessment to findings, with spans where matched', async () => {
    const text = 'You idiot, call 555-0100 about project Falcon';
    bedrock.on(ApplyGuardrailCommand).resolves({
      action: 'GUARDRAIL_INTERVENED',
      outputs: [{ text: 'Sorry, I cannot answer that.' }],
      assessments: [
        {
          contentPolicy: {
            filters: [
              { type: 'INSULTS', confidence: 'HIGH', action: 'BLOCKED' },
              { type: 'VIOLENCE', confidence: 'NONE', action: 'NONE' },
            ],
          },
          topicPolicy: { topics: [{ name: 'Projects', type: 'DENY', action: 'BLOCKED' }] },
          wordPolicy: {
            customWords: [{ match: 'Falcon', action: 'BLOCKED' }],
            managedWordLists: [],
          },
          sensitiveInformationPolicy: {
            piiEntities: [{ match: '555-0100', type: 'PHONE', action: 'ANONYMIZED' }],
            regexes: [
              { name: 'project code', match: 'nothing-here', regex: 'x', action: 'BLOCKED' },
            ],
          },
        },
      ],
    });
    const detector = createBedrockGuardrailDetector({
      guardrailId: 'gr-1',
      guardrailVersion: '2',
      client: new BedrockRuntimeClient({ region: 'us-east-1' }),
    });
    const matches = await detector.detect(text, {}, 'input');
    expect(
      matches.map((m) => [m.entity, m.start === undefined ? null : text.slice(m.start, m.end)]),
    ).toEqual([
      ['HARASSMENT', null],
      ['DENIED_TOPIC', null],
      ['BANNED_WORD', 'Falcon'],
      ['PHONE_NUMBER', '555-0100'],
      ['PROJECT_CODE', null],
    ]);
    expect(bedrock.commandCalls(ApplyGuardrailCommand)[0]?.args[0].input).toEqual({
      guardrailIdentifier: 'gr-1',
      guardrailVersion: '2',
      source: 'INPUT',
      content: [{ text: { text } }],
    });
  });
});
