/**
 * Old against new, in one process: `node test/bench/structured-ab.ts [git-ref]` (default
 * `main`). Copies the structured detectors of that revision to .tmp/ab/ and times each of
 * them and the current one, interleaved, over the policy bench's 4 MB of mixed text, in CPU
 * time: on a machine shared with other jobs, figures from different runs or minutes are not
 * comparable, figures from the same rounds are. Prints CPU ms per 4 MB (median of 5 rounds)
 * and whether both found the same matches.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Match } from '#core/policy/detector.ts';
import { detectApiKey } from '#core/policy/detectors/api-key.ts';
import { detectAwsAccessKey } from '#core/policy/detectors/aws-access-key.ts';
import { detectCreditCard } from '#core/policy/detectors/credit-card.ts';
import { detectEmail } from '#core/policy/detectors/email.ts';
import { detectIban } from '#core/policy/detectors/iban.ts';
import { detectIpAddress } from '#core/policy/detectors/ip-address.ts';
import { detectJwt } from '#core/policy/detectors/jwt.ts';
import { detectPhone, phoneParams } from '#core/policy/detectors/phone.ts';
import { detectPrivateKey } from '#core/policy/detectors/private-key.ts';
import { detectUsSsn } from '#core/policy/detectors/us-ssn.ts';
import { mixedText } from './mixed-text.ts';
import { median } from './stats.ts';

const ref = process.argv[2] ?? 'main';
type Detect = (text: string) => readonly Match[];
type Module = Record<string, (text: string, params: never) => Match[]>;

// [file, exported function, params]
const DETECTORS: readonly (readonly [string, string, unknown])[] = [
  ['email', 'detectEmail', {}],
  ['phone', 'detectPhone', phoneParams.parse({})],
  ['us-ssn', 'detectUsSsn', { bare_digits_with_context: true }],
  ['credit-card', 'detectCreditCard', {}],
  ['iban', 'detectIban', {}],
  ['ip-address', 'detectIpAddress', { include_private: true }],
  ['aws-access-key', 'detectAwsAccessKey', {}],
  ['private-key', 'detectPrivateKey', {}],
  ['jwt', 'detectJwt', {}],
  ['api-key', 'detectApiKey', {}],
];
const CURRENT: Readonly<Record<string, (text: string, params: never) => Match[]>> = {
  detectEmail,
  detectPhone,
  detectUsSsn,
  detectCreditCard,
  detectIban,
  detectIpAddress,
  detectAwsAccessKey,
  detectPrivateKey,
  detectJwt,
  detectApiKey,
};

// The old revision's detectors folder, its one import outside it made absolute.
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const dir = `${root}/.tmp/ab/${ref.replace(/[^\w.-]/g, '_')}/detectors`;
mkdirSync(dir, { recursive: true });
const files = execFileSync(
  'git',
  ['ls-tree', '--name-only', `${ref}:lambdas/core/policy/detectors`],
  { encoding: 'utf8' },
)
  .trim()
  .split('\n');
for (const f of files) {
  const source = execFileSync('git', ['show', `${ref}:lambdas/core/policy/detectors/${f}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(`${dir}/${f}`, source.replaceAll("'../detector.ts'", "'#core/policy/detector.ts'"));
}

const pairs: { name: string; old: Detect; now: Detect }[] = [];
for (const [file, fn, params] of DETECTORS) {
  const old = ((await import(`${dir}/${file}.ts`)) as Module)[fn];
  const now = CURRENT[fn];
  if (old === undefined || now === undefined) throw new Error(`${fn} missing in ${ref}`);
  pairs.push({
    name: file,
    old: (t) => old(t, params as never),
    now: (t) => now(t, params as never),
  });
}

const text = mixedText(4 * 1024 * 1024);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const time = (d: Detect): number => {
  const c = cpuMs();
  d(text);
  return cpuMs() - c;
};

console.log(`CPU ms per 4 MB, median of 5 interleaved rounds: ${ref} → working tree`);
let oldTotal = 0;
let newTotal = 0;
for (const p of pairs) {
  const same = JSON.stringify(p.old(text)) === JSON.stringify(p.now(text)); // also warms up
  const o: number[] = [];
  const n: number[] = [];
  for (let r = 0; r < 5; r++) {
    o.push(time(p.old));
    n.push(time(p.now));
  }
  oldTotal += median(o);
  newTotal += median(n);
  console.log(
    `${p.name.padEnd(15)} ${median(o).toFixed(1).padStart(7)} → ${median(n).toFixed(1).padStart(7)}${same ? '' : '  (matches differ)'}`,
  );
}
const mbps = (ms: number): string => (text.length / (1024 * 1024) / (ms / 1000)).toFixed(1);
console.log(
  `${'all'.padEnd(15)} ${oldTotal.toFixed(1).padStart(7)} → ${newTotal.toFixed(1).padStart(7)}  (${mbps(oldTotal)} → ${mbps(newTotal)} MB/s per core)`,
);
