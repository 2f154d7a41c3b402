/** Strict byte encodings for signed text formats, where one value must have one spelling. */

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard, padded base64; undefined for anything else, including non-zero padding
 * bits (Buffer.from alone accepts all of these silently).
 */
export const decodeBase64Strict = (text: string): Uint8Array | undefined => {
  if (!BASE64_RE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
};

/** Standard, padded base64. */
export const encodeBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
