/**
 * The plan file: written by plan, read back by apply (and by the reports of a plan made in another
 * job). Reading checks the format version first (its own messages say which caac to use), then the
 * shape against schemas/plan.schema.json, with an error that names the file, where and what.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { ConfigurationError } from '../errors.js';
import { PLAN_FORMAT_VERSION, type Plan } from '../model/plan.js';
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import { describePlanError } from './plan-schema-errors.js';

/** Serializes a plan as the plan file holds it. */
export function writePlanFile(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}

let validatePlan: ValidateFunction | undefined;

/** Compiled on first use: only apply and the reports read plan files. */
function planValidator(): ValidateFunction {
  if (!validatePlan) {
    // allErrors off: one precise error, and a huge hostile array stops at the first bad entry.
    // verbose: errors carry their schema, whose x-message the description quotes.
    const ajv = new Ajv({ allErrors: false, strict: true, verbose: true });
    ajv.addKeyword({ keyword: 'x-message', schemaType: 'string' });
    validatePlan = ajv.compile(planSchema);
  }
  return validatePlan;
}

export function readPlanFile(text: string, file = 'plan file'): Plan {
  const fail = (path: string, message: string): never => {
    throw new ConfigurationError(`${file}: ${path ? `${path}: ` : ''}${message}`, { file, path });
  };
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return fail('', `not valid JSON (${(e as Error).message}): pass the file that caac plan --out wrote`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('', 'not a caac plan: expected a JSON object');
  const version = (data as Record<string, unknown>)['formatVersion'];
  if (typeof version !== 'number') return fail('/formatVersion', 'missing: this is not a caac plan file');
  if (version !== PLAN_FORMAT_VERSION) return fail('/formatVersion', versionMessage(version));
  const validate = planValidator();
  if (!validate(data)) {
    const problem = describePlanError(validate.errors ?? [], planSchema as Record<string, unknown>);
    return fail(problem.path, problem.message);
  }
  return data as Plan;
}

function versionMessage(version: number): string {
  if (version > PLAN_FORMAT_VERSION) {
    return `format version ${version} was written by a newer caac (this one reads version ${PLAN_FORMAT_VERSION}): use the same caac version for plan and apply`;
  }
  if (version === 1) {
    return `format version 1 records no digest of the documents the plan was made from, which apply checks now (this caac reads version ${PLAN_FORMAT_VERSION}): make the plan again with this caac (caac plan --out)`;
  }
  return `format version ${version} is no longer supported (this caac reads version ${PLAN_FORMAT_VERSION}): make the plan again`;
}
