/**
 * OTLP trace data as the OTLP/JSON mapping shapes it (opentelemetry-proto,
 * `ExportTraceServiceRequest`): ids as hex strings, 64-bit integers as strings or numbers.
 * Protobuf requests are decoded into the same shape (`decode-protobuf.ts`).
 */
export interface OtlpAnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: string | number;
  readonly doubleValue?: number;
  readonly arrayValue?: { readonly values?: readonly OtlpAnyValue[] };
  readonly kvlistValue?: { readonly values?: readonly OtlpKeyValue[] };
  /** base64 in JSON; hex-encoded here after protobuf decoding. */
  readonly bytesValue?: string;
}

export interface OtlpKeyValue {
  readonly key: string;
  readonly value?: OtlpAnyValue;
}

export interface OtlpSpanEvent {
  readonly name?: string;
  readonly timeUnixNano?: string | number;
  readonly attributes?: readonly OtlpKeyValue[];
}

export interface OtlpSpan {
  readonly traceId?: string;
  readonly spanId?: string;
  readonly parentSpanId?: string;
  readonly name?: string;
  readonly kind?: number;
  readonly startTimeUnixNano?: string | number;
  readonly endTimeUnixNano?: string | number;
  readonly attributes?: readonly OtlpKeyValue[];
  readonly events?: readonly OtlpSpanEvent[];
  readonly status?: { readonly code?: number; readonly message?: string };
}

export interface OtlpScopeSpans {
  readonly scope?: { readonly name?: string; readonly version?: string };
  readonly spans?: readonly OtlpSpan[];
}

export interface OtlpResourceSpans {
  readonly resource?: { readonly attributes?: readonly OtlpKeyValue[] };
  readonly scopeSpans?: readonly OtlpScopeSpans[];
}

export interface OtlpTraceRequest {
  readonly resourceSpans?: readonly OtlpResourceSpans[];
}

/** `ExportTraceServiceResponse`: `rejectedSpans` 0 with a message is a warning. */
export interface OtlpTraceResponse {
  readonly partialSuccess?: { readonly rejectedSpans: number; readonly errorMessage: string };
}
