/** What a witness keeps per log origin: the latest checkpoint it cosigned. */
export interface WitnessState {
  readonly origin: string;
  readonly size: number;
  /** Lowercase hex root hash. */
  readonly root: string;
  /** The checkpoint as cosigned: the log's note with the witness's cosignature appended. */
  readonly note: string;
}

/**
 * The witness's durable state. `update` runs `step` with the origin's current state under a
 * lock and persists the state it returns before resolving, so that checking the old size
 * and recording the new checkpoint are one atomic step (C2SP tlog-witness).
 */
export interface WitnessStorePort {
  get(origin: string): Promise<WitnessState | undefined>;
  /** The state of the origin whose SHA-256 is `hash` (hex), for monitors. */
  getByOriginHash(hash: string): Promise<WitnessState | undefined>;
  update<T>(
    origin: string,
    step: (current: WitnessState | undefined) => Promise<{ next?: WitnessState; result: T }>,
  ): Promise<T>;
}

/** A witness the checkpointer asks for cosignatures (C2SP tlog-witness add-checkpoint). */
export interface WitnessPort {
  /** Where it is reached, for logs. */
  readonly url: string;
  /** Its cosignature/v1 verifier key. */
  readonly vkey: string;
  /** POSTs an add-checkpoint request body; answers status and body text. */
  addCheckpoint(requestBody: string): Promise<{ status: number; body: string }>;
}
