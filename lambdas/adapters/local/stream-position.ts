import type { LogPort } from '#ports/log.ts';
import type { Wal } from './wal.ts';

export const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Persists the stream's committed position in the WAL. Calls that arrive while a write runs
 * share one more write after it, which reads the position afresh. A failed write is logged
 * and not retried: the position only lags, so more is replayed at the next open.
 */
export class CommittedPosition {
  readonly #wal: Wal;
  readonly #position: () => number;
  readonly #log: LogPort;
  #committing: Promise<void> | undefined;
  #again = false;

  constructor(wal: Wal, position: () => number, log: LogPort) {
    this.#wal = wal;
    this.#position = position;
    this.#log = log;
  }

  /** Resolves once a write that started after this call has ended. */
  commit(): Promise<void> {
    if (this.#committing !== undefined) {
      this.#again = true;
      return this.#committing;
    }
    this.#committing = this.#writeUntilCurrent().finally(() => {
      this.#committing = undefined;
    });
    return this.#committing;
  }

  async #writeUntilCurrent(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#wal.commit(this.#position());
      } catch (error) {
        this.#log.error('stream: could not persist the committed position', {
          error: errorText(error),
        });
      }
    } while (this.#again);
  }
}
