import { Logger } from '@aws-lambda-powertools/logger';

/** The one Powertools logger of every handler (service name from POWERTOOLS_SERVICE_NAME).
 * Handlers log ids, counts and error names, never bodies, keys or detected values. */
export const logger = new Logger({ serviceName: 'audit-trail' });
