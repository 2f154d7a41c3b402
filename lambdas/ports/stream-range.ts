/** A range of one shard that the stream's event source mapping gave up on (the pointer its
 * on-failure destination receives: `KinesisBatchInfo`). */
export interface StreamRange {
  readonly streamArn: string;
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** How many records the failed batch held. */
  readonly batchSize: number;
}

/** One record read back from the stream. */
export interface RangeRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly arrivedAt: Date;
}

/** Reads a shard range back while the stream still holds it. */
export interface StreamRangeReader {
  /** The records of the range the stream still holds, in order; fewer than `batchSize`
   * when some were trimmed (past the stream's retention) or the shard is gone. */
  read(range: StreamRange): Promise<RangeRecord[]>;
}
