/**
 * The one base of the product's errors. `code` is stable (snake_case, part of the
 * contract: logs, CLI reports and API bodies may carry it), unlike the message, which is
 * for people. `name` defaults to the subclass's name (classes keep an explicit `name` too,
 * since the Lambda bundles are minified).
 */
export abstract class AuditTrailError extends Error {
  /** Stable, machine-readable: never reworded once released. */
  abstract readonly code: string;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
