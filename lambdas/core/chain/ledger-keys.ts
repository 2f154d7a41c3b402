/**
 * Key layout of the ledger table shared by its writer (the DynamoDB adapter) and the stack
 * that guards it (lib/constructs/ledger-table.ts grants and denies by these prefixes).
 */

/** Partition-key prefix of the per-chain bookkeeping items, the only items anything but
 * the purge step may update. The leading space sorts them apart from chain names. */
export const META_KEY_PREFIX = ' meta#';
