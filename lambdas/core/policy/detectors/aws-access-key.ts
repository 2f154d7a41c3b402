import * as z from 'zod';
import { type Match, regexMatches, textDetector } from '../detector.ts';

/** Parameters of the `aws-access-key` detector. */
export const awsAccessKeyParams = z.strictObject({});
export type AwsAccessKeyParams = z.infer<typeof awsAccessKeyParams>;

// Access key ids: a 4-letter type prefix and 16 characters of base32 (A-Z, 2-7).
const KEY_ID =
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;
// Secret access keys: 40 base64 characters right after a name that says what they are.
const SECRET =
  /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;

/** Finds AWS access key ids (`AKIA…`, `ASIA…`) and labelled secret access keys. */
export const detectAwsAccessKey = (text: string, _params: AwsAccessKeyParams): Match[] => {
  const matches = regexMatches(text, KEY_ID, 'AWS_ACCESS_KEY');
  for (const m of text.matchAll(SECRET)) {
    const secret = m[1] ?? '';
    const start = m.index + m[0].length - secret.length;
    matches.push({ entity: 'AWS_SECRET_KEY', start, end: start + secret.length });
  }
  return matches;
};

/** Registry entry of the `aws-access-key` detector. */
export const awsAccessKey = textDetector({
  id: 'aws-access-key',
  target: 'text',
  params: awsAccessKeyParams,
  redacts: true,
  detect: detectAwsAccessKey,
});
