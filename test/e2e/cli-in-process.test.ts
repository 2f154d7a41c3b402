/**
 * The in-process CLI runner (support/cli-in-process.ts) other e2e files rely on: it answers
 * a command's real exit code, whether set or passed to `process.exit`, and leaves the test's
 * process as it found it (working directory, variables, exit code, stdout), so one file's
 * commands cannot change the next command's outcome.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliInProcess } from './support/cli-in-process.ts';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('cli-in-process-');
  await writeFile(`${dir}/bad.yaml`, 'name: bad\nrules: 7\n');
});
afterAll(() => removeDir(dir));

describe('runCliInProcess', () => {
  it('answers the exit code and output of each way a command ends, and restores the process', async () => {
    const cwd = process.cwd();
    const write = process.stdout.write;
    process.env.AUDIT_TRAIL_RUNNER_PROBE = 'kept';

    // Act: written (cwd-relative), refused by process.exit(2), failing by process.exit(1),
    // a usage error through commander's exit override
    const written = await runCliInProcess(['policy', 'init', 'p.yaml'], {
      cwd: dir,
      env: { AUDIT_TRAIL_RUNNER_PROBE: undefined, AUDIT_TRAIL_OTHER_PROBE: 'set' },
    });
    const again = await runCliInProcess(['policy', 'init', 'p.yaml'], { cwd: dir });
    const bad = await runCliInProcess(['policy', 'check', 'bad.yaml'], { cwd: dir });
    const checked = await runCliInProcess(['policy', 'check', 'p.yaml'], { cwd: dir });
    const usage = await runCliInProcess(['search', 'reindex']);
    // An action that sets process.exitCode (runAction) rather than exiting.
    const missing = await runCliInProcess(['verify', 'no-such-archive'], { cwd: dir });

    // Assess
    expect([written.status, written.stdout]).toEqual([
      0,
      'wrote p.yaml: edit it, then restart `npm start`\n',
    ]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('p.yaml exists; not overwritten');
    expect(again.stdout).toBe('');
    expect(bad.status, bad.output).toBe(1);
    expect([checked.status, checked.stdout]).toEqual([0, expect.stringMatching(/^ok: \d+ rules/)]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("required option '--table <name>' not specified");
    expect(missing.status, missing.output).toBe(2);
    expect(process.cwd()).toBe(cwd);
    expect(process.env.AUDIT_TRAIL_RUNNER_PROBE).toBe('kept');
    expect(process.env.AUDIT_TRAIL_OTHER_PROBE).toBeUndefined();
    expect(process.exitCode).toBeUndefined();
    expect(process.stdout.write).toBe(write);
    delete process.env.AUDIT_TRAIL_RUNNER_PROBE;
  });
});
