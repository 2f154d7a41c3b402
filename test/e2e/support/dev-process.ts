import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's CLI entry point, run as a user would run it. */
export const CLI = fileURLToPath(new URL('../../../bin/audit-trail.ts', import.meta.url));

/** A running `audit-trail dev` child process. */
export interface DevProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote so far, for failure messages. */
  output(): string;
}

/**
 * Starts `node bin/audit-trail.ts dev <args>` and waits for the line that names its URL.
 * The caller ends it (SIGTERM or SIGKILL) and awaits `exited`.
 */
export const spawnDev = (
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<DevProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'dev', ...args], {
      env: { ...withoutDevVariables(process.env), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const output = () => out;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once('exit', (code, signal) => done({ code, signal }));
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`audit-trail dev did not start:\n${out}`));
    }, 240_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => {
        out += more.toString('utf8');
      });
      resolve({ url, child, exited, output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`audit-trail dev exited (${code ?? signal}) before listening:\n${out}`));
    });
  });

/** Ends a dev process, if any, at once (SIGKILL) and waits for it: test clean-up. */
export const killDev = async (dev: DevProcess | undefined): Promise<void> => {
  dev?.child.kill('SIGKILL');
  await dev?.exited;
};

/** The runner's own PORT, AUDIT_TRAIL_* must not leak into the command under test. */
export const isDevVariable = (name: string): boolean =>
  name === 'PORT' || name.startsWith('AUDIT_TRAIL_');

const withoutDevVariables = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([name]) => !isDevVariable(name)));

/** Runs the CLI to completion; answers its exit code and output. */
export const runCli = (args: readonly string[]): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: withoutDevVariables(process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.once('close', (code) => resolve({ code, output }));
  });
