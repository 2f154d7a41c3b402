import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { ClockPort } from '#ports/clock.ts';

/**
 * Whether the processor stops retrying an envelope that fails on its own (its batch's other
 * records went through, or it was alone) and writes it as a `rejected` record with its raw
 * bytes quarantined, so its chain moves on. Asked only after the envelope failed again in
 * isolation; answering `false` leaves it `failed`, to be redelivered.
 */
export type GiveUp = (envelope: IntakeEnvelope) => boolean;

/**
 * Gives up on an envelope once it has been failing for `seconds` since the API accepted it
 * (`received_at`). The stream redelivers a failing record many times in that window (the
 * event source mapping's retry budget), so a transient fault (throttling, a managed detector
 * briefly down) is retried and a poison record (a detector that always throws, a body no
 * store takes) is bounded. Must be well below the stream's maximum record age, or the event
 * source mapping gives up first and only the failure-queue consumer can recover it.
 */
export const giveUpAfter =
  (seconds: number, clock: ClockPort): GiveUp =>
  (envelope) => {
    const received = Date.parse(envelope.received_at);
    // An unreadable intake time cannot be aged: it is given up on at once rather than never.
    return Number.isNaN(received) || clock.now().getTime() - received >= seconds * 1000;
  };

/** The failure-queue consumer's answer: the stream already gave up, so the processor must. */
export const alwaysGiveUp: GiveUp = () => true;
