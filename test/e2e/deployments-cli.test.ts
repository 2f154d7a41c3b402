/**
 * The deployment and gate commands on a data directory (--data, no server running): the
 * same records as through the API, with the OS user as who, and the chain verifies.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliHere } from './support/cli-in-process.ts';
import { readLedger, verifyDataDir } from './support/dev-harness.ts';

describe('deployments and gate on a data directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('deployments-cli-');
  });
  afterAll(() => removeDir(dir));

  it('records, approves, lists and gates, then verifies', async () => {
    const recorded = await runCliHere([
      'deployments',
      'record',
      '--use-case',
      'support',
      '--model',
      'claude-3',
      '--data',
      dir,
    ]);
    expect(recorded.code, recorded.output).toBe(0);
    const { deployment_id: id } = JSON.parse(recorded.output) as { deployment_id: string };
    const approved = await runCliHere([
      'deployments',
      'approve',
      id,
      '--note',
      'ok',
      '--data',
      dir,
    ]);
    expect(approved.code, approved.output).toBe(0);
    const again = await runCliHere([
      'deployments',
      'approve',
      id,
      '--note',
      'twice',
      '--data',
      dir,
    ]);
    expect(again.code).toBe(2);
    expect(again.output).toContain('already approved');
    const listed = await runCliHere([
      'deployments',
      'list',
      '--use-case',
      'support',
      '--at',
      new Date().toISOString(),
      '--data',
      dir,
    ]);
    expect(JSON.parse(listed.output).active.deployment_id).toBe(id);

    const candidate = join(dir, 'candidate.jsonl');
    await writeFile(candidate, `${JSON.stringify({ output: { content: 'fine' } })}\nnot json\n`);
    const bad = await runCliHere(['gate', '--use-case', 'support', '--candidate', candidate]);
    expect(bad.code, bad.output).toBe(2);
    expect(bad.output).toContain('line 2: not JSON');
    await writeFile(candidate, `${JSON.stringify({ output: { content: 'fine' } })}\n`);
    const go = await runCliHere([
      'gate',
      '--use-case',
      'support',
      '--candidate',
      candidate,
      '--data',
      dir,
    ]);
    expect(go.code, go.output).toBe(0);
    expect(go.output).toMatch(/verdict: GO .*recorded on the admin chain/);

    const admin = (await readLedger(dir)).get('_governance') ?? [];
    expect(admin.map((r) => r.kind)).toEqual(['deployment', 'approval', 'assessment']);
    expect(admin.every((r) => r.submitter?.key_id.startsWith('local:'))).toBe(true);
    expect((await verifyDataDir(dir)).faults).toEqual([]);
  });
});
