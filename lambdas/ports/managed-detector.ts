import type { ManagedDetectorId } from '#core/policy/detectors/registry.ts';

/** A managed detector's finding: a span where the service gives one, else the whole text. */
export interface ManagedMatch {
  readonly entity: string;
  readonly start?: number;
  readonly end?: number;
  readonly score?: number;
}

/** Which side of the model a text is on, for services that treat them differently. */
export type Direction = 'input' | 'output';

/**
 * A detector backed by a managed service (Amazon Comprehend, Bedrock Guardrails), injected
 * by the deployment. Its parameters come from the rule, already validated.
 */
export interface ManagedDetector {
  detect(
    text: string,
    params: Readonly<Record<string, unknown>>,
    direction: Direction,
  ): Promise<readonly ManagedMatch[]>;
}

/** The managed detectors a deployment provides, by id. */
export type ManagedDetectors = Readonly<Partial<Record<ManagedDetectorId, ManagedDetector>>>;
