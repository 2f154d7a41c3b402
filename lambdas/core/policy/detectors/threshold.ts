import * as z from 'zod';
import { type BodyMatch, bodyDetector } from '../detector.ts';
import { valueAt } from '../paths.ts';

/** Parameters of the `threshold` detector: at least one bound. */
export const thresholdParams = z
  .strictObject({
    /** Body paths tried in order; the first holding a number is compared. */
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Fires when the value is below this bound. */
    below: z.number().optional(),
    /** Fires when the value is above this bound. */
    above: z.number().optional(),
  })
  .refine((p) => p.below !== undefined || p.above !== undefined, {
    message: 'set below or above',
    path: ['below'],
  });
export type ThresholdParams = z.infer<typeof thresholdParams>;

/** Reports a numeric body field outside its bounds ("confidence < 0.7 → human review").
 * A missing value is not a finding here; pair with `required-field` to demand one. */
export const checkThreshold = (body: unknown, params: ThresholdParams): BodyMatch[] => {
  const paths = typeof params.path === 'string' ? [params.path] : params.path;
  for (const path of paths) {
    const value = valueAt(body, path);
    if (typeof value !== 'number') continue;
    if (params.below !== undefined && value < params.below) {
      return [{ entity: 'THRESHOLD', field: path, note: `${path} ${value} < ${params.below}` }];
    }
    if (params.above !== undefined && value > params.above) {
      return [{ entity: 'THRESHOLD', field: path, note: `${path} ${value} > ${params.above}` }];
    }
    return [];
  }
  return [];
};

/** Registry entry of the `threshold` detector. */
export const threshold = bodyDetector({
  id: 'threshold',
  target: 'body',
  params: thresholdParams,
  check: checkThreshold,
});
