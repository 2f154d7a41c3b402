/** Hex decoding for the verifier's hot loop, without the allocations of Buffer.from(…, 'hex')
 * and with the strictness it lacks: only lowercase digits count. */

/** Lowercase hex digit values by character code; -1 for every other code. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

const digit = (code: number): number => (code < 256 ? (HEX_VALUE[code] as number) : -1);

/** Decodes `count` bytes of lowercase hex text at `buf[at]` into `out[outAt]`; false (with
 * `out` partly written) if a character is not a lowercase hex digit. */
export const decodeHexBytes = (
  buf: Uint8Array,
  at: number,
  count: number,
  out: Uint8Array,
  outAt: number,
): boolean => {
  for (let i = 0; i < count; i++) {
    const hi = digit(buf[at + 2 * i] ?? 256);
    const lo = digit(buf[at + 2 * i + 1] ?? 256);
    if (hi < 0 || lo < 0) return false;
    out[outAt + i] = (hi << 4) | lo;
  }
  return true;
};

/** Decodes the 32-byte hash `hex` (64 lowercase hex digits) into `out[outAt]`; false if it is
 * not one. */
export const decodeHash = (hex: string, out: Uint8Array, outAt = 0): boolean => {
  if (hex.length !== 64) return false;
  for (let i = 0; i < 32; i++) {
    const hi = digit(hex.charCodeAt(2 * i));
    const lo = digit(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return false;
    out[outAt + i] = (hi << 4) | lo;
  }
  return true;
};
