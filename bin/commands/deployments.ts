/**
 * `audit-trail deployments record | approve | list`: made to be called from a CI/CD
 * pipeline (through the API with --endpoint and a `deployer` / `approver` key) or on a
 * data directory (--data). Prints JSON; exit 0 on success, 2 when refused.
 */
import type { Command } from 'commander';
import { operator, withAdminDeps } from './admin-deps.ts';
import { API_KEY_OPTION, type ApiFlags, callApi, ENDPOINT_OPTION, endpointOf } from './api-call.ts';
import { EXIT_CLEAN, EXIT_USAGE, runAction, usageExit } from './exit.ts';

interface Flags extends ApiFlags {
  readonly data?: string;
}

const DATA_OPTION = ['--data <dir>', 'data directory (env AUDIT_TRAIL_DATA)'] as const;

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** Runs a core admin answer on the data directory: 2xx prints, anything else exits 2. */
const printAnswer = (answer: { status: number; body: unknown }): number => {
  if (answer.status >= 300) {
    process.stderr.write(`${(answer.body as { message?: string }).message ?? answer.status}\n`);
    return EXIT_USAGE;
  }
  print(answer.body);
  return EXIT_CLEAN;
};

export const registerDeployments = (program: Command): void => {
  const deployments = program
    .command('deployments')
    .description('record, approve and list model deployments (on the admin chain)');

  deployments
    .command('record')
    .description('record a deployment; it is pending until approved')
    .requiredOption('--use-case <name>', 'the use case the model serves')
    .requiredOption('--model <name>', 'model name, as events name it')
    .option('--provider <name>', 'model provider')
    .option('--model-version <v>', 'model version, as events name it')
    .option('--prompt-version <v>', 'prompt version')
    .option('--prompt-sha256 <hex>', 'SHA-256 of the prompt template')
    .option('--policy-version <hash>', 'policy version (default: the one in force)')
    .option('--commit <sha>', 'source commit (e.g. $GITHUB_SHA)')
    .option('--pipeline-run <url>', 'pipeline run (e.g. the Actions run URL)')
    .option('--assessment <id>', 'the gate assessment the deployment cites')
    .option('--notes <text>', 'free text')
    .option(...DATA_OPTION)
    .option(...ENDPOINT_OPTION)
    .option(...API_KEY_OPTION)
    .exitOverride(usageExit)
    .action(
      (
        flags: Flags & {
          useCase: string;
          model: string;
          provider?: string;
          modelVersion?: string;
          promptVersion?: string;
          promptSha256?: string;
          policyVersion?: string;
          commit?: string;
          pipelineRun?: string;
          assessment?: string;
          notes?: string;
        },
      ) =>
        runAction('deployments record', async () => {
          const opt = (key: string, value: string | undefined) =>
            value === undefined ? {} : { [key]: value };
          const source = {
            ...opt('commit', flags.commit),
            ...opt('pipeline_run', flags.pipelineRun),
          };
          const body = {
            use_case: flags.useCase,
            model: {
              name: flags.model,
              ...opt('provider', flags.provider),
              ...opt('version', flags.modelVersion),
            },
            ...opt('prompt_version', flags.promptVersion),
            ...opt('prompt_sha256', flags.promptSha256),
            ...opt('policy_version', flags.policyVersion),
            ...(Object.keys(source).length === 0 ? {} : { source }),
            ...opt('assessment_id', flags.assessment),
            ...opt('notes', flags.notes),
          };
          const endpoint = endpointOf(flags);
          if (endpoint !== undefined) {
            print(await callApi(endpoint, flags, 'POST', '/v1/deployments', body));
            return EXIT_CLEAN;
          }
          const { postDeployment } = await import('#core/admin/admin-api.ts');
          return printAnswer(
            await withAdminDeps(flags.data, (deps) => postDeployment(body, operator(), deps)),
          );
        }),
    );

  deployments
    .command('approve')
    .description('approve (or with --reject, reject) a pending deployment')
    .argument('<deployment_id>')
    .requiredOption('--note <text>', 'why: the sign-off note')
    .option('--reject', 'reject instead of approving')
    .option(...DATA_OPTION)
    .option(...ENDPOINT_OPTION)
    .option(...API_KEY_OPTION)
    .exitOverride(usageExit)
    .action((id: string, flags: Flags & { note: string; reject?: boolean }) =>
      runAction('deployments approve', async () => {
        const body = { decision: flags.reject === true ? 'reject' : 'approve', note: flags.note };
        const endpoint = endpointOf(flags);
        const path = `/v1/deployments/${encodeURIComponent(id)}/approvals`;
        if (endpoint !== undefined) {
          print(await callApi(endpoint, flags, 'POST', path, body));
          return EXIT_CLEAN;
        }
        const { postApproval } = await import('#core/admin/admin-api.ts');
        return printAnswer(
          await withAdminDeps(flags.data, (deps) => postApproval(id, body, operator(), deps)),
        );
      }),
    );

  deployments
    .command('list')
    .description('list deployments, or with --at the one active at an instant')
    .option('--use-case <name>', 'only this use case')
    .option('--at <iso>', 'the deployment active at this time (needs --use-case)')
    .option(...DATA_OPTION)
    .option(...ENDPOINT_OPTION)
    .option(...API_KEY_OPTION)
    .exitOverride(usageExit)
    .action((flags: Flags & { useCase?: string; at?: string }) =>
      runAction('deployments list', async () => {
        const query: Record<string, string> = {};
        if (flags.useCase !== undefined) query.use_case = flags.useCase;
        if (flags.at !== undefined) query.at = flags.at;
        const endpoint = endpointOf(flags);
        if (endpoint !== undefined) {
          const search = new URLSearchParams(query).toString();
          print(
            await callApi(endpoint, flags, 'GET', `/v1/deployments${search ? `?${search}` : ''}`),
          );
          return EXIT_CLEAN;
        }
        const { listDeployments } = await import('#core/admin/admin-api.ts');
        return printAnswer(
          await withAdminDeps(flags.data, async (deps) => listDeployments(query, deps)),
        );
      }),
    );
};
