import type { Locator, Position } from '../model/documents.js';
import { parentPointer } from '../model/json-pointer.js';
import { parseJsonSource, type ParsedSource } from './json-source.js';
import { parseYamlSource } from './yaml-source.js';

export type SourceFormat = 'json' | 'yaml';

export function formatOfFile(fileName: string): SourceFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

export function parseSource(text: string, format: SourceFormat): ParsedSource {
  return format === 'json' ? parseJsonSource(text) : parseYamlSource(text);
}

/** A locator over a parsed source: the pointer's own position, or its nearest ancestor's. */
export function locatorFor(positions: Map<string, Position>): Locator {
  return (pointer: string) => {
    let p: string | undefined = pointer;
    while (p !== undefined) {
      const hit = positions.get(p);
      if (hit) return hit;
      p = parentPointer(p);
    }
    return { line: 1, column: 1 };
  };
}
