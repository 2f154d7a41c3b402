import { decodeTraceRequest } from './decode-protobuf.ts';
import type { OtlpTraceRequest } from './otlp-types.ts';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'json' | 'protobuf';

/** Which encoding a Content-Type names, if either. */
export const otlpEncodingOf = (contentType: string | undefined): OtlpEncoding | undefined => {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return undefined;
};

/** What parsing a body answers: the request, or why it is not one. */
export type ParsedTraces =
  | { readonly ok: true; readonly request: OtlpTraceRequest }
  | { readonly ok: false; readonly message: string };

/** Parses an OTLP/HTTP trace export body in either encoding. */
export const parseTraceRequest = (body: Uint8Array, encoding: OtlpEncoding): ParsedTraces => {
  try {
    const request =
      encoding === 'protobuf'
        ? decodeTraceRequest(body)
        : (JSON.parse(Buffer.from(body).toString('utf8')) as unknown);
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return { ok: false, message: 'the body is not an ExportTraceServiceRequest' };
    }
    const spans = (request as OtlpTraceRequest).resourceSpans;
    if (spans !== undefined && !Array.isArray(spans)) {
      return { ok: false, message: 'resourceSpans must be a list' };
    }
    return { ok: true, request: request as OtlpTraceRequest };
  } catch (error) {
    const what = encoding === 'protobuf' ? 'protobuf ExportTraceServiceRequest' : 'JSON';
    return { ok: false, message: `the body is not valid ${what}: ${(error as Error).message}` };
  }
};
