/**
 * Renders API Gateway mapping templates with velocityjs (a JavaScript VTL engine) and
 * stand-ins for API Gateway's `$input`, `$context` and `$util`. Java-only string methods
 * the templates use (`replaceAll` with a regex, `contains`, `matches`, `hashCode`) are installed for each render.
 */
import { Buffer } from 'node:buffer';
import { render } from 'velocityjs';

/** JSONPath subset the templates use: `$`, `$.a.b`, `$.events[3]`. */
const at = (value: unknown, path: string): unknown => {
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? [];
  let current: unknown = value;
  for (const part of parts) {
    current =
      typeof current === 'object' && current !== null
        ? (current as Record<string, unknown>)[part]
        : undefined;
  }
  return current;
};

/** Java's StringEscapeUtils.escapeJavaScript, as API Gateway's `$util.escapeJavaScript`. */
const escapeJavaScript = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point.
  text.replace(/["'\\/\u0000-\u001f\u007f-\uffff]/g, (c) => {
    const named: Record<string, string> = {
      '"': '\\"',
      "'": "\\'",
      '\\': '\\\\',
      '/': '\\/',
      '\n': '\\n',
      '\r': '\\r',
      '\t': '\\t',
    };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });

export interface Gateway {
  readonly requestId: string;
  readonly requestTime: string;
  readonly requestTimeEpoch: number;
  readonly override: Record<string, string>;
  readonly responseOverride: { status?: number };
  /** `$context.authorizer`: the authorizer's context (the principal). */
  readonly authorizer?: Readonly<Record<string, string>>;
  /** `$context.error` of a gateway response. */
  readonly error?: { readonly message?: string; readonly validationErrorString?: string };
}

export const gateway = (epoch = Date.UTC(2025, 10, 6, 12, 34, 56, 7)): Gateway => {
  const d = new Date(epoch);
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    requestTime: `${two(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`,
    requestTimeEpoch: epoch,
    override: {},
    responseOverride: {},
    // The development key's principal, as the authorizer hands it over.
    authorizer: { key_id: 'dev', tenant: 'default', role: 'admin', chains: '["*"]' },
  };
};

/** Renders a template with `body` as `$input` (request or integration response). */
export function renderVtl(template: string, body: unknown, gw: Gateway): string {
  const proto = String.prototype as unknown as Record<string, unknown>;
  const original = proto.replaceAll;
  proto.replaceAll = function (this: string, pattern: string, replacement: string) {
    return this.replace(new RegExp(pattern, 'g'), replacement);
  };
  proto.contains = function (this: string, part: string) {
    return this.includes(part);
  };
  // Java's String.matches: the whole string against the pattern.
  proto.matches = function (this: string, pattern: string) {
    return new RegExp(`^(?:${pattern})$`).test(this);
  };
  // Java's String.hashCode (the lane hash of lib/constructs/ingest-mapping.ts), written
  // out here rather than imported so the template is checked against Java's definition.
  proto.hashCode = function (this: string) {
    let h = 0;
    for (let i = 0; i < this.length; i++) h = (h * 31 + this.charCodeAt(i)) % 2 ** 32;
    return h >= 2 ** 31 ? h - 2 ** 32 : h;
  };
  try {
    return render(template, {
      input: { path: (p: string) => at(body, p), json: (p: string) => JSON.stringify(at(body, p)) },
      context: {
        requestId: gw.requestId,
        requestTime: gw.requestTime,
        requestTimeEpoch: gw.requestTimeEpoch,
        requestOverride: { header: gw.override },
        responseOverride: gw.responseOverride,
        error: gw.error ?? {},
        authorizer: gw.authorizer ?? {},
      },
      util: {
        escapeJavaScript: (s: unknown) => escapeJavaScript(String(s)),
        base64Encode: (s: unknown) => Buffer.from(String(s), 'utf8').toString('base64'),
        urlEncode: (s: unknown) => encodeURIComponent(String(s)),
        urlDecode: (s: unknown) => decodeURIComponent(String(s)),
        parseJson: (s: unknown) => JSON.parse(String(s)),
      },
    });
  } finally {
    proto.replaceAll = original;
    delete proto.contains;
    delete proto.matches;
    delete proto.hashCode;
  }
}
