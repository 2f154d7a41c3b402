import * as z from 'zod';
import { type BodyMatch, bodyDetector } from '../detector.ts';
import { valueAt } from '../paths.ts';

/** Parameters of the `required-field` detector. */
export const requiredFieldParams = z.strictObject({
  /** Body path that must hold a non-empty value, e.g. `output.reason`. */
  path: z.string().min(1),
  /** Only when this condition holds, e.g. `{path: output.decision, in: [deny, denied]}`. */
  when: z
    .strictObject({
      path: z.string().min(1),
      /** Values (compared case-insensitively as strings) that make the field required. */
      in: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
    })
    .optional(),
});
export type RequiredFieldParams = z.infer<typeof requiredFieldParams>;

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0);

/** Reports a missing or empty field, optionally only when a condition on the body holds
 * ("a denial must carry a reason"). */
export const checkRequiredField = (body: unknown, params: RequiredFieldParams): BodyMatch[] => {
  if (params.when !== undefined) {
    const value = valueAt(body, params.when.path);
    const wanted = params.when.in.map((v) => String(v).toLowerCase());
    if (value === undefined || !wanted.includes(String(value).toLowerCase())) return [];
  }
  if (!isEmpty(valueAt(body, params.path))) return [];
  const because =
    params.when === undefined
      ? ''
      : ` when ${params.when.path} is ${String(valueAt(body, params.when.path))}`;
  return [
    { entity: 'MISSING_FIELD', field: params.path, note: `${params.path} is required${because}` },
  ];
};

/** Registry entry of the `required-field` detector. */
export const requiredField = bodyDetector({
  id: 'required-field',
  target: 'body',
  params: requiredFieldParams,
  check: checkRequiredField,
});
