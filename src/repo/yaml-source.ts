/** YAML documents with positions, through the `yaml` package's syntax tree. */
import { Composer, LineCounter, Parser, isMap, isScalar, isSeq, visit as visitYaml, type CST, type Document, type Node as YamlNode } from 'yaml';
import type { JsonValue, Position } from '../model/documents.js';
import { childPointer } from '../model/json-pointer.js';
import { SourceSyntaxError, type ParsedSource } from './json-source.js';
import { MAX_NESTING } from './limits.js';
import { measureValue } from './value-shape.js';

export function parseYamlSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const doc = oneDocument(text, lineCounter, at);
  const positions = new Map<string, Position>();
  const root = doc.contents as YamlNode;
  positions.set('', root.range ? at(root.range[0]) : { line: 1, column: 1 });
  recordPositions(root, '', positions, at);
  return { value: plainValue(doc, at), positions };
}

type At = (offset: number) => Position;

/** The file's one YAML document, composed; a SourceSyntaxError for anything else (too deep, errors, none, several). */
function oneDocument(text: string, lineCounter: LineCounter, at: At): Document.Parsed {
  // The concrete syntax tree first (the yaml parser keeps its own stack, so any depth is safe
  // here): nesting beyond MAX_NESTING is refused before the composer and toJS, which recurse.
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const tooDeep = deepestCollectionBeyond(tokens, MAX_NESTING);
  if (tooDeep !== undefined) {
    throw new SourceSyntaxError(`mappings and sequences are nested more than ${MAX_NESTING} deep here: caac reads documents nested at most ${MAX_NESTING} deep (Graph's are under 10)`, at(tooDeep));
  }
  const docs = Array.from(new Composer({ uniqueKeys: false, strict: true }).compose(tokens));
  if (docs.length === 0) throw new SourceSyntaxError('the file is empty: expected one YAML document', { line: 1, column: 1 });
  for (const doc of docs) {
    const problem = doc.errors[0];
    if (problem) {
      const message = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new SourceSyntaxError(describeYamlError(problem.code, message), at(problem.pos[0]));
    }
  }
  if (docs.length > 1) {
    throw new SourceSyntaxError('the file holds more than one YAML document ("---"): put one document in each file', at(docs[1]!.range[0]));
  }
  const doc = docs[0]!;
  if (doc.contents === null) throw new SourceSyntaxError('the file is empty: expected one YAML document', { line: 1, column: 1 });
  return doc;
}

/** Where each key and item starts, by JSON pointer; a duplicate key is refused here. */
function recordPositions(node: unknown, pointer: string, positions: Map<string, Position>, at: At): void {
  if (isMap(node)) {
    // Keys as the document will hold them (1 and "1" are one key there): the yaml package's own
    // check (uniqueKeys) compares every key with every other, quadratic in a mapping's size.
    const seen = new Map<string, Position | undefined>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const child = childPointer(pointer, key);
      const keyNode = pair.key as YamlNode | null;
      const where = keyNode?.range ? at(keyNode.range[0]) : undefined;
      if (seen.has(key)) {
        const first = seen.get(key);
        throw new SourceSyntaxError(
          describeYamlError('DUPLICATE_KEY', `Map keys must be unique: "${key}" appears twice${first ? ` (first at line ${first.line})` : ''}`),
          where ?? first ?? { line: 1, column: 1 },
        );
      }
      seen.set(key, where);
      if (where) positions.set(child, where);
      recordPositions(pair.value, child, positions, at);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const child = childPointer(pointer, i);
      const itemNode = item as YamlNode | null;
      if (itemNode?.range) positions.set(child, at(itemNode.range[0]));
      recordPositions(item, child, positions, at);
    });
  }
}

/** The document as plain JSON values; aliases that cannot resolve, hold themselves or blow it up are refused. */
function plainValue(doc: Document.Parsed, at: At): JsonValue {
  // An alias (`*name`) can fail to resolve, expand too much, or hold itself: a finding, not a crash.
  let firstAlias: Position = { line: 1, column: 1 };
  visitYaml(doc, {
    Alias(_key, node) {
      if (node.range) firstAlias = at(node.range[0]);
      return visitYaml.BREAK;
    },
  });
  let value: JsonValue;
  try {
    // YAML 1.2 core schema: dates stay strings, so values match what Graph would receive as JSON.
    value = doc.toJS({ maxAliasCount: 100 }) as JsonValue;
  } catch (e) {
    throw new SourceSyntaxError(`${(e as Error).message}: caac reads plain values; write the value out instead of the alias`, firstAlias);
  }
  const shape = measureValue(value);
  if (shape.cycle) {
    throw new SourceSyntaxError('an alias (*name) refers to a node that contains it, so the document would be infinite: write the value out instead', firstAlias);
  }
  // Aliases can nest a document deeper, or multiply it, beyond what its text shows.
  if (shape.tooDeep) {
    throw new SourceSyntaxError(`with its aliases expanded, the document is nested more than ${MAX_NESTING} deep: write the values out instead of the aliases`, firstAlias);
  }
  if (shape.tooMany) {
    throw new SourceSyntaxError(
      `the document holds more than ${shape.limit.toLocaleString('en-US')} values (an alias counts each time it is used): caac reads documents the size of Graph's; write aliases out, or split the file`,
      firstAlias,
    );
  }
  return value;
}

function describeYamlError(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return `${message}: a reader keeps only one of them, so the other is silently lost; merge them`;
    case 'TAB_AS_INDENT':
      return `${message}: YAML indents with spaces only`;
    default:
      return message;
  }
}

/**
 * The offset of the first collection nested more than `limit` deep in the syntax tree, if any.
 * Iterative: this runs before anything that recurses.
 */
function deepestCollectionBeyond(tokens: readonly CST.Token[], limit: number): number | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push({ token: token.value, depth });
      continue;
    }
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) return token.offset;
      for (const item of token.items) {
        if ('key' in item) stack.push({ token: item.key, depth: depth + 1 });
        stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
