/**
 * Turns the first ajv error on a plan file into "where: what was expected". A plan file is written
 * by caac, so a shape error means it was edited or damaged: one precise sentence serves the reader
 * better than every consequence of the same edit.
 */
import type { ErrorObject } from 'ajv';
import { childPointer } from '../model/json-pointer.js';

type Schema = Record<string, unknown>;

export interface PlanProblem {
  /** JSON pointer of the offending (or missing) value. */
  path: string;
  message: string;
}

/** Branch keywords only repeat the error of the branch that failed: the specific error says more. */
const UMBRELLAS = new Set(['if', 'allOf', 'anyOf', 'oneOf']);

export function describePlanError(errors: readonly ErrorObject[], root: Schema): PlanProblem {
  const error = errors.find((e) => !UMBRELLAS.has(e.keyword)) ?? errors[0];
  if (!error) return { path: '', message: 'does not match the plan schema' };
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Schema;
  switch (error.keyword) {
    case 'required': {
      const name = String(params['missingProperty']);
      const path = childPointer(error.instancePath, name);
      if (typeof parent['x-message'] === 'string') return { path, message: parent['x-message'] };
      const property = resolve((parent['properties'] as Record<string, Schema> | undefined)?.[name], root);
      return { path, message: `${expectation(property)}, found nothing` };
    }
    case 'additionalProperties':
      return {
        path: childPointer(error.instancePath, String(params['additionalProperty'])),
        message: 'unknown property: caac does not write it (was the plan file edited, or written by another caac version?): make the plan again',
      };
    case 'maxItems':
    case 'maxProperties':
      return { path: error.instancePath, message: `more entries than any plan caac writes (at most ${String(params['limit'])}): make the plan again` };
    default:
      return { path: error.instancePath, message: expectation(parent) };
  }
}

/** What a schema asks for, in words: its own x-message, or one made from its enum or type. */
function expectation(schema: Schema | undefined): string {
  if (!schema) return 'not valid';
  if (typeof schema['x-message'] === 'string') return schema['x-message'];
  if (Array.isArray(schema['enum'])) return `expected one of ${schema['enum'].join(', ')}`;
  if ('const' in schema) return `expected ${JSON.stringify(schema['const'])}`;
  switch (schema['type']) {
    case 'object':
      return 'expected an object';
    case 'array':
      return 'expected an array';
    case 'string':
      return 'expected a string';
    case 'integer':
      return 'expected a whole number';
    case 'boolean':
      return 'expected true or false';
    default:
      return 'not valid';
  }
}

/** The schema a `$ref` into the plan schema's definitions names (the plan schema uses no other refs). */
function resolve(schema: Schema | undefined, root: Schema): Schema | undefined {
  const ref = schema?.['$ref'];
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/definitions/', '');
  return (root['definitions'] as Record<string, Schema>)[name];
}
