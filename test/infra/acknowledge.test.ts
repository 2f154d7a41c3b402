import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { acknowledgeRule } from '#lib/nag.ts';
import { acknowledgements } from '#test/infra/support.ts';

describe('acknowledgeRule', () => {
  it('acknowledges a bare rule in NIST and HIPAA, and full ids as given, with one reason', () => {
    // Prepare
    const scope = new Construct(new Stack(new App(), 'S'), 'Thing');
    const reason = 'One reason for the same check in every pack that makes it.';

    // Act
    acknowledgeRule(scope, ['AwsSolutions-S1', 'S3BucketLoggingEnabled'], reason);

    // Assess
    const acks = acknowledgements(scope).map((a) => ({
      ...a,
      id: a.id.replace(/^Annotation::/, ''),
    }));
    expect(acks).toEqual([
      { path: 'S/Thing', id: 'AwsSolutions-S1', reason },
      { path: 'S/Thing', id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason },
      { path: 'S/Thing', id: 'HIPAA.Security-S3BucketLoggingEnabled', reason },
    ]);
  });
});
