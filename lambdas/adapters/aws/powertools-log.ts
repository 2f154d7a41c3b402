import type { Logger } from '@aws-lambda-powertools/logger';
import type { LogPort } from '#ports/log.ts';

/** The core's LogPort over a Powertools Logger: fields become structured keys. */
export const powertoolsLog = (logger: Logger): LogPort => ({
  info: (message, fields) => (fields ? logger.info(message, fields) : logger.info(message)),
  warn: (message, fields) => (fields ? logger.warn(message, fields) : logger.warn(message)),
  error: (message, fields) => (fields ? logger.error(message, fields) : logger.error(message)),
});
