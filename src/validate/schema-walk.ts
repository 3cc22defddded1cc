/**
 * Just enough of a JSON Schema reader to walk a document alongside its schema: the validator asks
 * what the schema says of each property (read-only? deprecated? an enum? flags?) without
 * re-implementing validation, which ajv does.
 */

export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  enum?: unknown[];
  'x-flags'?: string[];
  readOnly?: boolean;
  deprecated?: boolean;
  description?: string;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  then?: SchemaNode;
  else?: SchemaNode;
  definitions?: Record<string, SchemaNode>;
  [key: string]: unknown;
}

/** Follows local `$ref`s (`#/definitions/name`), merging the referring node's own keywords. */
export function resolveSchema(node: SchemaNode | boolean, root: SchemaNode): SchemaNode {
  // Boolean schemas (`true` / `false`) say nothing about properties.
  if (typeof node !== 'object' || node === null) return {};
  let current = node;
  for (let depth = 0; current.$ref && depth < 20; depth++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) break;
    let target: unknown = root;
    for (const seg of ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[seg];
    if (!target || typeof target !== 'object') break;
    const { $ref: _ignored, ...own } = current;
    current = { ...(target as SchemaNode), ...own };
  }
  return current;
}

/** The branches of a node in which a property or item may be declared. */
function branches(node: SchemaNode): SchemaNode[] {
  return [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.then ? [node.then] : []), ...(node.else ? [node.else] : [])];
}

/** The schema of property `key` of an object described by `node`, or undefined when not declared. */
export function propertySchema(node: SchemaNode, key: string, root: SchemaNode): SchemaNode | undefined {
  const resolved = resolveSchema(node, root);
  const own = resolved.properties?.[key];
  if (own) return resolveSchema(own, root);
  for (const branch of branches(resolved)) {
    const found = propertySchema(branch, key, root);
    if (found) return found;
  }
  return undefined;
}

/** The schema of the items of an array described by `node`. */
export function itemsSchema(node: SchemaNode, root: SchemaNode): SchemaNode | undefined {
  const resolved = resolveSchema(node, root);
  if (resolved.items) return resolveSchema(resolved.items, root);
  for (const branch of branches(resolved)) {
    const found = itemsSchema(branch, root);
    if (found) return found;
  }
  return undefined;
}

/** Enum values (strings) a node allows, looking through nullable branches. */
export function enumValues(node: SchemaNode, root: SchemaNode): string[] | undefined {
  const resolved = resolveSchema(node, root);
  if (resolved.enum) return resolved.enum.filter((v): v is string => typeof v === 'string');
  for (const branch of branches(resolved)) {
    const found = enumValues(branch, root);
    if (found) return found;
  }
  return undefined;
}

export function flagValues(node: SchemaNode, root: SchemaNode): string[] | undefined {
  const resolved = resolveSchema(node, root);
  if (resolved['x-flags']) return resolved['x-flags'];
  for (const branch of branches(resolved)) {
    const found = flagValues(branch, root);
    if (found) return found;
  }
  return undefined;
}

/** Property names declared by a node (for "did you mean" hints). */
export function declaredProperties(node: SchemaNode, root: SchemaNode): string[] {
  const resolved = resolveSchema(node, root);
  const names = new Set(Object.keys(resolved.properties ?? {}));
  for (const branch of branches(resolved)) for (const n of declaredProperties(branch, root)) names.add(n);
  return [...names];
}
