import * as z from 'zod';
import { type Match, regexMatches, textDetector } from '../detector.ts';

/** Parameters of the `regex` detector; the pattern is compiled at load time. */
export const regexParams = z
  .strictObject({
    /** ECMAScript regular expression source. */
    pattern: z.string().min(1),
    /** Flags besides `g` (always set): any of `i`, `m`, `s`, `u`. */
    flags: z
      .string()
      .regex(/^(?!.*(.).*\1)[imsu]*$/, 'only i, m, s and u, each at most once')
      .default(''),
    /** Entity name reported, e.g. `EMPLOYEE_ID`. */
    entity: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'UPPER_SNAKE_CASE')
      .default('CUSTOM'),
  })
  .transform((p, ctx) => {
    try {
      return { ...p, re: new RegExp(p.pattern, `${p.flags}g`) };
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `invalid regular expression: ${(e as Error).message}`,
      });
      return z.NEVER;
    }
  });
export type RegexParams = z.infer<typeof regexParams>;

/** Reports every non-empty match of the rule's regular expression. */
export const detectRegex = (text: string, params: RegexParams): Match[] =>
  regexMatches(text, params.re, params.entity);

/** Registry entry of the `regex` detector. */
export const regex = textDetector({
  id: 'regex',
  target: 'text',
  params: regexParams,
  redacts: true,
  detect: detectRegex,
});
