/**
 * Vitest's file order (vitest.config.ts, `sequence.sequencer`): the files known to take
 * longest start first, so the run does not end with one long file on one core while the
 * other idles. Vitest orders by the durations in its cache (node_modules/.vite), which a
 * clean clone (`npm ci` in CI) does not have: it then runs larger files first, and long but
 * short-sourced files (the dev-server e2e files, the bundling infra files) started in the
 * last minute of the run. Projects keep Vitest's order (the files with a process of their
 * own first, then the shared ones), so a shared worker is never stopped for an isolated file.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds per file in the quiet CI run of main `dd60650` (`bash .ci/run`, 2026-12-06 08:16 UTC,
 * three workers, 191.5 s): files of 2 s or more. Only the order matters; a file not listed
 * runs after these, in Vitest's own order.
 */
const SECONDS: Readonly<Record<string, number>> = {
  'test/e2e/console-browser.test.ts': 55,
  'test/infra/stack.test.ts': 39,
  'test/integration/aws/verify-s3.test.ts': 26,
  'test/infra/policy-bundle.test.ts': 24,
  'test/integration/aws/dynamo-search.test.ts': 23,
  'test/integration/aws/layout-v2-handlers.test.ts': 16,
  'test/integration/aws/proof-tiles.test.ts': 15,
  'test/e2e/cli-dev.test.ts': 15,
  'test/infra/cfn-validation.test.ts': 14,
  'test/e2e/kill-restart.test.ts': 13,
  'test/infra/insider.test.ts': 12,
  'test/e2e/dev-lock.test.ts': 11,
  'test/integration/aws/processor-handler.test.ts': 11,
  'test/integration/local/evidence.test.ts': 9,
  'test/integration/aws/s3-archive.test.ts': 9,
  'test/integration/aws/keys-table.test.ts': 9,
  'test/unit/policy/complexity.test.ts': 9,
  'test/e2e/policy-flow.test.ts': 8,
  'test/integration/aws/event-source-mapping.test.ts': 8,
  'test/integration/aws/dynamo-ledger.test.ts': 6,
  'test/infra/constructs.test.ts': 6,
  'test/e2e/cli-verify.test.ts': 5,
  'test/contract/contract.test.ts': 5,
  'test/integration/aws/search-reindex.test.ts': 5,
  'test/integration/pipeline/witness.test.ts': 5,
  'test/infra/console.test.ts': 4,
  'test/unit/verify/verify-archive.test.ts': 4,
  'test/unit/client/package.test.ts': 4,
  'test/e2e/fairness-report-browser.test.ts': 4,
  'test/infra/purge-workflow.test.ts': 3,
  'test/integration/aws/archived-leaves-listing.test.ts': 3,
  'test/unit/verify/adversarial.test.ts': 3,
  'test/e2e/retention.test.ts': 3,
  'test/integration/aws/purge.test.ts': 3,
  'test/integration/aws/fairness-review.test.ts': 3,
  'test/integration/local/stream-kill.test.ts': 3,
  'test/unit/chain/tiles.test.ts': 3,
  'test/integration/aws/object-holds.test.ts': 3,
  'test/infra/nag.test.ts': 3,
  'test/integration/aws/hold-handler.test.ts': 2,
  'test/e2e/change-governance.test.ts': 2,
  'test/e2e/client-example.test.ts': 2,
  'test/integration/aws/otlp-traces-handler.test.ts': 2,
  'test/integration/pipeline/chain-index.test.ts': 2,
  'test/unit/chain/merkle.test.ts': 2,
  'test/integration/aws/lanes.test.ts': 2,
  'test/e2e/restart.test.ts': 2,
  'test/integration/local/verify-parallel.test.ts': 2,
  'test/integration/aws/guardrail-handler.test.ts': 2,
  'test/integration/aws/policy-change.test.ts': 2,
  'test/unit/fairness/published.test.ts': 2,
};

/** The file's known seconds; -1 for a file not listed. */
export const knownSeconds = (spec: TestSpecification): number =>
  SECONDS[relative(spec.project.config.root, spec.moduleId).replaceAll('\\', '/')] ?? -1;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const vitestOrder = await super.sort(files);
    const projects = [...new Set(vitestOrder.map((spec) => spec.project.name))];
    const place = new Map(vitestOrder.map((spec, i) => [spec, i]));
    return vitestOrder.toSorted(
      (a, b) =>
        projects.indexOf(a.project.name) - projects.indexOf(b.project.name) ||
        knownSeconds(b) - knownSeconds(a) ||
        (place.get(a) ?? 0) - (place.get(b) ?? 0),
    );
  }
}
