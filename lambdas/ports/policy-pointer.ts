/**
 * Where the last recorded policy change is kept when reading the admin chain to find it
 * would cost too much (on AWS, at every cold start): the policy version and the seq of
 * its `policy.change` record. core/admin/policy-change.ts keeps it current.
 */
export interface PolicyPointer {
  /** The canonical hash of the policy the last change recorded. */
  readonly version: string;
  /** Seq of that `policy.change` record on the admin chain. */
  readonly seq: number;
}

export interface PolicyPointerPort {
  /** The pointer, read consistently; undefined when no change was recorded yet. */
  read(): Promise<PolicyPointer | undefined>;
  /** Moves the pointer from `from` (undefined: none yet) to `to`, atomically; false when it
   * has moved since `from` was read (another writer got there first). */
  advance(from: PolicyPointer | undefined, to: PolicyPointer): Promise<boolean>;
}
