import type { LogPort } from '#ports/log.ts';

/** A log that drops everything: test output stays readable; errors still fail assertions. */
export const silentLog: LogPort = { info: () => {}, warn: () => {}, error: () => {} };
