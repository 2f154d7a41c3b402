import * as z from 'zod';
import { type Match, regexMatches, textDetector } from '../detector.ts';

/** Parameters of the `api-key` detector. */
export const apiKeyParams = z.strictObject({});
export type ApiKeyParams = z.infer<typeof apiKeyParams>;

// Vendor token formats with a fixed, documented prefix.
const TOKENS =
  /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255}|glpat-[A-Za-z0-9_-]{20}|xox[abposr]-[A-Za-z0-9-]{10,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}|sk_(?:live|test)_[A-Za-z0-9]{24,}|rk_live_[A-Za-z0-9]{24,}|AIza[0-9A-Za-z_-]{35}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|npm_[A-Za-z0-9]{36})(?![\w-])/g;

/** Finds API keys of well-known vendors by their documented prefixes (GitHub, GitLab,
 * Slack, OpenAI, Anthropic, Stripe, Google, SendGrid, npm). */
export const detectApiKey = (text: string, _params: ApiKeyParams): Match[] =>
  regexMatches(text, TOKENS, 'API_KEY');

/** Registry entry of the `api-key` detector. */
export const apiKey = textDetector({
  id: 'api-key',
  target: 'text',
  params: apiKeyParams,
  redacts: true,
  detect: detectApiKey,
});
