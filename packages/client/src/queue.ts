/**
 * The client's bounded in-memory buffer: serialised events waiting to be sent, oldest
 * first. Full policy: drop-oldest. A new event always gets in; the oldest waiting one is
 * dropped and counted, so a long outage keeps the most recent `capacity` events.
 */
export interface QueuedEvent {
  readonly id: string;
  /** The event as compact JSON, serialised when it was logged. */
  readonly json: string;
}

export class EventQueue {
  #items: (QueuedEvent | undefined)[] = [];
  #head = 0;
  #dropped = 0;

  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Events dropped because the buffer was full (drop-oldest). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Adds an event; answers the one dropped to make room, if any. `reserved` counts
   * events taken out but not yet acknowledged (in flight), which share the capacity. */
  push(event: QueuedEvent, reserved = 0): QueuedEvent | undefined {
    let dropped: QueuedEvent | undefined;
    if (this.length + reserved >= this.capacity) {
      dropped = this.length > 0 ? this.#shift() : event;
      this.#dropped++;
      if (dropped === event) return dropped;
    }
    this.#items.push(event);
    return dropped;
  }

  /** Puts events back at the front (a batch that must be retried later). */
  unshift(events: readonly QueuedEvent[]): void {
    this.#compact();
    this.#items.unshift(...events);
  }

  /** Takes up to `count` events whose JSON adds up to at most `maxBytes` (at least one). */
  take(count: number, maxBytes: number): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    let bytes = 0;
    while (out.length < count && this.length > 0) {
      const next = this.#items[this.#head] as QueuedEvent;
      bytes += next.json.length + 1;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(next);
      this.#shift();
    }
    this.#compact();
    return out;
  }

  #shift(): QueuedEvent {
    const item = this.#items[this.#head] as QueuedEvent;
    this.#items[this.#head] = undefined;
    this.#head++;
    return item;
  }

  /** Drops the consumed front of the array once it is more than half of it. */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    } else if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    }
  }
}
