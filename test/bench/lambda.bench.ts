/**
 * Lambda bundle size and cold-start module init, per handler (not part of `npm test`):
 *
 *   node test/bench/lambda.bench.ts
 *
 * For every top-level lambdas/handlers/*.ts:
 * 1. Bundles it with esbuild's JS API as the CDK NodejsFunction does for AuditFunction:
 *    the options are read from `bundlingDefaults` (lib/constructs/audit-function.ts) and
 *    translated as aws-cdk-lib's Bundling.buildEsbuildArgs does — `--bundle <entry relative
 *    to projectRoot>` run in projectRoot (lib/paths.ts), platform node, target node22,
 *    format esm into index.mjs, minify, linked source map without sources content, the
 *    createRequire banner, mainFields module,main, `@aws-sdk/*` external (the Lambda runtime
 *    provides it). Reports index.mjs's size (the .map beside it is not counted).
 * 2. Times module init: the bundle is written under .tmp/lambda-bench/ (git-ignored) so the
 *    external `@aws-sdk/*` resolve from this repo's node_modules, as from the runtime's in
 *    Lambda. Each run is a fresh `node --input-type=module` child with a clean Lambda-like
 *    environment (the runtime's variables, AuditFunction's POWERTOOLS_* / LOG_LEVEL /
 *    NODE_OPTIONS=--enable-source-maps, the stack's per-function variables with dummy
 *    values, AWS_REGION=us-east-1 and dummy credentials so SDK clients construct offline).
 *    "init" is performance.now() at the end of `await import(bundle)`, i.e. ms since the
 *    child process started; "import" is the import alone; "wall" is spawn to exit as seen
 *    by this process. One untimed warm-up run, then 5 timed runs: median and max.
 *    TCP connects and UDP sends in the child are recorded and reported (an import must
 *    make none); each child is killed after CHILD_TIMEOUT_MS so a hang is reported too.
 * 3. Prints a table. Exits non-zero if a bundle is over 1 MiB, or a child fails, times out
 *    or touches the network.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';
import { auditFunctionDefaults, bundlingDefaults } from '#lib/constructs/audit-function.ts';
import { handlerEntry, projectRoot } from '#lib/paths.ts';
import { median } from './stats.ts';

const MAX_BUNDLE_BYTES = 1_048_576;
const RUNS = 5;
const CHILD_TIMEOUT_MS = 15_000;

// Options of bundlingDefaults this bench translates; any other one would change the bundle
// unseen, so it stops the bench until it is mirrored below.
const MIRRORED = new Set([
  'forceDockerBundling',
  'minify',
  'sourceMap',
  'sourcesContent',
  'target',
  'format',
  'mainFields',
  'externalModules',
  'banner',
]);
const unmirrored = Object.keys(bundlingDefaults).filter((k) => !MIRRORED.has(k));
if (unmirrored.length > 0) {
  throw new Error(`bundlingDefaults sets ${unmirrored.join(', ')}: mirror it in this bench`);
}

/** esbuild build, as NodejsFunction's local bundling runs the esbuild CLI. */
const bundle = async (entry: string, outDir: string): Promise<string> => {
  const b = bundlingDefaults;
  const esm = String(b.format) === 'esm';
  const outfile = join(outDir, esm ? 'index.mjs' : 'index.js');
  await build({
    absWorkingDir: projectRoot,
    entryPoints: [relative(projectRoot, entry)],
    bundle: true,
    platform: 'node',
    target: b.target ?? 'node22',
    format: esm ? 'esm' : 'cjs',
    outfile,
    minify: b.minify ?? false,
    sourcemap: b.sourceMap ?? false,
    sourcesContent: b.sourcesContent ?? true,
    external: [...(b.externalModules ?? ['@aws-sdk/*'])],
    ...(b.banner === undefined ? {} : { banner: { js: b.banner } }),
    ...(b.mainFields === undefined ? {} : { mainFields: [...b.mainFields] }),
    logLevel: 'warning',
  });
  return outfile;
};

// What Lambda's nodejs22.x runtime sets, plus AuditFunction's own variables.
const lambdaEnv = (name: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  TZ: ':UTC',
  LANG: 'en_US.UTF-8',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'dummy-session-token',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: `audit-trail-${name}`,
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(auditFunctionDefaults.memorySize),
  AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/audit-trail-${name}`,
  AWS_LAMBDA_LOG_STREAM_NAME: '2025/01/01/[$LATEST]00000000000000000000000000000000',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
  AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  _HANDLER: 'index.handler',
  POWERTOOLS_SERVICE_NAME: auditFunctionDefaults.serviceName,
  POWERTOOLS_METRICS_NAMESPACE: 'AuditTrail',
  LOG_LEVEL: auditFunctionDefaults.logLevel,
  NODE_OPTIONS: '--enable-source-maps',
});

// The stack's shared environment (lib/audit-trail-stack.ts), dummy values; no POLICY, so the
// built-in default policy, as a stack deployed without one.
const stackEnv = {
  LEDGER_TABLE: 'audit-trail-Ledger',
  LEDGER_CHAINS_INDEX: 'chains',
  ARCHIVE_BUCKET: 'audit-trail-archive',
  ARCHIVE_RETENTION_DAYS: '2555',
  LOG_NAME: 'audit-trail.example/log',
  ALERTS_BUS: 'audit-trail-alerts',
};

// Per function, as the constructs set it (a new handler gets the stack's environment).
const handlerEnv: Record<string, Record<string, string>> = {
  authorizer: { API_KEY_CACHE_SECONDS: '300' },
  checkpointer: {
    ...stackEnv,
    SIGNING_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000',
  },
  guardrail: { ...stackEnv, EVENT_STREAM: 'audit-trail-events' },
  processor: { ...stackEnv, GIVE_UP_AFTER_SECONDS: '3600' },
  query: stackEnv,
};

/** The child: records network use, imports the bundle, reports its timings on exit. */
const childScript = (bundleUrl: string): string => `
import dgram from 'node:dgram';
import net from 'node:net';
const network = [];
const note = (what) => { network.push(what); process.stderr.write('NETWORK ' + what + '\\n'); };
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const a = Array.isArray(args[0]) ? args[0][0] : args[0];
  note('tcp ' + (typeof a === 'object' ? (a.path ?? (a.host ?? 'localhost') + ':' + a.port) : (args[1] ?? 'localhost') + ':' + a));
  return connect.apply(this, args);
};
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (...args) { note('udp send'); return send.apply(this, args); };
const t0 = performance.now();
await import(${JSON.stringify(bundleUrl)});
const t1 = performance.now();
process.on('exit', () => {
  process.stdout.write(JSON.stringify({ initMs: t1, importMs: t1 - t0, network }));
});
`;

interface Run {
  initMs: number;
  importMs: number;
  wallMs: number;
  network: string[];
}

const runChild = (name: string, bundlePath: string, cwd: string): Run | string => {
  const start = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', childScript(pathToFileURL(bundlePath).href)],
    {
      cwd,
      env: { ...lambdaEnv(name), ...(handlerEnv[name] ?? stackEnv) },
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    },
  );
  const wallMs = performance.now() - start;
  const network = child.stderr
    .split('\n')
    .filter((l) => l.startsWith('NETWORK '))
    .map((l) => l.slice(8));
  const net = network.length > 0 ? ` (network: ${[...new Set(network)].join(', ')})` : '';
  if (child.error || child.signal) {
    return `timed out after ${CHILD_TIMEOUT_MS} ms or killed (${child.error?.message ?? child.signal})${net}`;
  }
  if (child.status !== 0) {
    // The "Name [Class]: message" line of the uncaught error (not the echoed source line).
    const why =
      child.stderr.split('\n').find((l) => /^\S+( \[[^\]]+\])?: /.test(l)) ?? child.stderr.trim();
    return `exit ${child.status}: ${why.trim().slice(0, 200)}${net}`;
  }
  const out = JSON.parse(child.stdout) as Omit<Run, 'wallMs'>;
  return { ...out, wallMs };
};

const max = (xs: readonly number[]): number => Math.max(...xs);
const ms = (x: number): string => x.toFixed(1);

const handlersDir = join(projectRoot, 'lambdas/handlers');
const names = readdirSync(handlersDir, { withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.d.ts'))
  .map((d) => basename(d.name, '.ts'))
  .sort();

console.log(
  `node ${process.version}, esbuild ${esbuildVersion}, ${cpus().length} CPUs, ` +
    `load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${RUNS} runs per handler after 1 warm-up`,
);

const base = join(projectRoot, '.tmp/lambda-bench');
mkdirSync(base, { recursive: true });
const workDir = mkdtempSync(join(base, 'run-'));
const rows: string[][] = [];
const problems: string[] = [];
try {
  for (const name of names) {
    const outDir = join(workDir, name);
    const file = await bundle(handlerEntry(name), outDir);
    const bytes = statSync(file).size;
    if (bytes > MAX_BUNDLE_BYTES) {
      problems.push(`${name}: bundle is ${bytes} bytes, over ${MAX_BUNDLE_BYTES} (1 MiB)`);
    }
    const runs: Run[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const run = runChild(name, file, outDir);
      if (typeof run === 'string') {
        problems.push(`${name}: ${run}`);
        break;
      }
      if (run.network.length > 0) {
        problems.push(`${name}: network at import: ${[...new Set(run.network)].join(', ')}`);
        break;
      }
      if (i > 0) runs.push(run); // run 0 is the warm-up
    }
    const stat = (pick: (r: Run) => number, f: (xs: number[]) => number): string =>
      runs.length === RUNS ? ms(f(runs.map(pick))) : '-';
    rows.push([
      name,
      String(bytes),
      (bytes / 1024).toFixed(1),
      stat((r) => r.initMs, median),
      stat((r) => r.initMs, max),
      stat((r) => r.importMs, median),
      stat((r) => r.importMs, max),
      stat((r) => r.wallMs, median),
    ]);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
  try {
    rmdirSync(base); // only when no other run is using it
  } catch {}
}

const header = [
  'handler',
  'bytes',
  'KiB',
  'init med ms',
  'init max ms',
  'import med ms',
  'import max ms',
  'wall med ms',
];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
const line = (cells: readonly string[]): string =>
  cells.map((v, c) => (c === 0 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0))).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(
  'init = ms from child process start to the end of `await import(bundle)`; import = the import alone; wall = spawn to exit.',
);
console.log(
  `load after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

if (problems.length > 0) {
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exit(1);
}
