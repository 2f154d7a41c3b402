import { access, readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import type { DevRuntime } from '#handlers/wiring/dev-runtime.ts';
import type { RuntimePolicyEngine } from '#ports/policy-engine.ts';

/** Defaults of `audit-trail dev`; flags win over the environment, which wins over these. */
const DEV_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  data: './.audit-trail',
  checkpointSeconds: 10,
};

/** The data directory: `--data`, else `AUDIT_TRAIL_DATA`, else ./.audit-trail. */
export const dataDirOf = (flag: string | undefined): string =>
  flag ?? process.env.AUDIT_TRAIL_DATA ?? DEV_DEFAULTS.data;

interface DevFlags {
  readonly port?: number;
  readonly host: string;
  readonly data?: string;
  readonly policy?: string;
  readonly alertWebhook?: string;
  readonly checkpointInterval: number;
  readonly config?: string;
}

const parsePort = (text: string): number => {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number, 0 to 65535');
  }
  return port;
};

const parseSeconds = (text: string): number => {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidArgumentError('expected a positive number of seconds');
  }
  return seconds;
};

const parseUrl = (text: string): string => {
  if (!URL.canParse(text) || !/^https?:/.test(text)) {
    throw new InvalidArgumentError('expected an http(s) URL');
  }
  return text;
};

/** What the user needs to start: where it listens, where its data is, how to call it. */
/** The decision id of the banner's sample command: none the README tour's seeds use, so
 * trying both never answers `duplicate` for a different body. */
export const BANNER_SAMPLE_ID = 'dec_banner_try_1';

const banner = (runtime: DevRuntime, policy: string, retention: readonly string[]): string => {
  const { url, apiKey, paths } = runtime;
  const key = apiKey.source === 'env' ? '$AUDIT_TRAIL_API_KEY' : apiKey.key;
  const keyLine =
    apiKey.source === 'env'
      ? 'API key: from AUDIT_TRAIL_API_KEY'
      : `API key: ${apiKey.key}  (${apiKey.source === 'created' ? 'created in' : 'from'} ${paths.apiKey})`;
  return [
    `audit-trail dev listening on ${url}`,
    `data: ${paths.data}  (archive: ${paths.archive})`,
    `policy: ${policy}`,
    `retention (bodies; purged daily, layout v2): ${retention.join('; ')}`,
    keyLine,
    'try:',
    `  curl -sS -X POST ${url}/v1/logs/decisions \\`,
    `    -H "Authorization: Bearer ${key}" -H 'Content-Type: application/json' \\`,
    `    -d '{"decision_id":"${BANNER_SAMPLE_ID}","output":{"decision":"deny"}}'`,
    `  curl -sS ${url}/v1/events/${BANNER_SAMPLE_ID} -H "Authorization: Bearer ${key}"`,
    `  npx audit-trail verify ${paths.archive}`,
    '',
  ].join('\n');
};

/** The policy file `dev` picks up without `--policy` (`audit-trail policy init` writes it). */
export const DEFAULT_POLICY_FILE = 'audit-trail.policy.yaml';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * The policy engine: `--policy <file>`, else `AUDIT_TRAIL_POLICY`, else
 * ./audit-trail.policy.yaml when present, else the built-in default policy.
 */
export const policyEngineFrom = async (
  file: string | undefined,
): Promise<{ engine: RuntimePolicyEngine; source: string }> => {
  // Loaded on demand: the detectors take most of a second to import, which every other
  // command (verify, prove) would pay otherwise.
  const [{ loadPolicy }, { hmacKeyFromEnv }, { createPolicyEngine }, { defaultPolicy }] =
    await Promise.all([
      import('#core/policy/load-policy.ts'),
      import('#core/policy/hmac-key.ts'),
      import('#core/policy/create-engine.ts'),
      import('#core/policy/default-policy.ts'),
    ]);
  const chosen = file ?? ((await exists(DEFAULT_POLICY_FILE)) ? DEFAULT_POLICY_FILE : undefined);
  const policy =
    chosen === undefined ? defaultPolicy() : loadPolicy(await readFile(chosen, 'utf8'), chosen);
  const hmacKey = hmacKeyFromEnv(policy, process.env);
  return {
    engine: createPolicyEngine(policy, hmacKey === undefined ? {} : { hmacKey }),
    source: chosen ?? 'built-in default policy',
  };
};

/** The config file `dev` reads retention rules from without `--config`. */
export const DEFAULT_CONFIG_FILE = 'audit-trail.config.json';

/** Retention rules and lanes from the typed config (`--config`, env AUDIT_TRAIL_CONFIG, else
 * ./audit-trail.config.json when present, else the defaults). */
const retentionFrom = async (file: string | undefined) => {
  const [{ parseConfig }, { describeRules }, { lanePlan }] = await Promise.all([
    import('#lib/config.ts'),
    import('#core/retention/rules.ts'),
    import('#core/events/lanes.ts'),
  ]);
  const chosen = file ?? ((await exists(DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
  const config = parseConfig(
    chosen === undefined ? {} : JSON.parse(await readFile(chosen, 'utf8')),
    chosen ?? 'defaults',
  );
  const rules = {
    retentionDays: config.retentionDays,
    retentionOverrides: config.retentionOverrides,
  };
  return { rules, lines: describeRules(rules), lanes: lanePlan(config.lanesPerChain) };
};

const runDev = async (flags: DevFlags): Promise<void> => {
  const envPort = process.env.PORT;
  const retention = await retentionFrom(flags.config ?? process.env.AUDIT_TRAIL_CONFIG);
  const [{ startDevRuntime }, { callGuardrail }] = await Promise.all([
    import('#handlers/wiring/dev-runtime.ts'),
    import('#core/policy/guardrail-call.ts'),
  ]);
  const { engine, source } = await policyEngineFrom(flags.policy ?? process.env.AUDIT_TRAIL_POLICY);
  const envWebhook = process.env.AUDIT_TRAIL_ALERT_WEBHOOK;
  const webhook = flags.alertWebhook ?? (envWebhook ? parseUrl(envWebhook) : undefined);
  const runtime = await startDevRuntime({
    host: flags.host,
    port: flags.port ?? (envPort ? parsePort(envPort) : DEV_DEFAULTS.port),
    dataDir: dataDirOf(flags.data),
    checkpointIntervalMs: flags.checkpointInterval * 1000,
    policy: engine,
    policyInForce: { name: engine.policy.name, source },
    retention: retention.rules,
    lanes: retention.lanes,
    ...(webhook === undefined ? {} : { alertWebhook: webhook }),
    guardrail: (payload, request) => callGuardrail(payload, request, engine),
    ...(process.env.AUDIT_TRAIL_API_KEY ? { apiKey: process.env.AUDIT_TRAIL_API_KEY } : {}),
  });
  process.stdout.write(
    banner(runtime, `${source} (version ${engine.version.slice(0, 12)}…)`, retention.lines),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without finishing the drain\n`);
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`${signal}: no longer accepting; draining the stream…\n`);
    runtime.stop().then(
      () => {
        process.stdout.write('stopped cleanly\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`stop failed: ${error instanceof Error ? error.message : error}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown).on('SIGTERM', shutdown);
};

/** `audit-trail dev`: the whole pipeline on this machine (what `npm start` runs). */
export const registerDev = (program: Command): void => {
  program
    .command('dev')
    .description('run the audit trail on this machine: API, durable stream, processor, archive')
    .option(
      '--port <n>',
      `port to listen on; 0 picks a free one (env PORT, default ${DEV_DEFAULTS.port})`,
      parsePort,
    )
    .option('--host <host>', 'interface to listen on', DEV_DEFAULTS.host)
    .option('--data <dir>', `data directory (env AUDIT_TRAIL_DATA, default ${DEV_DEFAULTS.data})`)
    .option(
      '--policy <file>',
      `policy file, YAML or JSON (env AUDIT_TRAIL_POLICY; else ./${DEFAULT_POLICY_FILE} if present, else the built-in default policy)`,
    )
    .option(
      '--alert-webhook <url>',
      'POST policy-violation alerts to this URL too (env AUDIT_TRAIL_ALERT_WEBHOOK)',
      parseUrl,
    )
    .option(
      '--config <file>',
      `typed config JSON for retention rules and lanesPerChain (env AUDIT_TRAIL_CONFIG; else ./${DEFAULT_CONFIG_FILE} if present)`,
    )
    .option(
      '--checkpoint-interval <seconds>',
      'seconds between signed checkpoints',
      parseSeconds,
      DEV_DEFAULTS.checkpointSeconds,
    )
    .action(async (flags: DevFlags) => {
      try {
        await runDev(flags);
      } catch (error) {
        // A bad policy, a port in use, an unreadable data dir: say what, without a stack.
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      }
    });
};
