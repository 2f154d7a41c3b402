/**
 * Splits a byte stream into lines without decoding it, so the verifier can hash record bytes
 * as they are stored. Only a partial line is carried between chunks.
 */

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Longest line kept; anything longer is reported as oversize and skipped (records are at
 * most about 1 MB of body). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface LineSink {
  /** One line, `buf[start, end)`, without its line break. Valid only during the call. */
  line(buf: Buffer, start: number, end: number): void;
  /** A line longer than MAX_LINE_BYTES was skipped. */
  oversize(): void;
}

export class LineSplitter {
  /** Parts of a line that started in an earlier chunk. */
  #carry: Buffer[] = [];
  #carryBytes = 0;
  #skipping = false;
  readonly #sink: LineSink;
  readonly #maxLine: number;

  constructor(sink: LineSink, maxLine = MAX_LINE_BYTES) {
    this.#sink = sink;
    this.#maxLine = maxLine;
  }

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    if (this.#carryBytes > 0 || this.#skipping) {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0) {
        this.#hold(buf, 0);
        return;
      }
      // Only the one line that crosses the chunk boundary is copied.
      if (this.#skipping) this.#skipping = false;
      else {
        const line = Buffer.concat([...this.#carry, buf.subarray(0, nl)]);
        this.#emit(line, 0, line.length);
      }
      this.#carry = [];
      this.#carryBytes = 0;
      start = nl + 1;
    }
    for (let nl = buf.indexOf(NEWLINE, start); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
      this.#emit(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) this.#hold(buf, start);
  }

  /** Emits a last line that has no trailing newline. */
  end(): void {
    if (this.#carryBytes > 0 && !this.#skipping) {
      const line = Buffer.concat(this.#carry);
      this.#emit(line, 0, line.length);
    }
    this.#carry = [];
    this.#carryBytes = 0;
    this.#skipping = false;
  }

  /** Keeps the start of a line until its end arrives; copied, since the caller's chunk may
   * be a pooled buffer. */
  #hold(buf: Buffer, start: number): void {
    if (this.#skipping) return;
    this.#carryBytes += buf.length - start;
    if (this.#carryBytes > this.#maxLine) {
      this.#carry = [];
      this.#carryBytes = 0;
      this.#skipping = true;
      this.#sink.oversize();
      return;
    }
    this.#carry.push(Buffer.from(buf.subarray(start)));
  }

  #emit(buf: Buffer, start: number, end: number): void {
    const stop = end > start && buf[end - 1] === CR ? end - 1 : end;
    if (stop - start > this.#maxLine) this.#sink.oversize();
    else this.#sink.line(buf, start, stop);
  }
}
