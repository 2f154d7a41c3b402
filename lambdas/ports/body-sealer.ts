import type { BodyEncrypter } from '#core/chain/hash.ts';
import type { LedgerRecord, RecordKind, RecordRetention } from '#core/chain/record.ts';

export type { BodyEncrypter };

/** Turns user ids into subject ids (a keyed hash: the user id itself is never stored). */
export interface SubjectIds {
  of(userId: string): string;
}

/** What a retention rule is matched on. */
export interface RetentionSubject {
  readonly kind: RecordKind;
  readonly chain: string;
  readonly useCase?: string | undefined;
}

/** A record about to be built under layout v2: what its keys depend on. */
export interface SealTarget {
  readonly chain: string;
  readonly seq: number;
  readonly ingested_at: string;
  readonly retention?: RecordRetention | undefined;
  readonly body: unknown;
  /** The user whose data the body holds when the body itself does not say. */
  readonly user_id?: string | undefined;
}

/** Layout v2 at write time (core/retention/body-sealer.ts builds one over a key store). */
export interface BodySealer {
  readonly subjects: SubjectIds;
  /** The retention a record gets when written now. */
  retention(subject: RetentionSubject, ingestedAt: string): RecordRetention;
  /** Creates the keys of records about to be built, durable when it resolves, and answers
   * each record's encrypter, in order: the processor builds each record sealed at once. */
  encrypters(targets: readonly SealTarget[]): Promise<BodyEncrypter[]>;
  /** Records already built in plaintext, as stored: bodies encrypted, keys created durably
   * first (tests and tools; the processor builds records sealed through `encrypters`). */
  seal(records: readonly LedgerRecord[]): Promise<LedgerRecord[]>;
  /** A stored record with its body opened, while its keys exist. */
  open(record: LedgerRecord): Promise<LedgerRecord>;
  /** Encrypts quarantined raw bytes of a chain's rejected input under the period key of
   * its `rejected` records and a key of its own (`s/q:<quarantine key>`), so the bytes go
   * when the rejected records' period does. */
  quarantineSealer(
    chain: string,
    ingestedAt: string,
  ): (bytes: Uint8Array, key: string) => Promise<Uint8Array>;
}
