import type { IncomingMessage } from 'node:http';
import { RequestTooLargeError } from '#core/api/refusal.ts';
import { RequestAbortedError } from './errors.ts';

/**
 * Reads a request body of at most `limit` bytes. A declared Content-Length over the limit is
 * refused before reading anything, and reading stops at the first chunk past the limit, so
 * an oversized body is never buffered (the server answers 413, then discards the rest).
 */
export const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> => {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new RequestTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error === undefined) resolve(Buffer.concat(chunks, size));
      else {
        req.pause();
        reject(error);
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > limit) finish(new RequestTooLargeError(limit));
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish();
    const onError = (error: Error): void => finish(new RequestAbortedError(error.message));
    const onClose = (): void => {
      if (!req.complete) finish(new RequestAbortedError('client closed the connection'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
};

/**
 * After refusing a request whose body was not (fully) read, reads and drops the rest, so
 * the client can finish sending and read the answer: closing at once would reset the
 * connection under a client still writing, and it could lose the answer (the "lingering
 * close" of nginx and Apache). Bounded: past `maxBytes` or `maxMs` the socket is cut.
 */
export const discardRest = (req: IncomingMessage, maxBytes: number, maxMs: number): void => {
  if (req.complete) return;
  const { socket } = req;
  let dropped = 0;
  let closing = false;
  const cut = (): void => {
    socket.destroy();
  };
  // Node closes a connection it will not reuse (the client sent `Connection: close`) as soon
  // as the answer is written, unread body and all; the kernel then answers the client's next
  // bytes with a reset, which can discard the answer. Half-close instead, and close once the
  // body is drained, when nothing unread is left to reset on.
  socket.destroySoon = () => {
    closing = true;
    if (socket.writable) socket.end();
    if (req.complete) cut();
  };
  const timer = setTimeout(cut, maxMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.byteLength;
    if (dropped > maxBytes) cut();
  });
  req.once('end', () => {
    if (closing) cut();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
};
