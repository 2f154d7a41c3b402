/**
 * `audit-trail witness serve`: a small witness after C2SP tlog-witness, cosigning the
 * checkpoints of the logs it is told to trust, its state on disk.
 * `audit-trail witness add <url> <vkey>`: tells the local checkpointer to ask a witness.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { readWitnessConfig } from '#adapters/local/http-witness.ts';
import { startWitnessServer } from '#adapters/local/witness-server.ts';
import { openWitnessStore } from '#adapters/local/witness-store.ts';
import { type Cosigner, cosignerVerifierKey, parseCosignerKey } from '#core/chain/cosignature.ts';
import { parseVerifierKey } from '#core/chain/note.ts';
import { devPaths } from '#handlers/wiring/dev-runtime.ts';
import { systemClock } from '#ports/clock.ts';
import { dataDirOf } from './dev.ts';
import { EXIT_CLEAN, runAction, usageExit } from './exit.ts';

interface ServeFlags {
  readonly dir: string;
  readonly name: string;
  readonly log: string[];
  readonly host: string;
  readonly port: number;
}

const parsePort = (text: string): number => {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number, 0 to 65535');
  }
  return port;
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The witness's Ed25519 key in `<dir>/key`, created on first use. */
export const loadCosigner = async (dir: string, name: string): Promise<Cosigner> => {
  const signer = await loadOrCreateEd25519Signer(join(dir, 'key'), name);
  return { name, publicKey: signer.publicKeyRaw, sign: signer.sign };
};

const runServe = async (flags: ServeFlags): Promise<number> => {
  const logs = await Promise.all(
    flags.log.map(async (file) => {
      const vkey = (await readFile(file, 'utf8')).trim();
      parseVerifierKey(vkey);
      return { vkey };
    }),
  );
  if (logs.length === 0) throw new Error('give at least one --log <vkey file> to witness');
  const cosigner = await loadCosigner(flags.dir, flags.name);
  const store = await openWitnessStore(join(flags.dir, 'state'));
  const server = await startWitnessServer(
    { store, logs, cosigner, clock: systemClock },
    { host: flags.host, port: flags.port },
  );
  process.stdout.write(
    `audit-trail witness listening on ${server.url}\nwitness key: ${cosignerVerifierKey(cosigner)}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return EXIT_CLEAN;
};

const runAdd = async (url: string, vkey: string, flags: { data?: string }): Promise<number> => {
  if (!URL.canParse(url) || !/^https?:/.test(url)) throw new Error(`not an http(s) URL: ${url}`);
  const key = vkey.trim();
  parseCosignerKey(key);
  const path = devPaths(dataDirOf(flags.data)).witnesses;
  const list = (await readWitnessConfig(path)).filter((w) => w.vkey !== key);
  list.push({ url, vkey: key });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(list, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  process.stdout.write(
    `witness ${key.split('+')[0]} at ${url} added (${list.length} in ${path})\n`,
  );
  return EXIT_CLEAN;
};

/** `audit-trail witness`. */
export const registerWitness = (program: Command): void => {
  const witness = program.command('witness').description('run a witness, or configure witnesses');
  witness
    .command('serve')
    .description('serve a C2SP tlog-witness that cosigns checkpoints of the given logs')
    .option('--dir <dir>', 'witness key and state', './.audit-trail-witness')
    .option('--name <name>', 'witness key name', 'witness.local')
    .option('--log <vkey file>', "a log's verifier key to witness (repeatable)", collect, [])
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', parsePort, 8788)
    .exitOverride(usageExit)
    .action((flags: ServeFlags) => runAction('witness serve', () => runServe(flags)));
  witness
    .command('add')
    .description('ask this witness to cosign every checkpoint (dev runtime)')
    .argument('<url>', "the witness's URL (its add-checkpoint is <url>/add-checkpoint)")
    .argument('<vkey>', "the witness's cosignature verifier key")
    .option('--data <dir>', 'data directory (default: AUDIT_TRAIL_DATA or ./.audit-trail)')
    .exitOverride(usageExit)
    .action((url: string, vkey: string, flags: { data?: string }) =>
      runAction('witness add', () => runAdd(url, vkey, flags)),
    );
};
