import * as z from 'zod';
import { type Match, regexMatches, textDetector } from '../detector.ts';

/** Parameters of the `private-key` detector. */
export const privateKeyParams = z.strictObject({});
export type PrivateKeyParams = z.infer<typeof privateKeyParams>;

// PEM and OpenSSH private key blocks; a block cut off before its END line still counts.
const BLOCK =
  /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$)/g;

/** Finds PEM / OpenSSH / PGP private key blocks, from BEGIN to END line inclusive. */
export const detectPrivateKey = (text: string, _params: PrivateKeyParams): Match[] => {
  if (!text.includes('-----BEGIN ')) return [];
  return regexMatches(text, BLOCK, 'PRIVATE_KEY');
};

/** Registry entry of the `private-key` detector. */
export const privateKey = textDetector({
  id: 'private-key',
  target: 'text',
  params: privateKeyParams,
  redacts: true,
  detect: detectPrivateKey,
});
