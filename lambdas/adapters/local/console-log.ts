import type { LogPort } from '#ports/log.ts';

/** Log levels in increasing severity. */
export type LogLevel = 'info' | 'warn' | 'error';

const SEVERITY: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };

/** Where log lines go: anything with a `write(string)`, stderr by default. */
export interface LogSink {
  write(line: string): unknown;
}

export interface ConsoleLogOptions {
  /** Lines below this level are dropped. @default 'info' */
  readonly level?: LogLevel;
  /** @default process.stderr */
  readonly stream?: LogSink;
}

/** Errors do not serialise with JSON.stringify; keep what an operator needs. */
const replacer = (_key: string, value: unknown): unknown =>
  value instanceof Error
    ? { name: value.name, message: value.message, stack: value.stack }
    : typeof value === 'bigint'
      ? value.toString()
      : value;

/**
 * The local LogPort: one JSON object per line, `{time, level, message, ...fields}`.
 * Callers pass identifiers and counts as fields, never raw payloads.
 */
export const createConsoleLog = (options: ConsoleLogOptions = {}): LogPort => {
  const threshold = SEVERITY[options.level ?? 'info'];
  const sink = options.stream ?? process.stderr;
  const emit =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (SEVERITY[level] < threshold) return;
      const line = { ...fields, time: new Date().toISOString(), level, message };
      sink.write(`${JSON.stringify(line, replacer)}\n`);
    };
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
};
