/**
 * API Gateway mapping templates (VTL) of the direct Kinesis integration: they build the
 * IntakeEnvelope (lambdas/core/events/envelope.ts) with no Lambda in the ingest path.
 *
 * The partition key is the chain: the first of `CHAIN_KEY_FIELDS` (as `chainKeyOf` in
 * lambdas/core/events/chain-key.ts; the request model has already refused bad values) else
 * `default`, plus `~<lane>` when a key is spread over lanes (core/events/lanes.ts: the
 * lane is Java's `String.hashCode` of the event id, floor modulo the key's lane count;
 * why that and how to check it on a deployed API: docs/DEPLOY.md, Throughput).
 * The event id echoed in the 202 answer is the payload's `event_id`, else `decision_id`, else the request id, as the
 * processor decides it (normalise.ts). Request-template values reach the response template
 * through `$context.requestOverride.header` (the only state API Gateway carries across).
 */

import { ALL_CHAINS, DEFAULT_TENANT, RESERVED_CHAIN_PREFIX } from '#core/access/roles.ts';
import { TENANT_SEPARATOR } from '#core/access/tenant.ts';
import { API_ERRORS, type ApiErrorCode } from '#core/api/answer.ts';
import { CHAIN_KEY_FIELDS, DEFAULT_CHAIN_KEY } from '#core/events/chain-key.ts';
import { LANE_SEPARATOR, type LanePlan, type LanesPerChain, lanePlan } from '#core/events/lanes.ts';

export interface MappingOptions {
  /** Kinesis stream name (a CDK token is fine). */
  readonly streamName: string;
  /** Route name written into the envelope (`audit_event`, `decision_log`, `log`, `batch`). */
  readonly route: string;
  /** Lanes per chain key: one count, or counts per key prefix (typed config `lanesPerChain`). */
  readonly lanes: LanesPerChain;
  /** Payload fields that name the event id, first non-empty wins, else the request id.
   * @default ['event_id', 'decision_id']; outcomes: ['event_id'] (their decision_id is the
   * decision's) */
  readonly eventIdFields?: readonly string[];
}

/** Header names (request overrides) that carry the answer from request to response. */
export const OVERRIDE_EVENT_ID = 'AuditTrailEventId';
export const OVERRIDE_CHAIN = 'AuditTrailChain';
/** Set when the request template refused the call (the key may not write the chain): the
 * refusal's message. The put then carries no data and an empty partition key, which
 * Kinesis refuses (400) without storing anything, and the 4xx template answers 403. */
export const OVERRIDE_REFUSED = 'AuditTrailRefused';

/** `received_at`: ISO 8601 UTC from `$context.requestTime` (dd/MMM/yyyy:HH:mm:ss +0000,
 * always UTC) and the milliseconds of `$context.requestTimeEpoch`. */
const RECEIVED_AT = [
  '#set($t = $context.requestTime)',
  // Month number by position in one string (no map literal: fewest VTL features).
  '#set($monthNames = "JanFebMarAprMayJunJulAugSepOctNovDec")',
  '#set($monthName = $t.substring(3, 6))',
  '#set($m = $monthNames.indexOf($monthName) / 3 + 1)',
  '#if($m < 10)#set($month = "0$m")#else#set($month = "$m")#end',
  '#set($ms = $context.requestTimeEpoch % 1000)',
  '#if($ms < 10)#set($msText = "00$ms")#elseif($ms < 100)#set($msText = "0$ms")#else#set($msText = "$ms")#end',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: `${month}` is VTL's formal reference.
  '#set($receivedAt = "$t.substring(7, 11)-${month}-$t.substring(0, 2)T$t.substring(12, 20).${msText}Z")',
  // Literal pieces: a double quote and a hash, so JSON can be built inside VTL strings.
  `#set($q = '"')`,
  `#set($hash = '#')`,
];

/** Sets `$chain` from the map `$source`, first non-empty field wins. */
const chainKeyLines = (source: string): string[] => [
  '#set($chain = "")',
  ...CHAIN_KEY_FIELDS.map(
    (path) => `#if($chain == "")#set($chain = "$!${source}.${path.join('.')}")#end`,
  ),
  `#if($chain == "")#set($chain = "${DEFAULT_CHAIN_KEY}")#end`,
];

/**
 * Sets `$refusal` to the 403 message when the authorizer's principal may not write
 * `$chain`, by admitEnvelope's rules (core/access/admit.ts), in its order and words: the
 * product's own `_…` chains, a name that reads as another tenant's, a chain outside the
 * key's prefixes. No principal at all (never behind the authorizer) is refused too.
 */
const admitLines = (): string[] => [
  '#set($refusal = "")',
  `#if("$!context.authorizer.key_id" == "" || "$!context.authorizer.chains" == "")#set($refusal = ${JSON.stringify(API_ERRORS.forbidden.message)})`,
  `#elseif($chain.startsWith("${RESERVED_CHAIN_PREFIX}"))#set($refusal = "chain $chain is reserved (names starting with ${RESERVED_CHAIN_PREFIX})")`,
  `#elseif($context.authorizer.tenant == "${DEFAULT_TENANT}" && $chain.matches("[a-z0-9][a-z0-9_-]*${TENANT_SEPARATOR}.*"))#set($refusal = "chain $chain names another tenant")`,
  '#else',
  '#set($inScope = false)',
  `#foreach($prefix in $util.parseJson($context.authorizer.chains))#if($prefix == "${ALL_CHAINS}" || $chain.startsWith($prefix))#set($inScope = true)#end#end`,
  '#if(!$inScope)#set($refusal = "this key may not write to chain $chain")#end',
  '#end',
];

/** The submitter every envelope carries: the authorizer's key id and tenant (never the
 * client's say), as admitEnvelope stamps it locally. */
const SUBMITTER =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: `${q}` is VTL's formal reference.
  '{${q}key_id${q}:${q}$util.escapeJavaScript($context.authorizer.key_id)${q},${q}tenant${q}:${q}$util.escapeJavaScript($context.authorizer.tenant)${q}}';

/** Sets `$eventId` from the map `$source`'s first non-empty field, else `fallback` (a VTL expression). */
const eventIdLines = (source: string, fallback: string, fields: readonly string[]): string[] => [
  '#set($eventId = "")',
  ...fields.map((field) => `#if($eventId == "")#set($eventId = "$!${source}.${field}")#end`),
  `#if($eventId == "")#set($eventId = ${fallback})#end`,
];

/** Sets `$lanes` for `$chain` (longest prefix first, as lanesFor), `$lane` from
 * `$eventId` (as laneOf: hashCode floor-mod lanes; "" for one lane) and `$partitionKey`. */
const laneLines = (plan: LanePlan): string[] =>
  plan.length === 0
    ? ['#set($partitionKey = $chain)']
    : [
        '#set($lanes = 1)',
        [
          ...plan.map(
            (r, i) =>
              `#${i === 0 ? 'if' : 'elseif'}($chain.startsWith("${r.prefix}"))#set($lanes = ${r.lanes})`,
          ),
          '#end',
        ].join(''),
        '#if($lanes == 1)#set($lane = "")#set($partitionKey = $chain)#else',
        '#set($laneN = $eventId.hashCode() % $lanes)',
        '#if($laneN < 0)#set($laneN = $laneN + $lanes)#end',
        '#set($lane = "$laneN")',
        `#set($partitionKey = "$chain${LANE_SEPARATOR}$lane")`,
        '#end',
      ];

/** The envelope JSON text, given `$requestId`, `$payload` (JSON text) and, with lanes, `$lane`. */
const envelopeLine = (route: string, plan: LanePlan): string => {
  const field = (name: string, value: string) => `\${q}${name}\${q}:${value}`;
  const text = (value: string) => `\${q}${value}\${q}`;
  const fields = [
    field('v', '1'),
    field('route', text(route)),
    field('request_id', text('$requestId')),
    field('received_at', text('$receivedAt')),
    field('payload', '$payload'),
    field('submitter', SUBMITTER),
  ];
  if (plan.length === 0) return `#set($data = "{${fields.join(',')}}")`;
  // The lane only when the key has more than one (`$laneField` is empty otherwise).
  return [
    `#if($lane == "")#set($laneField = "")#else#set($laneField = ",${field('lane', text('$lane'))}")#end`,
    `#set($data = "{${fields.join(',')}$laneField}")`,
  ].join('\n');
};

/** A string as a JSON string literal's content (escapeJavaScript, minus its `\'`). */
const jsonText = (ref: string): string => `$util.escapeJavaScript(${ref}).replaceAll("\\\\'", "'")`;

/** Checks the options; the lane plan (throws on a bad lane count or prefix). */
const checkOptions = (options: MappingOptions): LanePlan => {
  const plan = lanePlan(options.lanes);
  if (!/^[a-z_]+$/.test(options.route)) throw new Error(`bad route name "${options.route}"`);
  if (options.eventIdFields?.some((f) => !/^[a-z_]+$/.test(f))) {
    throw new Error(`bad event id field in ${JSON.stringify(options.eventIdFields)}`);
  }
  return plan;
};

/** Request template of the single-event routes: Kinesis PutRecord. */
export function putRecordTemplate(options: MappingOptions): string {
  const plan = checkOptions(options);
  return [
    ...RECEIVED_AT,
    "#set($body = $input.path('$'))",
    "#set($payload = $input.json('$'))",
    '#set($requestId = $context.requestId)',
    ...chainKeyLines('body'),
    ...admitLines(),
    ...eventIdLines(
      'body',
      '$context.requestId',
      options.eventIdFields ?? ['event_id', 'decision_id'],
    ),
    ...laneLines(plan),
    envelopeLine(options.route, plan),
    `#set($context.requestOverride.header.${OVERRIDE_EVENT_ID} = $util.urlEncode($eventId))`,
    `#set($context.requestOverride.header.${OVERRIDE_CHAIN} = $util.urlEncode($partitionKey))`,
    ...refuseLines(),
    '{',
    `  "StreamName": "${options.streamName}",`,
    `  "PartitionKey": "${jsonText('$partitionKey')}",`,
    '  "Data": "$util.base64Encode($data)"',
    '}',
  ].join('\n');
}

/** Request template of `POST /v1/events:batch` (`{events: [...]}`): Kinesis PutRecords,
 * item i with request id `<request id>:<i>`. */
export function putRecordsTemplate(options: MappingOptions): string {
  const plan = checkOptions(options);
  return [
    ...RECEIVED_AT,
    "#set($events = $input.path('$.events'))",
    // One item outside the key's chains refuses the whole batch (403), as locally.
    '#set($refused = "")',
    '#foreach($item in $events)',
    ...chainKeyLines('item'),
    ...admitLines(),
    '#if($refused == "" && $refusal != "")#set($refused = $refusal)#end',
    '#end',
    '#if($refused != "")',
    `#set($context.requestOverride.header.${OVERRIDE_REFUSED} = $util.urlEncode($refused))`,
    `{"StreamName": "${options.streamName}", "Records": []}`,
    '#else',
    '{',
    `  "StreamName": "${options.streamName}",`,
    '  "Records": [',
    '#foreach($item in $events)',
    '#set($i = $foreach.index)',
    '#set($itemPath = "$.events[$i]")',
    '#set($payload = $input.json($itemPath))',
    '#set($requestId = "$context.requestId:$i")',
    ...chainKeyLines('item'),
    // Batch items' event id as the processor decides it (normalise.ts), for the lane.
    ...(plan.length === 0
      ? []
      : eventIdLines('item', '$requestId', options.eventIdFields ?? ['event_id', 'decision_id'])),
    ...laneLines(plan),
    envelopeLine(options.route, plan),
    `    {"PartitionKey": "${jsonText('$partitionKey')}", "Data": "$util.base64Encode($data)"}#if($foreach.hasNext),#end`,
    '#end',
    '  ]',
    '}',
    '#end',
  ].join('\n');
}

/** A refused single put: no data, an empty partition key (Kinesis answers 400, stores
 * nothing), the message for the 4xx template. */
const refuseLines = (): string[] => [
  '#if($refusal != "")',
  `#set($context.requestOverride.header.${OVERRIDE_REFUSED} = $util.urlEncode($refusal))`,
  '#set($partitionKey = "")',
  '#set($data = "")',
  '#end',
];

/** 202 answer of a single event: `{event_id, chain, status}`. */
export function acceptedResponseTemplate(): string {
  return [
    `#set($eventId = $util.urlDecode("$!context.requestOverride.header.${OVERRIDE_EVENT_ID}"))`,
    '#if($eventId == "")#set($eventId = $context.requestId)#end',
    `#set($chain = $util.urlDecode("$!context.requestOverride.header.${OVERRIDE_CHAIN}"))`,
    `{"event_id": "${jsonText('$eventId')}", "chain": "${jsonText('$chain')}", "status": "accepted"}`,
  ].join('\n');
}

/** 202 answer of a batch, `{results}` per item in request order (PutRecords answers in
 * order), as the contract's batch answer (core/api/ingest-batch.ts) but for the items'
 * fields: API Gateway knows each item's request id, not its event id or chain. */
export function batchResponseTemplate(): string {
  return [
    "#set($out = $input.path('$'))",
    '{"results": [',
    '#foreach($r in $out.Records)',
    '{"index": $foreach.index, "request_id": "$context.requestId:$foreach.index", #if("$!r.ErrorCode" == "")"status": "accepted"#else"status": "failed", "error": "' +
      jsonText('$r.ErrorCode') +
      '"#end}#if($foreach.hasNext),#end',
    '#end',
    ']}',
  ].join('\n');
}

/** A JSON string literal (quotes included) of a fixed text. */
const literal = (text: string): string => JSON.stringify(text);

/** The contract's error body `{error, message, problems?}` (core/api/answer.ts) as VTL;
 * `message` and `problems` may be VTL expressions rendering JSON. */
const errorBody = (error: string, message: string, problems?: string): string =>
  `{"error": ${error}, "message": ${message}${problems === undefined ? '' : `, "problems": ${problems}`}}`;

/**
 * API Gateway's own refusal (a gateway response) as the contract's error body: the code's
 * message, and for a request validation failure one problem carrying API Gateway's
 * validation text (it names every offending field, though not as separate paths).
 */
export function gatewayErrorTemplate(code: ApiErrorCode): string {
  const message = literal(API_ERRORS[code].message);
  if (code !== 'invalid_request') return errorBody(literal(code), message);
  return [
    '#set($why = "$!context.error.validationErrorString")',
    '#if($why == "")#set($why = "$!context.error.message")#end',
    errorBody(literal(code), message, `[{"path": "", "message": "${jsonText('$why')}"}]`),
  ].join('\n');
}

/** The 405 of a method a route does not take (the `ANY` mock of each route's resource). */
export function methodNotAllowedTemplate(allow: string): string {
  return errorBody(literal('method_not_allowed'), literal(`use ${allow}`));
}

/** Kinesis refused the put (HTTP 4xx): 413 over the record size, 429 when throttled,
 * else 503 `unavailable`; the client may retry the last two. The Kinesis error type is
 * named in the message. */
export function streamErrorResponseTemplate(): string {
  const text = (code: ApiErrorCode) => API_ERRORS[code].message;
  return [
    `#set($refused = $util.urlDecode("$!context.requestOverride.header.${OVERRIDE_REFUSED}"))`,
    '#if($refused != "")',
    `#set($context.responseOverride.status = ${API_ERRORS.forbidden.status})`,
    errorBody('"forbidden"', `"${jsonText('$refused')}"`),
    '#else',
    '#set($type = "$!input.path(\'$.__type\')")',
    '#set($message = "$!input.path(\'$.message\')")',
    '#if($message.contains("1048576") || $message.contains("1MB") || $message.contains("1 MB"))',
    `#set($context.responseOverride.status = ${API_ERRORS.payload_too_large.status})`,
    '#set($error = "payload_too_large")',
    `#set($text = "${text('payload_too_large')}")`,
    '#elseif($type.contains("ProvisionedThroughputExceeded") || $type.contains("Throttling") || $type.contains("LimitExceeded"))',
    `#set($context.responseOverride.status = ${API_ERRORS.throttled.status})`,
    '#set($error = "throttled")',
    `#set($text = "${text('throttled')}")`,
    '#else',
    '#set($error = "unavailable")',
    `#set($text = "${text('unavailable')}")`,
    '#end',
    errorBody('"$error"', `"\${text} (${jsonText('$type')})"`),
    '#end',
  ].join('\n');
}

/** Kinesis failed (HTTP 5xx): 503 `unavailable`, nothing was accepted. */
export function streamFailureResponseTemplate(): string {
  return errorBody(literal('unavailable'), literal(API_ERRORS.unavailable.message));
}
