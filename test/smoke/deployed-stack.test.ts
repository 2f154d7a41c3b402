import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '#test/infra/support.ts';
import { deployedStack } from './deployed-stack.ts';

describe('when the deployed smoke suite runs', () => {
  it('says why it is skipped: no outputs file named, none there, or outputs missing', async () => {
    const dir = testDir('smoke-outputs-');
    const file = join(dir, 'outputs.json');

    expect(await deployedStack({})).toEqual({
      ready: false,
      reason: 'AUDIT_TRAIL_OUTPUTS is not set (see docs/DEPLOY.md)',
    });
    expect(await deployedStack({ AUDIT_TRAIL_OUTPUTS: file })).toEqual({
      ready: false,
      reason: `no outputs file at ${file}`,
    });
    writeFileSync(file, JSON.stringify({ AuditTrail: { ApiEndpoint: 'https://x' } }));
    expect(await deployedStack({ AUDIT_TRAIL_OUTPUTS: file })).toEqual({
      ready: false,
      reason:
        'stack AuditTrail lacks outputs ArchiveBucketName, LedgerTableName, SigningKeyArn, PublicKeyLocation',
    });
  });
});
