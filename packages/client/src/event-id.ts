import { randomBytes } from 'node:crypto';

/**
 * Ids for events the app gave none, shaped like a UUID v4: 72 random bits drawn once per
 * client, then a 48-bit counter. Unique across clients and restarts like random ids, and
 * a call costs a counter increment instead of a read of the OS's randomness.
 */
export class EventIds {
  readonly #prefix: string;
  #next = 0;

  constructor() {
    const hex = randomBytes(10).toString('hex');
    const variant = '89ab'[Number.parseInt(hex[18] as string, 16) & 3] as string;
    this.#prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${variant}${hex.slice(15, 18)}-`;
  }

  next(): string {
    return this.#prefix + (this.#next++).toString(16).padStart(12, '0');
  }
}
