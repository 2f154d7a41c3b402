/**
 * Verifies one chain from its records in storage order, in memory bounded by a window, not
 * by the chain's length.
 *
 * Records wait in a small pending set until the record after them is seen, so that of two
 * records claiming one seq the one the chain continues from is kept; records that arrive
 * ahead of a missing seq wait up to WINDOW records for it. A committed record is checked
 * (hash, body hash, link to its predecessor), added to the incremental Merkle tree and, at
 * each signed checkpoint's size, the tree root is compared with the signed one.
 *
 * How each fault is told apart:
 * - modified: a record's envelope or body does not match its hash, or a link breaks between
 *   two records that each hash correctly (one was changed and re-hashed);
 * - deleted: seqs never seen before the chain resumes;
 * - inserted: an extra record the chain does not continue from (a duplicate, one that links
 *   nowhere, or a rival for a seq that nothing follows), or a record of another chain;
 * - reordered: a record stored before one of lower seq;
 * - forked: two records claim one seq and each has a successor, or the recomputed tree
 *   disagrees with a signed root (the chain was rewritten consistently);
 * - truncated: a signed checkpoint covers more records than the archive holds;
 * - unlogged_purge: a body removed that no purge record of the chain names.
 */
import { HASH_RE } from '#core/chain/hash.ts';
import { GENESIS_PREV } from '#core/chain/record.ts';
import { Frontier } from './frontier.ts';
import { decodeHash } from './hex.ts';
import { RangeList, splitByCover } from './ranges.ts';
import { chainPartOf, type Expectation, type RecordFacts } from './read-record.ts';
import { type FaultLog, MAX_LISTED, type PurgedRange } from './report.ts';

/** A checkpoint whose signature verified: the tree of the first `size` records has `root`. */
export interface TrustedCheckpoint {
  readonly size: number;
  /** Lowercase hex. */
  readonly root: string;
}

/** What a finished chain contributes to the report. */
export interface ChainSummary {
  /** Checkpoints whose root was recomputed and agreed. */
  readonly checkpoints: number;
  /** Records after the latest signed checkpoint. */
  readonly unsigned: number;
  readonly purged: readonly PurgedRange[];
}

/** Records held while waiting for a missing or out-of-place seq. Pipelines write segments of
 * up to 10,000 records, so two swapped segments still fit. */
export const WINDOW = 16_384;
/** Recent committed hashes kept to recognise duplicates and rivals of passed seqs. */
const RING = WINDOW;
/** Rival records (for seqs already taken) followed at once. */
const MAX_RIVALS = 64;

/** Mutable only so that the solo path can reuse a committed record's entry (see record). */
interface Entry {
  facts: RecordFacts;
  arrival: number;
  /** Set when the record was placed by its links rather than by the seq it claims. */
  note: string | undefined;
}

/** A record for a seq the chain already has, and any records that follow it. */
interface Rival {
  readonly start: number;
  last: number;
  forked: boolean;
}

const hashOk = (f: RecordFacts): boolean => f.computed === f.hash;

const seqs = (from: number, to: number): string =>
  from === to ? `seq ${from}` : `seqs ${from}..${to}`;

export class ChainVerifier {
  readonly chain: string;
  readonly #checkpoints: readonly TrustedCheckpoint[];
  readonly #faults: FaultLog;

  /** Last committed seq. */
  #last = -1;
  /** Hash the next record must link to; undefined after a gap (nothing to link to). */
  #tip: string | undefined = GENESIS_PREV;
  #tipHashOk = true;
  readonly #tree = new Frontier();
  /** The committed record's hash as bytes (scratch). */
  readonly #hashBytes = Buffer.alloc(32);
  #treeBroken = false;

  readonly #pending = new Map<number, Entry[]>();
  /** The one pending record when it is the only one and for the next seq (the usual case):
   * kept out of #pending, so a chain in order costs no array and no map churn per record. */
  #solo: Entry | undefined;
  /** Reused as the successors of a committed solo record. */
  readonly #soloAfter: Entry[] = [];
  /** A committed solo record's entry, free for the next record. */
  #spare: Entry | undefined;
  /** Records pending, #solo included. */
  #pendingCount = 0;
  #arrivals = 0;
  #lastArrived: RecordFacts | undefined;

  #maxCommittedArrival = -1;
  #maxArrivalSeq = -1;
  #inDisorder = false;

  // Binary, in one buffer: strings kept this long would be promoted and churn the old heap.
  readonly #ringSeq = new Float64Array(RING).fill(-1);
  readonly #ringHash = Buffer.alloc(RING * 32);

  readonly #rivals = new Map<string, Rival>();
  readonly #bodyless = new RangeList();
  readonly #purges: { from: number; to: number; by: number }[] = [];
  readonly #malformedSeqs = new Set<number>();

  #nextCheckpoint = 0;
  #agreedSize = 0;
  #agreedCheckpoints = 0;
  /** The tree no longer matches the signed roots (reported once). */
  #diverged = false;
  /** A re-hashed record was found since the last agreeing checkpoint, which explains a root
   * that disagrees. */
  #rehashedSinceAgreed = false;

  readonly #signedSize: number;
  /** Reused for every record: one object less per line in the hot loop. */
  readonly #expect: { -readonly [K in keyof Expectation]: Expectation[K] };

  /** `checkpoints`: signature-verified ones, ascending by size. */
  constructor(chain: string, checkpoints: readonly TrustedCheckpoint[], faults: FaultLog) {
    this.chain = chain;
    this.#checkpoints = checkpoints.filter((c) => c.size > 0);
    this.#faults = faults;
    this.#expect = { chain, seq: 0, prev: GENESIS_PREV, chainPart: chainPartOf(chain) };
    this.#signedSize = this.#checkpoints[this.#checkpoints.length - 1]?.size ?? 0;
  }

  /** What the next stored record should be, when a signed root will vouch for it (see
   * Expectation); undefined otherwise. Valid until the next call. */
  expectation(): Expectation | undefined {
    const before = this.#lastArrived;
    const seq = before ? before.seq + 1 : 0;
    if (this.#treeBroken || seq >= this.#signedSize) return undefined;
    if (before && before.computed !== before.hash) return undefined;
    this.#expect.seq = seq;
    this.#expect.prev = before?.hash ?? GENESIS_PREV;
    return this.#expect;
  }

  /** A line that is not a record; `seq` when the line lets one be made out. */
  malformed(seq: number | undefined, detail: string): void {
    const at = seq ?? (this.#lastArrived ? this.#lastArrived.seq + 1 : this.#last + 1);
    if (this.#malformedSeqs.size < MAX_LISTED) this.#malformedSeqs.add(at);
    this.#fault(at, 'malformed', detail);
  }

  /** The next record in storage order. */
  record(read: RecordFacts): void {
    const arrival = this.#arrivals++;
    const placed = this.#place(read);
    const facts = placed?.facts ?? read;
    this.#lastArrived = facts;
    if (facts.chain !== this.chain) {
      this.#fault(facts.seq, 'inserted', `record of chain ${JSON.stringify(facts.chain)}`);
      return;
    }
    if (this.#extendRival(facts)) return;
    if (facts.seq <= this.#last) {
      this.#behind(facts);
      return;
    }
    const note = placed?.note;
    const solo = this.#solo;
    if (solo === undefined && this.#pendingCount === 0 && facts.seq === this.#last + 1) {
      // Nothing else pending: it waits for its successor (what #advance would decide).
      this.#solo = { facts, arrival, note };
      this.#pendingCount = 1;
      return;
    }
    if (solo !== undefined && facts.seq === solo.facts.seq + 1 && solo.facts.prev === this.#tip) {
      // Its successor came and it links to the tip: #advance would commit it with this one
      // as the only record after it, and keep this one waiting in turn. The entry of the
      // record committed two records ago is referenced nowhere else: it is reused.
      const entry = this.#spare ?? { facts, arrival, note };
      entry.facts = facts;
      entry.arrival = arrival;
      entry.note = note;
      // (Left holding `entry`, the new solo record: emptying the array would free its
      // backing store and the next record allocate a new one.)
      this.#soloAfter[0] = entry;
      this.#commit(solo, this.#soloAfter);
      this.#solo = entry;
      this.#spare = solo;
      return;
    }
    const entry: Entry = { facts, arrival, note };
    this.#unsolo();
    const same = this.#pending.get(facts.seq);
    if (same) same.push(entry);
    else this.#pending.set(facts.seq, [entry]);
    this.#pendingCount++;
    this.#advance(false);
  }

  /** Puts the solo record back among the pending ones, for the general case. */
  #unsolo(): void {
    const solo = this.#solo;
    if (solo === undefined) return;
    this.#solo = undefined;
    this.#pending.set(solo.facts.seq, [solo]);
  }

  /** Ends the chain: resolves what is pending and reports what is missing or unaccounted. */
  finish(): ChainSummary {
    this.#unsolo();
    this.#advance(true);
    for (const rival of this.#rivals.values()) this.#rivalEnded(rival);
    this.#rivals.clear();

    const present = this.#last + 1;
    const signed = this.#signedSize;
    if (signed > present && !this.#allMalformed(present, signed - 1)) {
      const end = present === 0 ? 'holds no record' : `ends at seq ${present - 1}`;
      this.#fault(
        present,
        'truncated',
        `the signed checkpoint at size ${signed} covers seqs to ${signed - 1}, but the archive ${end}`,
      );
    }
    return {
      checkpoints: this.#agreedCheckpoints,
      unsigned: Math.max(0, present - signed),
      purged: this.#settlePurges(),
    };
  }

  /** A record with a bad hash that links to the record stored just before it is placed
   * after that record, whatever seq or chain it now claims: those fields may be the change. */
  #place(f: RecordFacts): { facts: RecordFacts; note: string } | undefined {
    const before = this.#lastArrived;
    if (hashOk(f) || !before || (f.prev !== before.hash && f.prev !== before.computed)) {
      return undefined;
    }
    const seq = before.seq + 1;
    if (f.seq === seq && f.chain === this.chain) return undefined;
    const note = `it claims ${f.chain === this.chain ? '' : `chain ${JSON.stringify(f.chain)}, `}seq ${f.seq}`;
    return { facts: { ...f, chain: this.chain, seq }, note };
  }

  #advance(final: boolean): void {
    for (;;) {
      const next = this.#last + 1;
      let candidates = this.#pending.get(next);
      if (candidates === undefined) {
        if (this.#pendingCount === 0 || (!final && this.#pendingCount <= WINDOW)) return;
        let resume = Number.POSITIVE_INFINITY;
        for (const seq of this.#pending.keys()) if (seq < resume) resume = seq;
        this.#missing(next, resume - 1);
        continue;
      }
      // Decide only once something after `next` is stored, so the successor can vote.
      const waiting = this.#pendingCount === candidates.length && this.#pendingCount <= WINDOW;
      if (!final && waiting) {
        if (candidates.length === 1) {
          this.#pending.delete(next);
          this.#solo = candidates[0];
        }
        return;
      }
      this.#pending.delete(next);
      this.#pendingCount -= candidates.length;
      // A record continuing a rival branch is not a candidate for the main line. (The usual
      // case, one record linking to the tip, keeps its array: no new one per record.)
      if (candidates.length !== 1 || candidates[0]?.facts.prev !== this.#tip) {
        candidates = candidates.filter(
          (c) => c.facts.prev === this.#tip || !this.#extendRival(c.facts),
        );
      }
      const best = this.#choose(candidates, this.#pending.get(next + 1));
      if (best === undefined) continue;
      for (const other of candidates) {
        if (other === best) continue;
        if (other.facts.hash === best.facts.hash) {
          this.#fault(next, 'inserted', `duplicate of seq ${next}`);
        } else {
          this.#offTrack(other.facts);
        }
      }
      this.#commit(best, this.#pending.get(next + 1));
    }
  }

  /** Of several records for one seq, the one the chain continues from. */
  #choose(candidates: readonly Entry[], after: readonly Entry[] | undefined): Entry | undefined {
    if (candidates.length <= 1) return candidates[0];
    const score = (e: Entry): number =>
      (this.#tip === undefined || e.facts.prev === this.#tip ? 4 : 0) +
      (after?.some((a) => a.facts.prev === e.facts.hash || a.facts.prev === e.facts.computed)
        ? 2
        : 0) +
      (hashOk(e.facts) ? 1 : 0);
    // Among equals, the copy stored in order (not ahead of its place) is the original:
    // the earliest of those stored after everything committed, else the latest.
    const inOrder = (e: Entry): boolean => e.arrival > this.#maxCommittedArrival;
    const better = (a: Entry, b: Entry): boolean => {
      const [sa, sb] = [score(a), score(b)];
      if (sa !== sb) return sa > sb;
      if (inOrder(a) !== inOrder(b)) return inOrder(a);
      return inOrder(a) ? a.arrival < b.arrival : a.arrival > b.arrival;
    };
    let best = candidates[0] as Entry;
    for (const e of candidates) if (better(e, best)) best = e;
    return best;
  }

  #commit(entry: Entry, after: readonly Entry[] | undefined): void {
    const f = entry.facts;
    const ok = hashOk(f);
    // With a bad hash, the successor's prev tells whether the stored hash field is what
    // was changed (then the recomputed one is the original).
    let effective = f.hash;
    if (!ok && f.computed !== undefined) {
      const successorSaysComputed = after?.some((a) => a.facts.prev === f.computed) ?? false;
      if (successorSaysComputed || !HASH_RE.test(f.hash)) effective = f.computed;
    }

    if (!ok || f.body === 'mismatch' || f.problem || entry.note) this.#modified(entry, ok);

    if (this.#tip !== undefined && f.prev !== this.#tip && ok && this.#tipHashOk) {
      this.#rehashedSinceAgreed = true;
      if (this.#last < 0) this.#fault(f.seq, 'modified', 'prev of the first record is not genesis');
      else {
        this.#fault(
          this.#last,
          'modified',
          `the hash of seq ${this.#last} is not the prev of seq ${f.seq}: one of them was changed and re-hashed`,
        );
      }
    }

    if (entry.arrival < this.#maxCommittedArrival) {
      if (!this.#inDisorder) {
        this.#fault(
          this.#maxArrivalSeq,
          'reordered',
          `seq ${f.seq} is stored before seq ${this.#maxArrivalSeq}`,
        );
        this.#inDisorder = true;
      }
    } else {
      this.#inDisorder = false;
      this.#maxCommittedArrival = entry.arrival;
      this.#maxArrivalSeq = f.seq;
    }

    const valid = decodeHash(effective, this.#hashBytes);
    if (!this.#treeBroken) {
      if (valid) this.#tree.pushLeafData(this.#hashBytes);
      else this.#treeBroken = true;
    }
    const slot = f.seq % RING;
    this.#ringSeq[slot] = valid ? f.seq : -1;
    if (valid) this.#hashBytes.copy(this.#ringHash, slot * 32);
    this.#tip = effective;
    this.#tipHashOk = ok;
    this.#last = f.seq;
    if (f.body === 'absent') this.#bodyless.add(f.seq);
    // Only a signed purge record vouches for removed bodies (see #settlePurges).
    if (ok && f.purges && f.seq < this.#signedSize) {
      for (const [from, to] of f.purges) this.#purges.push({ from, to, by: f.seq });
    }
    this.#checkCheckpoints();
  }

  /** Reports what is wrong with a committed record (kept out of #commit: no array per
   * record). */
  #modified(entry: Entry, ok: boolean): void {
    const f = entry.facts;
    const problems: string[] = [];
    if (!ok) problems.push('the envelope does not match its hash');
    if (f.body === 'mismatch') problems.push('the body does not match body_hash');
    if (f.problem) problems.push(f.problem);
    if (entry.note) problems.push(entry.note);
    this.#fault(f.seq, 'modified', problems.join('; '));
  }

  #checkCheckpoints(): void {
    const present = this.#last + 1;
    for (let c = this.#checkpoints[this.#nextCheckpoint]; c && c.size <= present; ) {
      if (!this.#treeBroken && c.size === this.#tree.size) {
        if (this.#tree.rootHex() === c.root) {
          this.#agreedSize = c.size;
          this.#agreedCheckpoints++;
          this.#rehashedSinceAgreed = false;
        } else if (!this.#diverged) {
          this.#diverged = true;
          if (!this.#rehashedSinceAgreed) {
            this.#fault(
              this.#agreedSize,
              'forked',
              `${seqs(this.#agreedSize, c.size - 1)} do not match the signed checkpoint at size ${c.size}: the chain was rewritten from seq ${this.#agreedSize} on`,
            );
          }
        }
      }
      c = this.#checkpoints[++this.#nextCheckpoint];
    }
  }

  /** Seqs from..to never came: the chain resumes after them without a link to check. */
  #missing(from: number, to: number): void {
    if (!this.#allMalformed(from, to)) this.#fault(from, 'deleted', `${seqs(from, to)} missing`);
    this.#treeBroken = true;
    this.#tip = undefined;
    this.#tipHashOk = false;
    this.#last = to;
  }

  /** Whether every seq of from..to was a malformed line (reported as such already). */
  #allMalformed(from: number, to: number): boolean {
    let explained = 0;
    for (const seq of this.#malformedSeqs) if (seq >= from && seq <= to) explained++;
    return explained === to - from + 1;
  }

  /** A record for a seq already committed. */
  #behind(f: RecordFacts): void {
    const own = this.#ringAt(f.seq);
    if (own === undefined) {
      this.#fault(f.seq, 'inserted', `record for seq ${f.seq}, long after the chain passed it`);
    } else if (own === f.hash) {
      this.#fault(f.seq, 'inserted', `duplicate of seq ${f.seq}`);
    } else if ((f.seq === 0 ? GENESIS_PREV : this.#ringAt(f.seq - 1)) === f.prev) {
      this.#offTrack(f);
    } else {
      this.#fault(
        f.seq,
        'inserted',
        `record for seq ${f.seq} that does not link to seq ${f.seq - 1}`,
      );
    }
  }

  #ringAt(seq: number): string | undefined {
    const slot = seq % RING;
    if (this.#ringSeq[slot] !== seq) return undefined;
    return this.#ringHash.toString('hex', slot * 32, slot * 32 + 32);
  }

  /** Continues a rival branch if `f` follows one; the second record of a branch makes it a
   * fork. */
  #extendRival(f: RecordFacts): boolean {
    if (this.#rivals.size === 0) return false;
    const rival = this.#rivals.get(f.prev);
    if (!rival || f.seq !== rival.last + 1) return false;
    this.#rivals.delete(f.prev);
    rival.last = f.seq;
    this.#rivals.set(f.hash, rival);
    if (!rival.forked) {
      rival.forked = true;
      this.#fault(
        rival.start,
        'forked',
        `two records claim seq ${rival.start}, each with its own successor`,
      );
    }
    return true;
  }

  /** A record that lost its seq to another: a rival until a successor makes it a fork. */
  #offTrack(f: RecordFacts): void {
    if (this.#extendRival(f)) return;
    this.#rivals.set(f.hash, { start: f.seq, last: f.seq, forked: false });
    if (this.#rivals.size > MAX_RIVALS) {
      const [oldestKey, oldest] = this.#rivals.entries().next().value as [string, Rival];
      this.#rivals.delete(oldestKey);
      this.#rivalEnded(oldest);
    }
  }

  #rivalEnded(rival: Rival): void {
    if (!rival.forked) {
      this.#fault(
        rival.start,
        'inserted',
        `extra record for seq ${rival.start} that the chain does not continue from`,
      );
    }
  }

  /** Body-less seqs are purged when a purge record names them, otherwise a fault. Only purge
   * records under a checkpoint that agreed count: anyone can append a well-linked record
   * after the signed tail, and one naming a signed record's body would hide its removal. */
  #settlePurges(): PurgedRange[] {
    const purged: PurgedRange[] = [];
    const signed = this.#purges.filter((p) => p.by < this.#agreedSize);
    for (const run of this.#bodyless.runs) {
      const { covered, uncovered } = splitByCover(run, signed);
      for (const c of covered) {
        const last = purged[purged.length - 1];
        if (last && last.by === c.by && last.to + 1 === c.from) {
          purged[purged.length - 1] = { ...last, to: c.to };
        } else if (purged.length < MAX_LISTED) {
          purged.push({ chain: this.chain, ...c });
        }
      }
      for (const [from, to] of uncovered) {
        this.#fault(
          from,
          'unlogged_purge',
          `body of ${seqs(from, to)} removed without a signed purge record`,
        );
      }
    }
    return purged;
  }

  #fault(seq: number, kind: Parameters<FaultLog['add']>[2], detail: string): void {
    this.#faults.add(this.chain, seq, kind, detail);
  }
}
