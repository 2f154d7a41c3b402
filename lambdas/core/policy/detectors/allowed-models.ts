import * as z from 'zod';
import { type BodyMatch, bodyDetector } from '../detector.ts';
import { escapeRegExp, valueAt } from '../paths.ts';

const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`, 'i');

/** Parameters of the `allowed-models` detector; the names are compiled at load time. */
export const allowedModelsParams = z
  .strictObject({
    /** Allowed model names; `*` matches any run of characters (`gpt-4*`). */
    models: z.array(z.string().min(1)).min(1),
    /** Body paths tried in order for the model name. */
    paths: z.array(z.string().min(1)).min(1).default(['model.name', 'model', 'metadata.model']),
    /** Whether an event naming no model is a finding. */
    require_model: z.boolean().default(false),
  })
  .transform((p) => ({ ...p, patterns: p.models.map(globToRegExp) }));
export type AllowedModelsParams = z.infer<typeof allowedModelsParams>;

/** Reports a model that is not on the allowed list. */
export const checkAllowedModels = (body: unknown, params: AllowedModelsParams): BodyMatch[] => {
  for (const path of params.paths) {
    const model = valueAt(body, path);
    if (typeof model !== 'string') continue;
    if (params.patterns.some((re) => re.test(model))) return [];
    return [{ entity: 'DISALLOWED_MODEL', field: path, note: `model ${model} is not allowed` }];
  }
  return params.require_model
    ? [{ entity: 'DISALLOWED_MODEL', field: params.paths[0] ?? 'model', note: 'no model named' }]
    : [];
};

/** Registry entry of the `allowed-models` detector. */
export const allowedModels = bodyDetector({
  id: 'allowed-models',
  target: 'body',
  params: allowedModelsParams,
  check: checkAllowedModels,
});
