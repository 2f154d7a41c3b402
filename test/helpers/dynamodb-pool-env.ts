/** The variable through which the run's DynamoDB Local pool (dynamodb-pool.ts) tells test
 * workers its URL. */
export const POOL_ENV = 'AUDIT_TRAIL_TEST_DYNAMODB_POOL';
