/**
 * Runs an audit-trail command inside the test's own process: the same command tree as
 * `node bin/audit-trail.ts` (bin/program.ts), with its stdout, stderr, exit code and
 * `process.exit` captured. A fresh Node per command cost about a CPU-second of start-up
 * and TypeScript stripping; tests about the process itself (signals, locks, the `dev`
 * server's lifetime) still spawn it (dev-process.ts). Commands run one at a time.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { createProgram } from '../../../bin/program.ts';
import { isDevVariable } from './dev-process.ts';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout then stderr, as dev-process.ts's runCli answers `output`. */
  readonly output: string;
}

export interface CliOptions {
  /** Working directory while the command runs. @default the current one */
  readonly cwd?: string;
  /** Variables set while the command runs (undefined: unset). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What `process.exit(code)` throws here, so the command stops where it would have exited. */
class Exit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`process.exit(${code})`);
    this.code = code;
  }
}

const sink = (append: (text: string) => void): Writable =>
  new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      append(String(chunk));
      done();
    },
  });

type Write = typeof process.stdout.write;
const capture = (append: (text: string) => void): Write =>
  ((chunk: Uint8Array | string, ...rest: unknown[]) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return true;
  }) as Write;

let running = false;

/** Runs `audit-trail <args>` in this process; answers its exit code and output. */
export const runCliInProcess = async (
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliRun> => {
  if (running) throw new Error('runCliInProcess: one command at a time');
  running = true;
  let stdout = '';
  let stderr = '';
  const outWrite = process.stdout.write;
  const errWrite = process.stderr.write;
  const exit = process.exit;
  const savedConsole = globalThis.console;
  const savedExitCode = process.exitCode;
  const cwd = process.cwd();
  const savedEnv = Object.fromEntries(
    Object.keys(options.env ?? {}).map((name) => [name, process.env[name]]),
  );
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };

  process.stdout.write = capture((t) => {
    stdout += t;
  });
  process.stderr.write = capture((t) => {
    stderr += t;
  });
  // Vitest routes the global console to its reporter; the command's goes to the capture.
  globalThis.console = new Console({
    stdout: sink((t) => {
      stdout += t;
    }),
    stderr: sink((t) => {
      stderr += t;
    }),
  });
  process.exit = ((code?: number | string | null) => {
    throw new Exit(Number(code ?? process.exitCode ?? 0));
  }) as typeof process.exit;
  process.exitCode = undefined;
  setEnv(options.env ?? {});
  if (options.cwd !== undefined) process.chdir(options.cwd);

  let status: number;
  try {
    await createProgram().parseAsync(['node', 'audit-trail', ...args]);
    status = Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof Exit)) throw error;
    status = error.code;
  } finally {
    process.chdir(cwd);
    setEnv(savedEnv);
    process.exitCode = savedExitCode;
    process.exit = exit;
    globalThis.console = savedConsole;
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    running = false;
  }
  return { status, stdout, stderr, output: stdout + stderr };
};

/** runCli (dev-process.ts) in this process: the runner's PORT and AUDIT_TRAIL_* unset while
 * the command runs, as they are kept from the child there. */
export const runCliHere = async (
  args: readonly string[],
): Promise<{ code: number; output: string }> => {
  const env = Object.fromEntries(
    Object.keys(process.env)
      .filter(isDevVariable)
      .map((name) => [name, undefined]),
  );
  const { status, output } = await runCliInProcess(args, { env });
  return { code: status, output };
};
