/**
 * OTLP/HTTP protobuf decoding with the official opentelemetry-proto definitions: the
 * protobufjs root generated from them and shipped in
 * `@opentelemetry/otlp-proto-exporter-base` (its `generated/root.js`). Nothing here
 * parses protobuf by hand.
 */
import root from '@opentelemetry/otlp-proto-exporter-base/build/src/generated/root.js';
import type { OtlpTraceRequest, OtlpTraceResponse } from './otlp-types.ts';

interface MessageType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}

const service = (
  root as unknown as {
    opentelemetry: {
      proto: {
        collector: {
          trace: {
            v1: { ExportTraceServiceRequest: MessageType; ExportTraceServiceResponse: MessageType };
          };
        };
      };
    };
  }
).opentelemetry.proto.collector.trace.v1;

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Decodes an `ExportTraceServiceRequest` into the OTLP/JSON shape (ids as hex);
 * throws on bytes that are not one. */
export const decodeTraceRequest = (bytes: Uint8Array): OtlpTraceRequest => {
  const message = service.ExportTraceServiceRequest.decode(bytes);
  const object = service.ExportTraceServiceRequest.toObject(message, {
    longs: String,
    enums: Number,
    bytes: Array,
  });
  return bytesToText(object) as OtlpTraceRequest;
};

/** Encodes an `ExportTraceServiceResponse`, as a protobuf request is answered. */
export const encodeTraceResponse = (response: OtlpTraceResponse): Uint8Array =>
  service.ExportTraceServiceResponse.encode(
    service.ExportTraceServiceResponse.fromObject(response as Record<string, unknown>),
  ).finish();

/** Byte fields (as arrays of numbers) become hex: ids as OTLP/JSON writes them, and
 * `bytesValue` attributes too. */
const bytesToText = (value: unknown, key = ''): unknown => {
  if (Array.isArray(value)) {
    if (ID_FIELDS.has(key) || key === 'bytesValue') return Buffer.from(value).toString('hex');
    return value.map((item) => bytesToText(item));
  }
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bytesToText(v, k)]));
};
