/** A realistic inference event of about 1 KB, different per record: the benchmarks' load. */
export const sampleEvent = (i: number, system = 'support-assistant'): unknown => ({
  event_id: `evt-${i.toString().padStart(10, '0')}`,
  timestamp: new Date(1_735_689_600_000 + i * 1000).toISOString(),
  system,
  input: {
    messages: [
      { role: 'system', content: 'You are a helpful support assistant for ACME Corp. '.repeat(3) },
      {
        role: 'user',
        content: `Where is my order ${i}? It was due last week and has not arrived.`,
      },
    ],
  },
  output: {
    content: `Order ${i} shipped on Monday and should arrive within two business days. `.repeat(3),
  },
  model: { provider: 'openai', name: 'gpt-4o', parameters: { temperature: 0.2, max_tokens: 512 } },
  user: { id: `user-${i % 977}`, locale: 'en-GB' },
  channel: 'web-chat',
  metadata: { region: 'eu-west-1', session: `s-${(i * 7919).toString(16).padStart(12, '0')}` },
  latency_ms: 412 + (i % 100),
  tags: ['support', 'orders', 'tier-2'],
  policy_checks: [
    { name: 'pii', result: 'pass' },
    { name: 'toxicity', result: 'pass', score: 0.013 },
  ],
});
