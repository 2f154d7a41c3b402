import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonlAlerts } from '#adapters/local/jsonl-alerts.ts';
import type { PolicyViolationAlert } from '#ports/alerts.ts';
import type { LogPort } from '#ports/log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const alertFactory = (event_id: string): PolicyViolationAlert => ({
  type: 'PolicyViolation',
  event_id,
  chain: 'support',
  seq: 3,
  kind: 'inference',
  decision: 'block',
  policy_version: 'v1',
  findings: [
    {
      rule_id: 'card',
      rule_name: 'Card',
      detector: 'credit-card',
      severity: 'high',
      action: 'block',
      snippet: 'card [CREDIT_CARD]',
      controls: [],
    },
  ],
  at: '2024-01-15T10:30:00.000Z',
});

const logFactory = () => {
  const warnings: string[] = [];
  const log: LogPort = { info: () => {}, warn: (m) => void warnings.push(m), error: () => {} };
  return { log, warnings };
};

describe('createJsonlAlerts', () => {
  let dir = '';
  let server: Server | undefined;
  beforeEach(async () => {
    dir = await tempDir('alerts-');
  });
  afterEach(async () => {
    await new Promise<void>((resolve) =>
      server === undefined ? resolve() : server.close(() => resolve()),
    );
    server = undefined;
    await removeDir(dir);
  });

  const listen = (status: number, received: string[]): Promise<string> =>
    new Promise((resolve) => {
      const created = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString();
        });
        req.on('end', () => {
          received.push(body);
          res.writeHead(status).end();
        });
      });
      server = created;
      created.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(created.address() as AddressInfo).port}/hook`),
      );
    });

  it('appends one JSON line per alert, across calls', async () => {
    const file = join(dir, 'sub', 'alerts.jsonl');
    const alerts = createJsonlAlerts({ file, ...logFactory() });
    await alerts.publish([alertFactory('a'), alertFactory('b')]);
    await alerts.publish([alertFactory('c')]);
    await alerts.publish([]);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as PolicyViolationAlert);
    expect(lines.map((l) => l.event_id)).toEqual(['a', 'b', 'c']);
  });

  it('POSTs the batch to the webhook', async () => {
    const received: string[] = [];
    const url = await listen(204, received);
    const { log, warnings } = logFactory();
    await createJsonlAlerts({ file: join(dir, 'a.jsonl'), webhookUrl: url, log }).publish([
      alertFactory('a'),
    ]);
    expect(
      received.map((b) =>
        (JSON.parse(b) as { alerts: PolicyViolationAlert[] }).alerts.map((a) => a.event_id),
      ),
    ).toEqual([['a']]);
    expect(warnings).toEqual([]);
  });

  // [case, server status or none, expected warning]
  const FAILURES: readonly [string, number | undefined, string][] = [
    ['refused', 500, 'alert webhook refused'],
    ['unreachable', undefined, 'alert webhook failed'],
  ];
  it.each(FAILURES)(
    'logs and swallows a webhook that is %s, keeping the file line',
    async (_name, status, warning) => {
      const url = status === undefined ? 'http://127.0.0.1:9/hook' : await listen(status, []);
      const { log, warnings } = logFactory();
      const file = join(dir, 'a.jsonl');
      await expect(
        createJsonlAlerts({ file, webhookUrl: url, log, webhookTimeoutMs: 2000 }).publish([
          alertFactory('a'),
        ]),
      ).resolves.toBeUndefined();
      expect(warnings).toEqual([warning]);
      expect(await readFile(file, 'utf8')).toContain('"event_id":"a"');
    },
  );
});
