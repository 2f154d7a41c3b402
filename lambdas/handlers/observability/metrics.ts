import { Metrics } from '@aws-lambda-powertools/metrics';

/** The one Powertools metrics instance (EMF); namespace from POWERTOOLS_METRICS_NAMESPACE. */
export const metrics = new Metrics({ namespace: 'AuditTrail', serviceName: 'audit-trail' });
