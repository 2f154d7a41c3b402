import type { IndexPage, IndexQuery } from '#ports/record-search.ts';
import type { FrameHeader } from './ledger-frame.ts';
import { SearchIndex } from './search-index.ts';

interface WaitingFrame {
  readonly chain: string;
  /** Seq of the frame's first record. */
  readonly first: number;
  readonly header: FrameHeader;
}

/**
 * The ledger's search index and the frames not in it yet, in file order. The index is built
 * in the background after open (start-up waits only for the chains), and a search first
 * indexes what is left, so it always sees every durable record.
 */
export class SearchBacklog {
  readonly #index = new SearchIndex();
  readonly #waiting: WaitingFrame[] = [];
  #indexing: Promise<void> | undefined;
  #stopped = false;

  /** Queues a durable frame's search terms (frames without terms are skipped). */
  add(chain: string, first: number, header: FrameHeader): void {
    if (header.t !== undefined) this.#waiting.push({ chain, first, header });
  }

  /** Indexes what is waiting, yielding to the event loop every 32 frames. */
  catchUp(): Promise<void> {
    this.#indexing ??= this.#indexWaiting().finally(() => {
      this.#indexing = undefined;
    });
    return this.#indexing;
  }

  async search(query: IndexQuery): Promise<IndexPage> {
    while (this.#waiting.length > 0) await this.catchUp();
    return this.#index.search(query);
  }

  /** Stops indexing (the ledger is closing) and waits for the running step. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#indexing;
  }

  async #indexWaiting(): Promise<void> {
    for (let n = 1; this.#waiting.length > 0 && !this.#stopped; n++) {
      const { chain, first, header } = this.#waiting.shift() as WaitingFrame;
      const terms = header.td ?? [];
      header.t?.forEach((positions, i) => {
        this.#index.add(chain, first + i, header.ms?.[i] ?? 0, positions, terms);
      });
      if (n % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
