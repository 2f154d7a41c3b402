/**
 * What the deployed smoke suite needs: the outputs file `cdk deploy --outputs-file` wrote
 * (named by AUDIT_TRAIL_OUTPUTS) and AWS credentials. Without either the suite is skipped,
 * and its describe title says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';

/** The outputs the suite reads; without any of them it is skipped. */
const REQUIRED = [
  'ApiEndpoint',
  'ArchiveBucketName',
  'LedgerTableName',
  'SigningKeyArn',
  'PublicKeyLocation',
] as const;

export type StackOutputs = Readonly<Record<(typeof REQUIRED)[number], string>>;

export type Deployed =
  | { readonly ready: true; readonly outputs: StackOutputs; readonly region: string }
  | { readonly ready: false; readonly reason: string };

/** The stack's outputs (AUDIT_TRAIL_STACK picks one when the file holds several). */
export const deployedStack = async (env = process.env): Promise<Deployed> => {
  const file = env.AUDIT_TRAIL_OUTPUTS;
  if (file === undefined || file === '') {
    return { ready: false, reason: 'AUDIT_TRAIL_OUTPUTS is not set (see docs/DEPLOY.md)' };
  }
  if (!existsSync(file)) return { ready: false, reason: `no outputs file at ${file}` };
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  const name = env.AUDIT_TRAIL_STACK ?? Object.keys(all)[0] ?? '';
  const outputs = all[name];
  const missing = REQUIRED.filter((key) => outputs?.[key] === undefined);
  if (outputs === undefined || missing.length > 0) {
    return { ready: false, reason: `stack ${name} lacks outputs ${missing.join(', ')}` };
  }
  const region = /\.execute-api\.([a-z0-9-]+)\./.exec(outputs.ApiEndpoint ?? '')?.[1];
  if (region === undefined) return { ready: false, reason: 'ApiEndpoint names no region' };
  try {
    await new S3Client({ region }).config.credentials();
  } catch (error) {
    return { ready: false, reason: `no AWS credentials (${(error as Error).message})` };
  }
  return { ready: true, outputs: outputs as unknown as StackOutputs, region };
};
