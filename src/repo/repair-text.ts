/**
 * Applies repairs to a file's text in the file's own format, touching only the repaired spots:
 * JSON through jsonc-parser's `modify` (the rest of the text, its indentation and key order, is
 * kept byte for byte), YAML through the `yaml` package's Document API (comments kept; line endings
 * restored as the file had them).
 */
import { applyEdits, modify, type FormattingOptions } from 'jsonc-parser';
import { isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { JsonValue } from '../model/documents.js';
import type { Repair } from '../model/repair.js';
import type { SourceFormat } from './parse-source.js';

export function applyRepairsToText(text: string, format: SourceFormat, repairs: readonly Repair[]): string {
  return format === 'json' ? applyJsonRepairs(text, repairs) : applyYamlRepairs(text, repairs);
}

function applyJsonRepairs(text: string, repairs: readonly Repair[]): string {
  const formattingOptions = jsonFormatting(text);
  let out = text;
  for (const repair of repairs) {
    const value = repair.edit.op === 'remove' ? undefined : repair.edit.value;
    out = applyEdits(out, modify(out, repair.segments, value, { formattingOptions }));
  }
  return out;
}

/** The file's own indentation and line ending, so an inserted value looks like its neighbours. */
export function jsonFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indents = [...text.matchAll(/\n([ \t]+)["}\]]/g)].map((m) => m[1]!);
  // The way most lines are indented: one stray tab among spaces (the Azure samples have one) is not the file's style.
  const tabbed = indents.filter((i) => i.startsWith('\t')).length;
  if (tabbed > indents.length - tabbed) return { insertSpaces: false, tabSize: 1, eol };
  const widths = indents.filter((i) => /^ +$/.test(i)).map((i) => i.length);
  return { insertSpaces: true, tabSize: widths.length ? Math.min(...widths) : 2, eol };
}

function applyYamlRepairs(text: string, repairs: readonly Repair[]): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  for (const repair of repairs) {
    if (repair.edit.op === 'remove') doc.deleteIn(repair.segments);
    else replaceYaml(doc, repair.segments, repair.edit.value);
  }
  const out = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return text.includes('\r\n') ? out.replace(/\r?\n/g, '\r\n') : out;
}

/** Replaces a value in place where it can (a scalar keeps its quoting, a list its flow or block style). */
function replaceYaml(doc: Document, segments: (string | number)[], value: JsonValue): void {
  const node = doc.getIn(segments, true);
  if (isScalar(node) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    node.value = value;
    return;
  }
  if (isSeq(node) && Array.isArray(value)) {
    node.items = value.map((v) => doc.createNode(v));
    return;
  }
  doc.setIn(segments, value);
}
