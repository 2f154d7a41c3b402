/**
 * The client's bounded in-memory buffer: events waiting to be sent, oldest first, in a ring
 * allocated once. Full policy: drop-oldest. A new event always gets in; the oldest waiting
 * one is dropped and counted, so a long outage keeps the most recent `capacity` events.
 *
 * Logging must cost the app next to nothing, so a slot holds the app's object as given and
 * the event is serialised only when its batch is taken (`take`), in the background.
 */
export interface QueuedEvent {
  readonly id: string;
  /** The event as compact JSON, serialised when its batch was taken. */
  readonly json: string;
}

/** Which member carries an id the client generated (it is not in the app's object). */
export const IdMember = {
  /** The object holds its own id. */
  None: 0,
  EventId: 1,
  DecisionId: 2,
} as const;
export type IdMember = (typeof IdMember)[keyof typeof IdMember];

/** Turns a waiting event into JSON; undefined when it cannot be (the callee reports it). */
export type Serialise = (id: string, event: object, idMember: IdMember) => string | undefined;

/** Flag bit: the slot holds the event's JSON instead of the app's object. */
const SERIALISED = 4;
const ID_MEMBER = 3;

export class EventQueue {
  /** Ring slots: they grow by doubling up to `capacity`, so a large bound costs nothing
   * until it is used. */
  #ids: (string | undefined)[];
  /** The app's object, or its JSON once serialised (a batch that did not fit its bytes). */
  #events: (object | string | undefined)[];
  #flags: Uint8Array;
  #head = 0;
  #length = 0;
  #dropped = 0;

  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    const slots = Math.min(capacity, 1024);
    this.#ids = new Array<string | undefined>(slots).fill(undefined);
    this.#events = new Array<object | undefined>(slots).fill(undefined);
    this.#flags = new Uint8Array(slots);
  }

  get length(): number {
    return this.#length;
  }

  /** Events dropped because the buffer was full (drop-oldest). */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Adds an event (its id in the object, or generated and added as `idMember`);
   * answers the id of the one dropped to make room, if any. `reserved` counts events taken
   * out but not yet acknowledged (in flight), which share the capacity.
   */
  push(id: string, event: object, idMember: IdMember, reserved = 0): string | undefined {
    let dropped: string | undefined;
    if (this.#length + reserved >= this.capacity) {
      this.#dropped++;
      if (this.#length === 0) return id;
      dropped = this.#ids[this.#head];
      this.#clear(this.#head);
      this.#head = (this.#head + 1) % this.#ids.length;
      this.#length--;
    }
    if (this.#length === this.#ids.length) this.#grow();
    const slot = (this.#head + this.#length) % this.#ids.length;
    this.#ids[slot] = id;
    this.#events[slot] = event;
    this.#flags[slot] = idMember;
    this.#length++;
    return dropped;
  }

  /**
   * Takes up to `count` events whose JSON adds up to at most `maxBytes` (at least one),
   * serialising each with `serialise`; events it cannot serialise are left out.
   */
  take(count: number, maxBytes: number, serialise: Serialise): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    let bytes = 0;
    while (out.length < count && this.#length > 0) {
      const slot = this.#head;
      const id = this.#ids[slot] as string;
      const held = this.#events[slot] as object | string;
      const flags = this.#flags[slot] ?? 0;
      const json =
        flags & SERIALISED
          ? (held as string)
          : serialise(id, held as object, (flags & ID_MEMBER) as IdMember);
      if (json !== undefined) {
        bytes += json.length + 1;
        if (out.length > 0 && bytes > maxBytes) {
          // Kept for the next batch, already serialised.
          this.#events[slot] = json;
          this.#flags[slot] = flags | SERIALISED;
          break;
        }
        out.push({ id, json });
      }
      this.#clear(slot);
      this.#head = (slot + 1) % this.#ids.length;
      this.#length--;
    }
    return out;
  }

  /** Doubles the ring (up to capacity), oldest event first at slot 0. */
  #grow(): void {
    const slots = Math.min(this.capacity, this.#ids.length * 2);
    const ids = new Array<string | undefined>(slots).fill(undefined);
    const events = new Array<object | string | undefined>(slots).fill(undefined);
    const flags = new Uint8Array(slots);
    for (let i = 0; i < this.#length; i++) {
      const from = (this.#head + i) % this.#ids.length;
      ids[i] = this.#ids[from];
      events[i] = this.#events[from];
      flags[i] = this.#flags[from] ?? 0;
    }
    this.#ids = ids;
    this.#events = events;
    this.#flags = flags;
    this.#head = 0;
  }

  #clear(slot: number): void {
    this.#ids[slot] = undefined;
    this.#events[slot] = undefined;
  }
}
