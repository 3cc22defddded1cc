/**
 * The JSON Schemas shipped in schemas/ (editors read them through `$schema`), compiled once.
 * They are imported as JSON so that ncc bundles them into dist/.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DocumentKind } from '../model/documents.js';
import policySchema from '../../schemas/policy.schema.json' with { type: 'json' };
import namedLocationSchema from '../../schemas/named-location.schema.json' with { type: 'json' };
import authenticationStrengthSchema from '../../schemas/authentication-strength.schema.json' with { type: 'json' };
import settingsSchema from '../../schemas/settings.schema.json' with { type: 'json' };
import type { SchemaNode } from './schema-walk.js';

export const DOCUMENT_SCHEMAS: Record<DocumentKind, SchemaNode> = {
  policy: policySchema as unknown as SchemaNode,
  namedLocation: namedLocationSchema as unknown as SchemaNode,
  authenticationStrength: authenticationStrengthSchema as unknown as SchemaNode,
};

export const SETTINGS_SCHEMA = settingsSchema as unknown as SchemaNode;

let ajv: Ajv | undefined;
const compiled = new Map<SchemaNode, ValidateFunction>();

/** Compiles a schema on first use: compiling costs more than validating a whole repository. */
function validatorFor(schema: SchemaNode): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    if (!ajv) {
      // verbose: errors then carry the offending value (data) and its schema (parentSchema), which the messages quote.
      ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
      // Our annotation for flags enums (comma-separated strings): read by the preparation step.
      ajv.addKeyword({ keyword: 'x-flags', schemaType: 'array' });
    }
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

export function checkDocumentSchema(kind: DocumentKind, value: unknown): ErrorObject[] {
  const validate = validatorFor(DOCUMENT_SCHEMAS[kind]);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

export function checkSettingsSchema(value: unknown): ErrorObject[] {
  const validate = validatorFor(SETTINGS_SCHEMA);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
