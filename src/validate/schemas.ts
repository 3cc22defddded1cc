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

let compiled: { documents: Record<DocumentKind, ValidateFunction>; settings: ValidateFunction } | undefined;

function validators() {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    // Our annotation for flags enums (comma-separated strings): read by the preparation step.
    ajv.addKeyword({ keyword: 'x-flags', schemaType: 'array' });
    compiled = {
      documents: {
        policy: ajv.compile(DOCUMENT_SCHEMAS.policy),
        namedLocation: ajv.compile(DOCUMENT_SCHEMAS.namedLocation),
        authenticationStrength: ajv.compile(DOCUMENT_SCHEMAS.authenticationStrength),
      },
      settings: ajv.compile(SETTINGS_SCHEMA),
    };
  }
  return compiled;
}

export function checkDocumentSchema(kind: DocumentKind, value: unknown): ErrorObject[] {
  const validate = validators().documents[kind];
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

export function checkSettingsSchema(value: unknown): ErrorObject[] {
  const validate = validators().settings;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
