import { Tracer } from '@aws-lambda-powertools/tracer';

/** The one Powertools tracer (X-Ray); AWS SDK clients are wrapped with captureAWSv3Client. */
export const tracer = new Tracer({ serviceName: 'audit-trail' });
