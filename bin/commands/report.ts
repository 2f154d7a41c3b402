/**
 * `audit-trail report evidence`: the auditor's evidence package for a period, as
 * `evidence.json` and a standalone `evidence.html`, counted from the archive and verified
 * with the same verifier `audit-trail verify` runs (its command line is in the package).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  buildEvidence,
  type Evidence,
  type EvidenceQuery,
  verifyCommand,
} from '#core/report/evidence.ts';
import { evidenceHtml } from '#core/report/evidence-html.ts';
import { devPaths } from '#handlers/wiring/dev-runtime.ts';
import { openArchiveReader } from './archive-location.ts';
import { dataDirOf } from './dev.ts';
import { EXIT_CLEAN, EXIT_FAULTS, readPublicKey, runAction, usageExit } from './exit.ts';
import { openBodyKeyStore, verifyLocation } from './verify.ts';

interface EvidenceFlags {
  readonly from: string;
  readonly to: string;
  readonly useCase?: string;
  readonly chain?: string;
  readonly out: string;
  readonly archive?: string;
  readonly data?: string;
  readonly publicKey?: string;
  readonly bodyKeys?: string;
  readonly pdf?: boolean;
  readonly chromium?: string;
}

const parseTime = (text: string): string => {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new InvalidArgumentError('expected an ISO 8601 date');
  return time.toISOString();
};

/** Where the package's verification reads from, as given on the command line. */
export interface EvidenceFiles {
  readonly publicKey?: string;
  /** The body-key store directory: v2 bodies opened, and checked by the verification. */
  readonly bodyKeys?: string;
  /** Also print the page to `evidence.pdf` with this Chromium (see evidence-pdf.ts). */
  readonly pdf?: { readonly chromium?: string };
}

/** Builds the package and writes it to `out`. */
export const writeEvidence = async (
  location: string,
  query: EvidenceQuery,
  out: string,
  files: EvidenceFiles = {},
): Promise<Evidence> => {
  const publicKey = await readPublicKey(files.publicKey);
  const bodyKeys =
    files.bodyKeys === undefined ? undefined : await openBodyKeyStore(files.bodyKeys);
  const evidence = await buildEvidence(
    {
      reader: await openArchiveReader(location),
      ...(bodyKeys === undefined ? {} : { bodyKeys }),
      verify: async (chains) => ({
        report: await verifyLocation(location, {
          ...(publicKey === undefined ? {} : { publicKey }),
          ...(chains.size > 0 ? { chains } : {}),
          ...(bodyKeys === undefined ? {} : { bodyKeys, bodyKeysDir: files.bodyKeys as string }),
          workers: availableParallelism(),
        }),
        command: verifyCommand(location, chains, files),
      }),
    },
    query,
    { archive: location, now: new Date() },
  );
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'evidence.json'), `${JSON.stringify(evidence, null, 2)}\n`);
  const html = evidenceHtml(evidence);
  await writeFile(join(out, 'evidence.html'), html);
  if (files.pdf !== undefined) {
    const { writeEvidencePdf } = await import('./evidence-pdf.ts');
    await writeEvidencePdf(html, join(out, 'evidence.pdf'), files.pdf.chromium);
  }
  return evidence;
};

const runEvidence = async (flags: EvidenceFlags): Promise<number> => {
  if (flags.from >= flags.to) throw new Error('--from must be before --to');
  const location = flags.archive ?? devPaths(dataDirOf(flags.data)).archive;
  const query: EvidenceQuery = {
    from: flags.from,
    to: flags.to,
    ...(flags.useCase === undefined ? {} : { useCase: flags.useCase }),
    ...(flags.chain === undefined ? {} : { chain: flags.chain }),
  };
  const evidence = await writeEvidence(location, query, flags.out, {
    ...(flags.publicKey === undefined ? {} : { publicKey: flags.publicKey }),
    ...(flags.bodyKeys === undefined ? {} : { bodyKeys: flags.bodyKeys }),
    ...(flags.pdf === true
      ? { pdf: flags.chromium === undefined ? {} : { chromium: flags.chromium } }
      : {}),
  });
  process.stdout.write(
    `evidence for ${query.from} to ${query.to}: ${evidence.volumes.records} records; verification ${evidence.verification.ok ? 'clean' : `found ${evidence.verification.faults} faults`}\nwritten to ${join(flags.out, 'evidence.json')} and evidence.html${flags.pdf === true ? ' and evidence.pdf' : ''}\n`,
  );
  return evidence.verification.ok ? EXIT_CLEAN : EXIT_FAULTS;
};

/** `audit-trail report`. */
export const registerReport = (program: Command): void => {
  const report = program.command('report').description('reports for auditors');
  report
    .command('evidence')
    .description('the evidence package for a period: JSON and a standalone HTML page')
    .requiredOption('--from <time>', 'start of the period, ISO 8601 (inclusive)', parseTime)
    .requiredOption('--to <time>', 'end of the period, ISO 8601 (exclusive)', parseTime)
    .option('--use-case <name>', 'only records of this use case')
    .option('--chain <chain>', 'only this chain')
    .requiredOption('--out <dir>', 'directory to write evidence.json and evidence.html to')
    .option('--archive <location>', 'archive directory or s3:// (default: <data>/archive)')
    .option('--data <dir>', 'data directory (default: AUDIT_TRAIL_DATA or ./.audit-trail)')
    .option('--public-key <file>', "pin the signer's verifier key")
    .option(
      '--body-keys <dir>',
      'body-key store (e.g. .audit-trail/body-keys): open layout v2 bodies and check them',
    )
    .option('--pdf', 'also write evidence.pdf, printed by an installed Chromium')
    .option(
      '--chromium <path>',
      'the Chromium for --pdf (default: CHROMIUM_PATH or /usr/bin/chromium)',
    )
    .exitOverride(usageExit)
    .action((flags: EvidenceFlags) => runAction('report evidence', () => runEvidence(flags)));
};
