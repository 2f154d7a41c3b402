import type { FileHandle } from 'node:fs/promises';

/** Writes all of `data` at `position`, looping over short writes. */
export const writeAll = async (
  handle: FileHandle,
  data: Uint8Array,
  position: number,
): Promise<void> => {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
};

/** Reads exactly `length` bytes at `position` (fewer only at end of file). */
export const readAt = async (
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Buffer> => {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
};
