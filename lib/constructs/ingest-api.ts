/**
 * The ingest API: a REST API whose ingest routes put events on Kinesis through a direct
 * AWS integration (PutRecord / PutRecords, no Lambda in the path), after API Gateway has
 * checked the API key (Lambda REQUEST authorizer over the key store, so both
 * `Authorization: Bearer <key>` and `x-api-key` work, with a policy per role) and the body
 * against JSON-schema models generated from the core intake schema; the mapping templates
 * stamp the submitting key into each envelope and refuse chains outside its scope.
 *
 * Every other route runs in a route Lambda, mounted by ONE builder (`mountRouteGroup`): a
 * permission group of routes on one function with its own least-privilege role, whose
 * handler (lambdas/handlers/wiring/route-lambda.ts) calls the same core route functions as
 * the local server. Groups here: `read` (event, search, subject export, review queue,
 * governance and deployment lists, published keys, fairness reports), the guardrail and
 * the OTLP traces route (its protobuf body needs decoding before it can go on the stream);
 * the stack mounts the others (review, governance, deployments, approvals, admin events,
 * evidence) with the grants of the resources it owns.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ERRORS, type ApiErrorCode } from '#core/api/answer.ts';
import { API_ROUTES, EVENT_ROUTES, type RouteName, routeSpec } from '#core/api/routes.ts';
import {
  batchJsonSchema,
  guardrailJsonSchema,
  outcomeJsonSchema,
  requestJsonSchema,
} from '#core/events/json-schema.ts';
import { LANES_ENV, type LanesPerChain, lanePlan } from '#core/events/lanes.ts';
import { acknowledgeRule } from '#lib/nag.ts';
import { handlerEntry, handlerExists } from '#lib/paths.ts';
import type { ArchiveBucket } from './archive-bucket.ts';
import { AuditFunction, acknowledgeGrantPolicy } from './audit-function.ts';
import {
  acceptedResponseTemplate,
  batchResponseTemplate,
  gatewayErrorTemplate,
  methodNotAllowedTemplate,
  putRecordsTemplate,
  putRecordTemplate,
  streamErrorResponseTemplate,
  streamFailureResponseTemplate,
} from './ingest-mapping.ts';
import type { KeyTable } from './key-table.ts';
import type { LedgerTable } from './ledger-table.ts';

/** A contract route's path under the API root, as API Gateway resource parts. */
const pathParts = (path: string): string[] => path.split('/').filter((part) => part !== '');

/** The single-event ingest routes (core/api/routes.ts): path parts → route name in the
 * envelope. */
export const INGEST_ROUTES = EVENT_ROUTES.map((route) => ({
  path: pathParts(routeSpec(route).path),
  route,
}));
/** API Gateway accepts `:` in a path part, so the batch route is `/v1/events:batch` as on
 * the local server. */
export const BATCH_PATH = pathParts(routeSpec('batch').path);
export const STAGE_NAME = 'prod';
/** The OTLP/HTTP binary content type (the only binary media type of the API). */
export const OTLP_PROTOBUF = 'application/x-protobuf';

export interface IngestApiProps {
  readonly stream: kinesis.IStream;
  readonly ledger: LedgerTable;
  /** The API keys the authorizer reads (GetItem by digest). */
  readonly keyTable: KeyTable;
  /** Where records the routes write (access, review) are archived. */
  readonly archive: ArchiveBucket;
  /** Object Lock retention of those archive objects, days. */
  readonly archiveRetentionDays: number;
  readonly logsKey: kms.IKey;
  /** Lanes per chain key, or per key prefix (partition key and chain `<key>~<lane>` when
   * > 1; core/events/lanes.ts). @default 1 */
  readonly lanesPerChain?: LanesPerChain;
  /** Stage throttling: steady rate over all keys (requests/s); see docs/DEPLOY.md for why
   * not per key. @default 500 */
  readonly rateLimit?: number;
  /** Stage throttling: burst over all keys. @default 1000 */
  readonly burstLimit?: number;
  /**
   * API Gateway's own authorizer cache. API Gateway caches only by identity sources that
   * every request must carry, so a TTL > 0 caches by `Authorization` and turns `x-api-key`
   * away; the default 0 accepts both and the authorizer caches each key's item in memory.
   * @default Duration.seconds(0)
   */
  readonly authorizerCacheTtl?: Duration;
  /** Extra environment of the query and guardrail functions (each gets what it reads:
   * LEDGER_TABLE, EVENT_STREAM). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Policy JSON compiled into the guardrail's bundle. @default the built-in default policy */
  readonly policy?: string;
  /** Of the log groups. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Include `POST /v1/guardrails/evaluate`; it answers with the policy the processor
   * records (POLICY, else the built-in default policy).
   * @default true when lambdas/handlers/guardrail.ts exists */
  readonly guardrail?: boolean;
}

/** A permission group of routes on one Lambda (see `IngestApi.mountRouteGroup`). */
export interface RouteGroup {
  /** Handler file under lambdas/handlers/ (without `.ts`), a `createRouteLambda`. */
  readonly handler: string;
  readonly routes: readonly RouteName[];
  /** Gives the function's role what its routes need, and nothing else. */
  readonly grant: (fn: lambda.Function) => void;
  /** @default {} (plus the API's `environment`) */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** Policy JSON compiled into the bundle (the guardrail). @default none */
  readonly policy?: string;
  /** Extra method options per route (request models). @default none */
  readonly methodOptions?: Partial<Record<RouteName, apigw.MethodOptions>>;
}

/** LANES_PER_CHAIN for the routes that put on the stream from a Lambda (guardrail, OTLP),
 * as the mapping templates lane the others; absent with one lane everywhere. */
const laneEnvironment = (lanes: LanesPerChain): Record<string, string> =>
  lanePlan(lanes).length === 0 ? {} : { [LANES_ENV]: JSON.stringify(lanes) };

export const ingestApiDefaults = {
  lanesPerChain: 1 as LanesPerChain,
  rateLimit: 500,
  burstLimit: 1000,
  authorizerCacheTtl: Duration.seconds(0),
  environment: {},
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/** API Gateway's own refusals as the contract's answers (core/api/answer.ts), so clients
 * get the same JSON error bodies as from the local server. */
export const GATEWAY_RESPONSES: readonly [apigw.ResponseType, ApiErrorCode][] = [
  [apigw.ResponseType.BAD_REQUEST_BODY, 'invalid_request'],
  [apigw.ResponseType.BAD_REQUEST_PARAMETERS, 'invalid_request'],
  [apigw.ResponseType.UNAUTHORIZED, 'unauthorized'],
  [apigw.ResponseType.ACCESS_DENIED, 'forbidden'],
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 'not_found'],
  [apigw.ResponseType.REQUEST_TOO_LARGE, 'payload_too_large'],
  [apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type'],
  [apigw.ResponseType.THROTTLED, 'throttled'],
  [apigw.ResponseType.QUOTA_EXCEEDED, 'quota_exceeded'],
  [apigw.ResponseType.DEFAULT_5XX, 'unavailable'],
];

/** Headers of the gateway responses, as the contract's answers carry them. */
const gatewayHeaders = (code: ApiErrorCode): Record<string, string> => ({
  'cache-control': "'no-store'",
  ...(code === 'unauthorized' ? { 'www-authenticate': "'Bearer'" } : {}),
});

/** The props with their defaults, checked. */
const resolvedProps = (id: string, props: IngestApiProps) => {
  const p = { ...ingestApiDefaults, ...props };
  try {
    lanePlan(p.lanesPerChain);
  } catch (error) {
    throw new Error(`${id}: ${(error as Error).message}`);
  }
  if (p.rateLimit <= 0 || p.burstLimit < 1) {
    throw new Error(`${id}: rateLimit and burstLimit must be positive`);
  }
  const withGuardrail = p.guardrail ?? handlerExists('guardrail');
  if (withGuardrail && !handlerExists('guardrail')) {
    throw new Error(`${id}: guardrail requested but ${handlerEntry('guardrail')} does not exist`);
  }
  return { ...p, withGuardrail };
};

type ResolvedProps = ReturnType<typeof resolvedProps>;

/** The API, built by named builders in the order the constructor reads. */
export class IngestApi extends Construct {
  public readonly api: apigw.RestApi;
  public readonly stage: apigw.Stage;
  public readonly authorizer: apigw.RequestAuthorizer;
  public readonly authorizerFunction: lambda.Function;
  /** The read routes (permission group `read`). */
  public readonly queryFunction: lambda.Function;
  public readonly guardrailFunction: lambda.Function | undefined;
  /** `POST /v1/traces`: decodes OTLP, puts GenAI spans on the stream (PutRecords only). */
  public readonly otlpTracesFunction: lambda.Function;
  /** Role API Gateway assumes to put records: kinesis:PutRecord(s) on the stream only. */
  public readonly integrationRole: iam.Role;
  public readonly accessLogs: logs.LogGroup;
  private readonly props: IngestApiProps;
  /** Method options of every authenticated route (authorizer, request validator). */
  private guarded: apigw.MethodOptions = {};

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    this.props = props;
    const p = resolvedProps(id, props);
    this.accessLogs = this.buildAccessLogs(p);
    this.api = this.buildRestApi(p);
    this.stage = this.api.deploymentStage;
    this.buildExecutionLogs(p);
    this.buildGatewayResponses();
    this.authorizerFunction = this.buildAuthorizerFunction(p);
    this.authorizer = this.buildAuthorizer(p);
    this.integrationRole = this.buildIntegrationRole();
    this.grantPutRecords(this.integrationRole);

    // Every route: the API key through the authorizer, and the request validator.
    const guarded: apigw.MethodOptions = {
      authorizer: this.authorizer,
      authorizationType: apigw.AuthorizationType.CUSTOM,
      requestValidator: this.api.addRequestValidator('Validator', {
        requestValidatorName: 'body-and-parameters',
        validateRequestBody: true,
        validateRequestParameters: true,
      }),
    };
    this.guarded = guarded;
    this.buildIngestRoutes(p, guarded);
    this.queryFunction = this.buildReadRoutes(p);
    this.guardrailFunction = p.withGuardrail ? this.buildGuardrailRoute(p) : undefined;
    this.otlpTracesFunction = this.buildOtlpTracesRoute(p);
    this.answerOtherMethods();
    acknowledgeApi(this.api);
  }

  private buildAccessLogs(p: ResolvedProps): logs.LogGroup {
    return new logs.LogGroup(this, 'AccessLogs', {
      encryptionKey: p.logsKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: p.removalPolicy,
    });
  }

  private buildRestApi(p: ResolvedProps): apigw.RestApi {
    const api = new apigw.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'Audit trail: ingest and query API',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // OTLP protobuf bodies reach the traces Lambda base64-encoded; JSON stays text.
      binaryMediaTypes: [OTLP_PROTOBUF],
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        // Over all keys: API Gateway meters per key only for its own API keys, and keys live
        // in the key store (docs/DEPLOY.md, "Throttling").
        throttlingRateLimit: p.rateLimit,
        throttlingBurstLimit: p.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Request and response bodies hold personal data: never in execution logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    const cfnApi = api.node.defaultChild as apigw.CfnRestApi;
    // TLS 1.2 or 1.3 only, and only through the expected host name.
    cfnApi.securityPolicy = 'SecurityPolicy_TLS13_1_2_PQ_2025_09';
    cfnApi.endpointAccessMode = 'STRICT';
    return api;
  }

  /** Execution logs: created here so they are encrypted and expire (API Gateway would
   * otherwise create them unencrypted and kept forever). */
  private buildExecutionLogs(p: ResolvedProps): void {
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      encryptionKey: p.logsKey,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: p.removalPolicy,
    });
    this.stage.node.addDependency(executionLogs);
  }

  /** API Gateway's own refusals as the contract's error answers. */
  private buildGatewayResponses(): void {
    for (const [type, code] of GATEWAY_RESPONSES) {
      this.api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        statusCode: String(API_ERRORS[code].status),
        responseHeaders: gatewayHeaders(code),
        templates: { 'application/json': gatewayErrorTemplate(code) },
      });
    }
  }

  private buildAuthorizerFunction(p: ResolvedProps): lambda.Function {
    const authorizerFn = new AuditFunction(this, 'Authorizer', {
      entry: handlerEntry('authorizer'),
      description: 'Audit trail: API key authorizer (Bearer or x-api-key, key store)',
      logsKey: p.logsKey,
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: { KEY_TABLE: p.keyTable.table.tableName, API_KEY_CACHE_SECONDS: '300' },
      removalPolicy: p.removalPolicy,
    });
    p.keyTable.grantLookup(authorizerFn.function);
    acknowledgeSynchronous(authorizerFn.function, 'API Gateway (authorizer)');
    return authorizerFn.function;
  }

  /** REQUEST authorizer (sees both key headers): the key's principal as context and a
   * policy per role. */
  private buildAuthorizer(p: ResolvedProps): apigw.RequestAuthorizer {
    const cached = p.authorizerCacheTtl.toSeconds() > 0;
    const authorizer = new apigw.RequestAuthorizer(this, 'ApiKeyAuthorizer', {
      handler: this.authorizerFunction,
      identitySources: cached ? [apigw.IdentitySource.header('Authorization')] : [],
      resultsCacheTtl: p.authorizerCacheTtl,
    });
    if (!cached) {
      // No identity source at all (not an empty one): API Gateway then calls the
      // authorizer for every request, whichever key header it carries.
      (authorizer.node.defaultChild as apigw.CfnAuthorizer).addPropertyDeletionOverride(
        'IdentitySource',
      );
    }
    return authorizer;
  }

  private buildIntegrationRole(): iam.Role {
    const role = new iam.Role(this, 'KinesisIntegrationRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Audit trail: API Gateway puts records on the event stream',
    });
    acknowledgeGrantPolicy(role);
    return role;
  }

  /** Put records on the stream (integration role, guardrail): those two actions, that key
   * use. */
  private grantPutRecords(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kinesis:PutRecord', 'kinesis:PutRecords'],
      resourceArns: [this.props.stream.streamArn],
    });
    this.props.stream.encryptionKey?.grant(grantee, 'kms:GenerateDataKey');
  }

  /** The ingest routes: Kinesis PutRecord / PutRecords straight from API Gateway, bodies
   * checked against models generated from the core schema. */
  private buildIngestRoutes(p: ResolvedProps, guarded: apigw.MethodOptions): void {
    const eventModel = this.api.addModel('EventModel', {
      modelName: 'AuditTrailEvent',
      contentType: 'application/json',
      schema: requestJsonSchema() as apigw.JsonSchema,
    });
    const batchModel = this.api.addModel('BatchModel', {
      modelName: 'AuditTrailEventBatch',
      contentType: 'application/json',
      schema: batchJsonSchema() as apigw.JsonSchema,
    });
    const methodOptions = (model: apigw.IModel): apigw.MethodOptions => ({
      ...guarded,
      requestModels: { 'application/json': model },
      methodResponses: ['202', '413', '429', '503'].map((statusCode) => ({ statusCode })),
    });
    const streamName = p.stream.streamName;
    // An outcome has its own model, and its event id is never its decision_id.
    const outcomeModel = this.api.addModel('OutcomeModel', {
      modelName: 'AuditTrailOutcome',
      contentType: 'application/json',
      schema: outcomeJsonSchema() as apigw.JsonSchema,
    });
    for (const { path, route } of INGEST_ROUTES) {
      const outcome = route === 'outcome';
      this.api.root.resourceForPath(path.join('/')).addMethod(
        'POST',
        this.kinesisIntegration(
          'PutRecord',
          putRecordTemplate({
            streamName,
            route,
            lanes: p.lanesPerChain,
            ...(outcome ? { eventIdFields: ['event_id'] } : {}),
          }),
          acceptedResponseTemplate(),
        ),
        methodOptions(outcome ? outcomeModel : eventModel),
      );
    }
    this.api.root
      .resourceForPath(BATCH_PATH.join('/'))
      .addMethod(
        'POST',
        this.kinesisIntegration(
          'PutRecords',
          putRecordsTemplate({ streamName, route: 'batch', lanes: p.lanesPerChain }),
          batchResponseTemplate(),
        ),
        methodOptions(batchModel),
      );
  }

  private kinesisIntegration(
    action: 'PutRecord' | 'PutRecords',
    requestTemplate: string,
    okTemplate: string,
  ): apigw.AwsIntegration {
    return new apigw.AwsIntegration({
      service: 'kinesis',
      action,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: this.integrationRole,
        passthroughBehavior: apigw.PassthroughBehavior.NEVER,
        requestParameters: {
          'integration.request.header.Content-Type': "'application/x-amz-json-1.1'",
        },
        requestTemplates: { 'application/json': requestTemplate },
        integrationResponses: [
          {
            statusCode: '202',
            responseTemplates: { 'application/json': okTemplate },
          },
          {
            selectionPattern: '4\\d{2}',
            statusCode: '503',
            responseTemplates: { 'application/json': streamErrorResponseTemplate() },
          },
          {
            selectionPattern: '5\\d{2}',
            statusCode: '503',
            responseTemplates: { 'application/json': streamFailureResponseTemplate() },
          },
        ],
      },
    });
  }

  /**
   * THE builder of route Lambdas: mounts `routes` (contract route names) on one function
   * with its own role, which gets exactly what `grant` gives it. The handler behind it is
   * a `createRouteLambda` (lambdas/handlers/wiring/route-lambda.ts) answering the same
   * routes; API Gateway passes each path parameter, and `methodOptions` adds per-route
   * options (request models). A later permission group (governance routes, …) is one more
   * call here and one handler file.
   */
  mountRouteGroup(id: string, group: RouteGroup): lambda.Function {
    const p = resolvedProps(this.node.id, this.props);
    const fn = new AuditFunction(this, id, {
      entry: handlerEntry(group.handler),
      description: `Audit trail: ${group.routes
        .map((name) => `${routeSpec(name).method} ${routeSpec(name).path}`)
        .join(', ')}`.slice(0, 256),
      logsKey: p.logsKey,
      memorySize: group.memorySize ?? 512,
      timeout: group.timeout ?? Duration.seconds(10),
      environment: { ...p.environment, ...group.environment },
      ...(group.policy === undefined ? {} : { policy: group.policy }),
      removalPolicy: p.removalPolicy,
    });
    group.grant(fn.function);
    acknowledgeSynchronous(fn.function, 'API Gateway');
    const integration = new apigw.LambdaIntegration(fn.function);
    for (const name of group.routes) {
      const spec = routeSpec(name);
      const params = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      this.api.root
        .resourceForPath(pathParts(spec.path).join('/'))
        .addMethod(spec.method, integration, {
          ...this.guarded,
          ...(params.length === 0
            ? {}
            : {
                requestParameters: Object.fromEntries(
                  params.map((param) => [`method.request.path.${param}`, true]),
                ),
              }),
          ...group.methodOptions?.[name],
        });
    }
    return fn.function;
  }

  /** Reads (permission `read_events`): Query/GetItem on the ledger and its indexes, no
   * Scan; its only write is the `access` record of a raw read (access chains only). The
   * governance and deployment lists read the admin chain; the published keys and fairness
   * reports read the archive. */
  private buildReadRoutes(p: ResolvedProps): lambda.Function {
    return this.mountRouteGroup('Query', {
      handler: 'query',
      routes: [
        'get_event',
        'search_events',
        'subject_events',
        'list_reviews',
        'get_review',
        'list_legal_holds',
        'list_erasure_requests',
        'get_erasure_request',
        'list_deployments',
        'published_keys',
        'list_fairness_reports',
        'get_fairness_report',
      ],
      environment: this.queryEnvironment(p),
      grant: (fn) => {
        p.ledger.grantQuery(fn);
        p.ledger.grantAccessAppend(fn);
        p.archive.grantArchiveWrite(fn);
      },
    });
  }

  private queryEnvironment(p: ResolvedProps): Record<string, string> {
    return {
      LEDGER_TABLE: p.ledger.table.tableName,
      ARCHIVE_BUCKET: p.archive.bucket.bucketName,
      ARCHIVE_RETENTION_DAYS: String(p.archiveRetentionDays),
    };
  }

  /** The guardrail: evaluates the policy synchronously and puts the event on the stream. */
  private buildGuardrailRoute(p: ResolvedProps): lambda.Function {
    return this.mountRouteGroup('Guardrail', {
      handler: 'guardrail',
      routes: ['guardrail'],
      memorySize: 1024,
      environment: { EVENT_STREAM: p.stream.streamName, ...laneEnvironment(p.lanesPerChain) },
      ...(p.policy === undefined ? {} : { policy: p.policy }),
      grant: (fn) => this.grantPutRecords(fn),
      methodOptions: {
        guardrail: {
          requestModels: {
            'application/json': this.api.addModel('GuardrailModel', {
              modelName: 'AuditTrailGuardrailRequest',
              contentType: 'application/json',
              schema: guardrailJsonSchema() as apigw.JsonSchema,
            }),
          },
        },
      },
    });
  }

  /** OTLP traces: decoded by a Lambda (protobuf needs it), then PutRecords on the stream. */
  private buildOtlpTracesRoute(p: ResolvedProps): lambda.Function {
    return this.mountRouteGroup('OtlpTraces', {
      handler: 'otlp-traces',
      routes: ['otlp_traces'],
      timeout: Duration.seconds(15),
      environment: { EVENT_STREAM: p.stream.streamName, ...laneEnvironment(p.lanesPerChain) },
      grant: (fn) => this.grantPutRecords(fn),
    });
  }

  /**
   * A method a route's path does not take answers `405 {error: method_not_allowed}` with an
   * `Allow` header, as on the local server (API Gateway alone would answer 404): an `ANY`
   * mock on each route's resource, which API Gateway picks only when no own method fits.
   */
  private answerOtherMethods(): void {
    const byPath = new Map<string, string[]>();
    for (const route of API_ROUTES) {
      if (route.runtimes !== 'both') continue;
      if (route.name === 'guardrail' && this.guardrailFunction === undefined) continue;
      byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
    }
    for (const [path, methods] of byPath) {
      const allow = methods.join(', ');
      const headers = { allow: `'${allow}'`, 'cache-control': "'no-store'" };
      const method = this.api.root.resourceForPath(path.slice(1)).addMethod(
        'ANY',
        new apigw.MockIntegration({
          passthroughBehavior: apigw.PassthroughBehavior.WHEN_NO_MATCH,
          requestTemplates: { 'application/json': '{"statusCode": 405}' },
          integrationResponses: [
            {
              statusCode: '405',
              responseParameters: Object.fromEntries(
                Object.entries(headers).map(([name, value]) => [
                  `method.response.header.${name}`,
                  value,
                ]),
              ),
              responseTemplates: {
                'application/json': methodNotAllowedTemplate(allow),
              },
            },
          ],
        }),
        {
          authorizationType: apigw.AuthorizationType.NONE,
          methodResponses: [
            {
              statusCode: '405',
              responseParameters: Object.fromEntries(
                Object.keys(headers).map((name) => [`method.response.header.${name}`, true]),
              ),
            },
          ],
        },
      );
      const reason =
        'A mock that only answers 405 method_not_allowed for methods the route does not take: it reads no data and reaches no backend, so it needs no key.';
      acknowledgeRule(method, ['AwsSolutions-APIG4', 'AwsSolutions-COG4'], reason);
    }
  }
}

/** Lambda functions API Gateway invokes synchronously: no async DLQ, no reserved concurrency. */
function acknowledgeSynchronous(fn: lambda.Function, caller: string): void {
  const dlq = `Invoked synchronously by ${caller}; a dead-letter queue only applies to asynchronous invocations.`;
  const concurrency = `Invoked synchronously by ${caller}; stage throttling bounds its concurrency.`;
  acknowledgeRule(fn, 'LambdaDLQ', dlq);
  acknowledgeRule(fn, 'LambdaConcurrency', concurrency);
}

function acknowledgeApi(api: apigw.RestApi): void {
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    Validations.of(cloudWatchRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway uses to write execution and access logs; AWS documents this managed policy for it and maintains its log actions.',
    });
  }
  const waf =
    'WAF is optional and out of scope: every route needs an API key, bodies are schema-validated, and the stage is throttled. Attach a web ACL per deployment if wanted.';
  const cache =
    'Ingest is POST and must never be answered from a cache; the only GET reads a record that must be current.';
  const clientCert =
    'The backends are AWS service integrations (Kinesis, Lambda) reached over AWS-signed TLS; client certificates authenticate HTTP backends only.';
  acknowledgeRule(api, ['AwsSolutions-APIG3', 'NIST.800.53.R5-APIGWAssociatedWithWAF'], waf);
  acknowledgeRule(api, 'APIGWCacheEnabledAndEncrypted', cache);
  acknowledgeRule(api, 'APIGWSSLEnabled', clientCert);
  acknowledgeRule(
    api,
    'AwsSolutions-COG4',
    'Clients are applications authenticated by API keys from the key store, checked by the Lambda REQUEST authorizer (a policy per role); there are no end-user Cognito identities.',
  );
}
