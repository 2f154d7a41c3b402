#!/usr/bin/env node
/** The CDK app: `npx cdk deploy` (config: cdk.json context `auditTrail` or `-c auditTrailConfigFile=…`). */
import { App } from 'aws-cdk-lib';
import { AuditTrailStack } from '#lib/audit-trail-stack.ts';
import { loadConfig } from '#lib/config.ts';
import { applyNag } from '#lib/nag.ts';

const app = new App();
const stackName =
  (app.node.tryGetContext('auditTrailStackName') as string | undefined) ?? 'AuditTrail';
new AuditTrailStack(app, stackName, {
  config: loadConfig(app.node),
  description: 'Tamper-evident audit trail for AI decisions (ai-audit-trail)',
  env: {
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
    ...(process.env.CDK_DEFAULT_REGION ? { region: process.env.CDK_DEFAULT_REGION } : {}),
  },
});
applyNag(app);
app.synth();
