/**
 * The API as deployed, run in-process: the stack is synthesized and its API Gateway
 * resources, methods, models, mapping templates and gateway responses are read from the
 * CloudFormation template and played the way API Gateway plays them, in its order: route
 * (else MISSING_AUTHENTICATION_TOKEN), authorizer (the real authorizer handler), content
 * type and size, request model (ajv 6, draft-04 like API Gateway), then the integration:
 * Kinesis (request template → a recording stream → integration response template, rendered
 * with velocityjs), the Lambda proxy (the real query and guardrail handlers), or a mock.
 * Only the AWS services are stand-ins; every template and handler is the shipped one.
 */
import { randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import draft04MetaSchema from 'ajv/lib/refs/json-schema-draft-04.json' with { type: 'json' };
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { InvokeStatement } from '#core/access/route-policy.ts';
import { type AdminRouteDeps, adminRouteAnswers } from '#core/api/admin-routes.ts';
import { governanceReadAnswers, governanceWriteAnswers } from '#core/api/governance-routes.ts';
import { guardrailRoute } from '#core/api/guardrail.ts';
import { tracesRoute } from '#core/api/otlp-traces.ts';
import { queryRouteAnswers } from '#core/api/query-routes.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { LanesPerChain } from '#core/events/lanes.ts';
import { laneSink } from '#core/pipeline/lane-sink.ts';
import type { QueryDeps } from '#core/query/deps.ts';
import { type EvidenceApiDeps, evidenceRouteAnswers } from '#core/report/evidence-api.ts';
import type { GovernanceApiDeps } from '#core/retention/governance-api.ts';
import { createAuthorizer } from '#handlers/wiring/api-key-authorizer.ts';
import { lanePlanFromEnv } from '#handlers/wiring/config.ts';
import { createRouteLambda, type RouteLambdaEvent } from '#handlers/wiring/route-lambda.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { KeyStore } from '#ports/key-store.ts';
import type { RecordReader } from '#ports/ledger.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { type Gateway, gateway, renderVtl } from '#test/helpers/vtl.ts';
import { buildStack } from '#test/infra/support.ts';
import type { ContractRequest, ContractResponse } from './runtime.ts';

type Json = Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties?: Json }>;

/** CloudFormation values reduced to text: Ref → logical id, GetAtt → `id.attr`, Join. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Json;
  if ('Ref' in v) return String(v.Ref);
  if ('Fn::GetAtt' in v) return (v['Fn::GetAtt'] as string[]).join('.');
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(text).join(sep);
  }
  throw new Error(`unexpected CloudFormation value ${JSON.stringify(value)}`);
};

interface Method {
  readonly httpMethod: string;
  readonly path: string;
  readonly props: Json;
}

/** The largest request API Gateway takes. */
const GATEWAY_MAX_BYTES = 10 * 1_048_576;
/** The largest record Kinesis takes. */
const KINESIS_MAX_RECORD_BYTES = 1_048_576;

/** The routes' deps of one runtime, as each route Lambda builds them from its environment. */
export interface RuntimeDeps {
  readonly ledger: RecordReader;
  readonly query: QueryDeps;
  readonly governance: GovernanceApiDeps;
  readonly admin: AdminRouteDeps;
  readonly evidence: EvidenceApiDeps;
}

export interface AwsGatewayDeps extends RuntimeDeps {
  readonly keys: Pick<KeyStore, 'findByDigest'>;
  readonly guardrail: GuardrailEvaluator;
  /** The typed config's lanes (the mapping templates and the Lambdas' LANES_PER_CHAIN). */
  readonly lanesPerChain?: LanesPerChain;
}

/** Each route Lambda's answers, as its handler file (lambdas/handlers/*.ts) builds them. */
const routeLambdas = (deps: AwsGatewayDeps) => {
  const { post_review, ...reads } = queryRouteAnswers(deps.query);
  const admin = adminRouteAnswers(async () => deps.admin);
  return {
    query: {
      ...reads,
      ...governanceReadAnswers(deps.governance),
      list_deployments: admin.list_deployments,
    },
    review: { post_review },
    governance: governanceWriteAnswers(deps.governance),
    deployments: { post_deployment: admin.post_deployment, post_assessment: admin.post_assessment },
    approvals: { post_approval: admin.post_approval },
    adminEvents: { list_admin_events: admin.list_admin_events },
    evidence: evidenceRouteAnswers(deps.evidence),
  };
};

/** The synthesized API, answering requests; `published` holds what reached the stream. */
export const startAwsGateway = (deps: AwsGatewayDeps) => {
  const { stack } = buildStack({ config: { lanesPerChain: deps.lanesPerChain ?? 1 } });
  const template = Template.fromStack(stack).toJSON().Resources as Resources;
  const published: IntakeEnvelope[] = [];
  const stream: EnvelopeSink = { publish: async (envelopes) => void published.push(...envelopes) };

  const logicalId = (fn: { node: { defaultChild?: unknown } }): string =>
    stack.getLogicalId(fn.node.defaultChild as CfnFunction);
  const answers = routeLambdas(deps);
  // A stream-writing Lambda's sink as its handler wires it: laned by its LANES_PER_CHAIN.
  const sinkOf = (fn: { node: { defaultChild?: unknown } }): EnvelopeSink => {
    const env = (template[logicalId(fn)]?.Properties?.Environment as Json | undefined)?.Variables as
      | Record<string, string>
      | undefined;
    return laneSink(stream, lanePlanFromEnv(env ?? {}));
  };
  const lambdas = new Map<string, (event: RouteLambdaEvent) => Promise<APIGatewayProxyResult>>([
    [logicalId(stack.ingestApi.queryFunction), createRouteLambda(answers.query, silentLog)],
    [logicalId(stack.reviewFunction), createRouteLambda(answers.review, silentLog)],
    ...(
      [
        ['Governance', answers.governance],
        ['Deployments', answers.deployments],
        ['Approvals', answers.approvals],
        ['AdminEvents', answers.adminEvents],
        ['Evidence', answers.evidence],
      ] as const
    ).map(
      ([group, routes]) =>
        [logicalId(stack.adminRoutes[group]), createRouteLambda(routes, silentLog)] as const,
    ),
    [
      logicalId(stack.ingestApi.otlpTracesFunction),
      createRouteLambda(
        { otlp_traces: tracesRoute(sinkOf(stack.ingestApi.otlpTracesFunction), true) },
        silentLog,
      ),
    ],
  ]);
  if (stack.ingestApi.guardrailFunction) {
    lambdas.set(
      logicalId(stack.ingestApi.guardrailFunction),
      createRouteLambda(
        {
          guardrail: guardrailRoute(deps.guardrail, sinkOf(stack.ingestApi.guardrailFunction)),
        },
        silentLog,
      ),
    );
  }
  const authorizer = createAuthorizer(deps.keys);

  const paths = resourcePaths(template);
  const methods: Method[] = Object.values(template)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method')
    .map((r) => {
      const props = r.Properties ?? {};
      const path = paths.get(text(props.ResourceId)) ?? '?';
      return { httpMethod: String(props.HttpMethod), path, props };
    });
  const models = new Map(
    Object.entries(template)
      .filter(([, r]) => r.Type === 'AWS::ApiGateway::Model')
      .map(([id, r]) => [id, r.Properties?.Schema]),
  );
  const gatewayResponses = new Map(
    Object.values(template)
      .filter((r) => r.Type === 'AWS::ApiGateway::GatewayResponse')
      .map((r) => [String(r.Properties?.ResponseType), r.Properties ?? {}]),
  );
  const ajv = new Ajv({ schemaId: 'id', meta: false, allErrors: true });
  ajv.addMetaSchema(draft04MetaSchema);

  /** A gateway response (API Gateway's own refusal), rendered from the stack's template. */
  const refuse = (type: string, gw: Gateway): ContractResponse => {
    const response = gatewayResponses.get(type);
    if (response === undefined) throw new Error(`the stack has no gateway response ${type}`);
    const body = renderVtl(text((response.ResponseTemplates as Json)['application/json']), {}, gw);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [name, value] of Object.entries((response.ResponseParameters ?? {}) as Json)) {
      headers[name.replace('gatewayresponse.header.', '').toLowerCase()] = String(value).slice(
        1,
        -1,
      );
    }
    return { status: Number(response.StatusCode), headers, json: JSON.parse(body) };
  };

  const send = async (request: ContractRequest): Promise<ContractResponse> => {
    let gw: Gateway = { ...gateway(), requestId: randomUUID() };
    const headers = Object.fromEntries(
      Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const body = request.body ?? '';
    const [path = '/', search = ''] = request.path.split('?', 2);
    const onPath = methods.filter((m) => matches(m.path, path));
    const method =
      onPath.find((m) => m.httpMethod === request.method) ??
      onPath.find((m) => m.httpMethod === 'ANY');
    if (method === undefined) return refuse('MISSING_AUTHENTICATION_TOKEN', gw);
    const props = method.props;
    const pathParameters = paramsOf(method.path, path);

    if (props.AuthorizationType === 'CUSTOM') {
      const methodArn = `arn:aws:execute-api:us-east-1:123456789012:api/prod/${request.method}${path}`;
      const event = {
        type: 'REQUEST',
        methodArn,
        headers: request.headers ?? {},
      } as unknown as APIGatewayRequestAuthorizerEvent;
      let result: Awaited<ReturnType<typeof authorizer>>;
      try {
        result = await authorizer(event);
      } catch {
        return refuse('UNAUTHORIZED', gw);
      }
      const statements = result.policyDocument.Statement as unknown as InvokeStatement[];
      if (!invokeAllowed(statements, methodArn)) return refuse('ACCESS_DENIED', gw);
      gw = { ...gw, authorizer: result.context as Record<string, string> };
    }
    if (Buffer.byteLength(body) > GATEWAY_MAX_BYTES) return refuse('REQUEST_TOO_LARGE', gw);

    const integration = props.Integration as Json;
    const contentType = (headers['content-type'] ?? 'application/json').split(';')[0]?.trim();
    const requestModels = (props.RequestModels ?? {}) as Json;
    const model = requestModels[contentType ?? ''];
    const templates = (integration.RequestTemplates ?? {}) as Json;
    if (
      integration.Type !== 'AWS_PROXY' &&
      integration.PassthroughBehavior === 'NEVER' &&
      templates[contentType ?? ''] === undefined
    ) {
      return refuse('UNSUPPORTED_MEDIA_TYPE', gw);
    }
    let parsed: unknown;
    if (model !== undefined) {
      try {
        parsed = JSON.parse(body);
      } catch {
        return refuse('BAD_REQUEST_BODY', {
          ...gw,
          error: { message: 'Invalid request body', validationErrorString: '' },
        });
      }
      const validate = ajv.compile(models.get(text(model)) as object);
      if (!validate(parsed)) {
        const why = (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`).join(', ');
        return refuse('BAD_REQUEST_BODY', {
          ...gw,
          error: { message: 'Invalid request body', validationErrorString: `[${why}]` },
        });
      }
    }

    switch (integration.Type) {
      case 'AWS_PROXY': {
        const target = /([A-Za-z0-9]+)\.Arn/.exec(text(integration.Uri))?.[1] ?? '';
        const handler = lambdas.get(target);
        if (handler === undefined) throw new Error(`no handler for ${target}`);
        const query = Object.fromEntries(new URLSearchParams(search));
        const result = await handler({
          httpMethod: request.method,
          resource: method.path,
          body: request.body ?? null,
          isBase64Encoded: false,
          headers: request.headers ?? {},
          pathParameters: Object.keys(pathParameters).length === 0 ? null : pathParameters,
          queryStringParameters: Object.keys(query).length === 0 ? null : query,
          requestContext: {
            requestId: gw.requestId,
            requestTimeEpoch: gw.requestTimeEpoch,
            authorizer: gw.authorizer,
          },
        });
        const out = Object.fromEntries(
          Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
        );
        return { status: result.statusCode, headers: out, json: JSON.parse(result.body) };
      }
      case 'MOCK': {
        const status = JSON.parse(renderVtl(text(templates['application/json']), {}, gw))
          .statusCode as number;
        return integrationAnswer(integration, status, {}, gw);
      }
      case 'AWS': {
        const call = JSON.parse(renderVtl(text(templates['application/json']), parsed, gw)) as Json;
        const { status, answer } = kinesis(call, published);
        return integrationAnswer(integration, status, answer, gw);
      }
      default:
        throw new Error(`unexpected integration ${String(integration.Type)}`);
    }
  };
  return { send, published };
};

/** IAM's reading of an authorizer policy for one method ARN: allowed when an Allow
 * statement matches and no Deny does (`*` matches any run of characters). */
const invokeAllowed = (statements: readonly InvokeStatement[], arn: string): boolean => {
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
  const hit = (effect: string) =>
    statements.some((s) => s.Effect === effect && s.Resource.some((r) => glob(r).test(arn)));
  return hit('Allow') && !hit('Deny');
};

/** Full path of each API Gateway resource by logical id (the root is `Api.RootResourceId`). */
const resourcePaths = (template: Resources): Map<string, string> => {
  const paths = new Map<string, string>();
  const parts = Object.entries(template).filter(([, r]) => r.Type === 'AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    if (id.endsWith('.RootResourceId')) return '';
    const known = paths.get(id);
    if (known !== undefined) return known;
    const props = template[id]?.Properties ?? {};
    const path = `${pathOf(text(props.ParentId))}/${String(props.PathPart)}`;
    paths.set(id, path);
    return path;
  };
  for (const [id] of parts) pathOf(id);
  for (const [id, r] of Object.entries(template)) {
    if (r.Type === 'AWS::ApiGateway::RestApi') paths.set(`${id}.RootResourceId`, '/');
  }
  return paths;
};

const matches = (template: string, path: string): boolean =>
  new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path);

const paramsOf = (template: string, path: string): Record<string, string> => {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const values = new RegExp(`^${template.replace(/\{\w+\}/g, '([^/]+)')}$`).exec(path) ?? [];
  return Object.fromEntries(names.map((name, i) => [name, values[i + 1] ?? '']));
};

/** The integration response API Gateway selects for a backend status, rendered. */
const integrationAnswer = (
  integration: Json,
  status: number,
  answer: unknown,
  gw: Gateway,
): ContractResponse => {
  const responses = (integration.IntegrationResponses ?? []) as Json[];
  const chosen =
    responses.find(
      (r) =>
        r.SelectionPattern !== undefined &&
        new RegExp(`^${String(r.SelectionPattern)}$`).test(String(status)),
    ) ?? responses.find((r) => r.SelectionPattern === undefined);
  if (chosen === undefined) throw new Error(`no integration response for ${status}`);
  const body = renderVtl(text((chosen.ResponseTemplates as Json)['application/json']), answer, gw);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries((chosen.ResponseParameters ?? {}) as Json)) {
    headers[name.replace('method.response.header.', '').toLowerCase()] = String(value).slice(1, -1);
  }
  return {
    status: gw.responseOverride.status ?? Number(chosen.StatusCode),
    headers,
    json: JSON.parse(body),
  };
};

/** Kinesis PutRecord / PutRecords as the service answers them: a record over 1 MiB is a
 * 400 ValidationException; accepted envelopes are recorded. */
const kinesis = (call: Json, published: IntakeEnvelope[]): { status: number; answer: unknown } => {
  const decode = (data: unknown): Buffer => Buffer.from(String(data), 'base64');
  const records = (call.Records as Json[] | undefined) ?? [call];
  if (records.length === 0 || records.some((r) => r.PartitionKey === '')) {
    return {
      status: 400,
      answer: {
        __type: 'ValidationException',
        message: '1 validation error detected: a member failed to satisfy its length constraint',
      },
    };
  }
  for (const record of records) {
    if (decode(record.Data).byteLength > KINESIS_MAX_RECORD_BYTES) {
      return {
        status: 400,
        answer: {
          __type: 'ValidationException',
          message: `1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to ${KINESIS_MAX_RECORD_BYTES}`,
        },
      };
    }
  }
  for (const record of records) {
    published.push(JSON.parse(decode(record.Data).toString('utf8')) as IntakeEnvelope);
  }
  const ok = (i: number) => ({ SequenceNumber: String(i + 1), ShardId: 'shardId-000000000000' });
  return call.Records === undefined
    ? { status: 200, answer: ok(0) }
    : { status: 200, answer: { FailedRecordCount: 0, Records: records.map((_, i) => ok(i)) } };
};
