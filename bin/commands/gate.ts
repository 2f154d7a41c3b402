/**
 * `audit-trail gate`: the go/no-go gate before a deployment. Runs the policy over a
 * candidate model's recorded evaluation outputs (JSON lines in the ingest schema), prints
 * a table (or --json), exits 0 for go, 1 for no-go, 2 for bad input, and records an
 * `assessment` on the admin chain: on a data directory with --data, or through the API
 * with --endpoint (a `deployer` key).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Assessment } from '#core/admin/gate.ts';
import { operator, withAdminDeps } from './admin-deps.ts';
import { API_KEY_OPTION, type ApiFlags, callApi, ENDPOINT_OPTION, endpointOf } from './api-call.ts';
import { policyEngineFrom } from './dev.ts';
import { EXIT_CLEAN, EXIT_FAULTS, runAction, usageExit } from './exit.ts';

interface GateFlags extends ApiFlags {
  readonly useCase: string;
  readonly candidate: string;
  readonly policy?: string;
  readonly maxFindings?: string[];
  readonly json?: boolean;
  readonly data?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The human table: each count against its limit, then the verdict. */
export const gateTable = (a: Assessment, recorded: string): string => {
  const types = [...new Set([...Object.keys(a.limits), ...Object.keys(a.counts)])].sort();
  const width = Math.max(12, ...types.map((t) => t.length));
  const lines = [
    `gate for use case ${a.use_case}: ${a.events} events, policy ${a.policy_version.slice(0, 12)}`,
    `${'finding'.padEnd(width)}  count  limit`,
    ...types.map(
      (t) =>
        `${t.padEnd(width)}  ${String(a.counts[t] ?? 0).padStart(5)}  ${a.limits[t] === undefined ? '    -' : String(a.limits[t]).padStart(5)}`,
    ),
    `decisions: pass ${a.decisions.pass}, flag ${a.decisions.flag}, block ${a.decisions.block}; failed checks ${a.failed_checks}`,
    ...a.exceeded.map((e) => `exceeded: ${e}`),
    `verdict: ${a.verdict.toUpperCase()} (assessment ${a.assessment_id}; ${recorded})`,
  ];
  return `${lines.join('\n')}\n`;
};

export const registerGate = (program: Command): void => {
  program
    .command('gate')
    .description(
      "go/no-go: run the policy over a candidate model's outputs; exit 0 go, 1 no-go, 2 bad input",
    )
    .requiredOption('--use-case <name>', 'the use case the candidate is for')
    .requiredOption('--candidate <file>', 'evaluation outputs, one event per line (JSON lines)')
    .option('--policy <file>', 'policy file (default: as audit-trail dev picks it)')
    .option(
      '--max-findings <TYPE=N>',
      'at most N findings of TYPE (entity, rule id, BLOCK or FLAG); repeatable; default BLOCK=0',
      collect,
    )
    .option('--json', 'print the assessment as JSON')
    .option('--data <dir>', 'record the assessment on this data directory')
    .option(...ENDPOINT_OPTION)
    .option(...API_KEY_OPTION)
    .exitOverride(usageExit)
    .action((flags: GateFlags) =>
      runAction('gate', async () => {
        const { parseLimits, runGate } = await import('#core/admin/gate.ts');
        const limits = parseLimits(flags.maxFindings ?? []);
        const candidate = await readFile(flags.candidate, 'utf8');
        const { engine } = await policyEngineFrom(flags.policy ?? process.env.AUDIT_TRAIL_POLICY);
        const assessment = await runGate(candidate, {
          useCase: flags.useCase,
          limits,
          engine,
          now: new Date(),
        });
        let recorded = 'not recorded: give --data or --endpoint';
        const endpoint = endpointOf(flags);
        if (endpoint !== undefined) {
          await callApi(endpoint, flags, 'POST', '/v1/assessments', assessment);
          recorded = `recorded through ${endpoint}`;
        } else if (flags.data !== undefined) {
          const { recordAssessment } = await import('#core/admin/gate.ts');
          const record = await withAdminDeps(flags.data, (deps) =>
            recordAssessment(assessment, operator(), deps),
          );
          recorded = `recorded on the admin chain, seq ${record?.seq}`;
        }
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify({ ...assessment, recorded }, null, 2)}\n`);
        } else process.stdout.write(gateTable(assessment, recorded));
        return assessment.verdict === 'go' ? EXIT_CLEAN : EXIT_FAULTS;
      }),
    );
};
