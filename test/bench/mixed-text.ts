import { loadCorpus } from '../eval/pii-metrics.ts';

const PROSE =
  'Thanks for reaching out about your account. Our records show the last payment was received on time and the ' +
  'balance is up to date. If you have further questions, reply to this message and an agent will follow up within ' +
  'two business days. We appreciate your patience while we review the request and the supporting documents. ';

/** Mostly prose with the generated corpus's PII-dense sentences mixed in, as in real model
 * outputs: the text the policy benches scan. */
export const mixedText = (bytes: number): string => {
  const corpus = loadCorpus().map((r) => r.text);
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += `${PROSE}${corpus[i % corpus.length]} `;
  return text.slice(0, bytes);
};
