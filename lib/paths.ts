/** Paths the CDK app needs, independent of the current directory. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json and package-lock.json live). */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** Absolute path of a Lambda handler file, e.g. `handlerEntry('processor')`. */
export const handlerEntry = (name: string): string => `${projectRoot}/lambdas/handlers/${name}.ts`;

/** True when the handler file exists (optional routes are left out otherwise). */
export const handlerExists = (name: string): boolean => existsSync(handlerEntry(name));
