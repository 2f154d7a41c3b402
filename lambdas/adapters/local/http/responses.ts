import type { ServerResponse } from 'node:http';
import { type ApiAnswer, answerHeaders, answerText } from '#core/api/answer.ts';

/** Writes an answer with the contract's headers, tagged with the request id. */
export const sendAnswer = (res: ServerResponse, answer: ApiAnswer, requestId: string): void => {
  const text = answerText(answer);
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answerHeaders(answer, requestId))) {
    res.setHeader(name, value);
  }
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
};
