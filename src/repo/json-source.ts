/**
 * A strict JSON parser that remembers where every value is, so that findings name a line and a
 * column. Written here rather than taken from a library for the messages: a trailing comma or a
 * duplicate key (which JSON.parse silently resolves by keeping the last one, dropping an
 * exclusion without a word) gets a sentence that says what to change.
 */
import type { JsonValue, Position } from '../model/documents.js';
import { childPointer } from '../model/json-pointer.js';
import { MAX_NESTING } from './limits.js';
import { LineIndex } from './text-positions.js';

export interface ParsedSource {
  value: JsonValue;
  /** JSON pointer → position of the property's key (object members) or of the value (array items). */
  positions: Map<string, Position>;
}

export class SourceSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message);
    this.name = 'SourceSyntaxError';
  }
}

export function parseJsonSource(text: string): ParsedSource {
  return new JsonParser(text).parseDocument();
}

class JsonParser {
  private pos = 0;
  private readonly lines: LineIndex;
  readonly positions = new Map<string, Position>();

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  parseDocument(): ParsedSource {
    this.skipWhitespace();
    if (this.pos >= this.text.length) throw this.error('the file is empty: expected one JSON document');
    this.positions.set('', this.lines.positionOf(this.pos));
    const value = this.parseValue('', 0);
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      throw this.error(`unexpected ${this.describeHere()} after the end of the JSON document: a file holds one document`);
    }
    return { value, positions: this.positions };
  }

  /** `depth`: the objects and arrays around this value; the parser recurses, so it stops at MAX_NESTING. */
  private parseValue(pointer: string, depth: number): JsonValue {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if ((c === '{' || c === '[') && depth >= MAX_NESTING) {
      throw this.error(`objects and arrays are nested more than ${MAX_NESTING} deep here: caac reads documents nested at most ${MAX_NESTING} deep (Graph's are under 10)`);
    }
    switch (c) {
      case '{':
        return this.parseObject(pointer, depth + 1);
      case '[':
        return this.parseArray(pointer, depth + 1);
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
        if (c === undefined) throw this.error('unexpected end of file: a value is missing');
        if (c === "'") throw this.error('strings in JSON take double quotes ("), not single quotes');
        throw this.error(`unexpected ${this.describeHere()}: expected a value (object, array, string, number, true, false or null)`);
    }
  }

  private parseObject(pointer: string, depth: number): JsonValue {
    const open = this.pos;
    this.pos++; // {
    const result: { [key: string]: JsonValue } = {};
    const seen = new Map<string, Position>();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === '}') throw this.error('trailing comma before "}": JSON does not allow it; remove the comma', this.lastCommaBefore(this.pos));
      if (c !== '"') {
        if (c === undefined) throw this.error(`unexpected end of file: the object opened at ${this.where(open)} is not closed with "}"`);
        throw this.error(`expected a property name in double quotes, found ${this.describeHere()}`);
      }
      const keyPos = this.lines.positionOf(this.pos);
      const key = this.parseString();
      const earlier = seen.get(key);
      if (earlier) {
        throw new SourceSyntaxError(
          `duplicate property "${key}" (first at line ${earlier.line}): JSON readers keep only the last one, so the first is silently lost; merge them`,
          keyPos,
        );
      }
      seen.set(key, keyPos);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') throw this.error(`expected ":" after the property name "${key}", found ${this.describeHere()}`);
      this.pos++;
      const child = childPointer(pointer, key);
      this.positions.set(child, keyPos);
      const member = this.parseValue(child, depth);
      // "__proto__" assigned would replace the object's prototype and hide the member from the
      // schema check while `value.key` still read through it: keep it an own property (which the
      // schema then refuses as unknown).
      if (key === '__proto__') Object.defineProperty(result, key, { value: member, enumerable: true, writable: true, configurable: true });
      else result[key] = member;
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === '}') {
        this.pos++;
        return result;
      }
      if (next === undefined) throw this.error(`unexpected end of file: the object opened at ${this.where(open)} is not closed with "}"`);
      if (next === '"') throw this.error('missing comma between two properties');
      throw this.error(`expected "," or "}" after a property value, found ${this.describeHere()}`);
    }
  }

  private parseArray(pointer: string, depth: number): JsonValue {
    const open = this.pos;
    this.pos++; // [
    const result: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] === ']') throw this.error('trailing comma before "]": JSON does not allow it; remove the comma', this.lastCommaBefore(this.pos));
      const child = childPointer(pointer, result.length);
      this.positions.set(child, this.lines.positionOf(this.pos));
      result.push(this.parseValue(child, depth));
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === ']') {
        this.pos++;
        return result;
      }
      if (next === undefined) throw this.error(`unexpected end of file: the array opened at ${this.where(open)} is not closed with "]"`);
      throw this.error(`expected "," or "]" after an array item, found ${this.describeHere()}`);
    }
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) throw this.error('unexpected end of file inside a string: a closing " is missing', start);
      if (c === 0x22) {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) {
        if (c === 10 || c === 13) throw this.error('a string runs past the end of its line: a closing " is missing', start);
        throw this.error('a control character inside a string must be escaped (\\n, \\t, \\u00XX)');
      }
      if (c === 0x5c) {
        out += this.text.slice(chunkStart, this.pos);
        out += this.parseEscape();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private parseEscape(): string {
    const e = this.text[this.pos + 1];
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (e !== undefined && e in simple) {
      this.pos += 2;
      return simple[e]!;
    }
    if (e === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.error('invalid \\u escape: four hexadecimal digits are expected');
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    throw this.error(`invalid escape "\\${e ?? ''}" in a string (a Windows path needs "\\\\")`);
  }

  private parseNumber(): number {
    const re = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m || m[0] === '-' || m[0] === '') throw this.error(`invalid number ${this.describeHere()}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    throw this.error(`unexpected ${this.describeHere()}: expected a value (did you mean ${word}?)`);
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff') {
        this.pos++;
        continue;
      }
      if (c === '/' && (this.text[this.pos + 1] === '/' || this.text[this.pos + 1] === '*')) {
        throw this.error('comments are not allowed in JSON: remove them, or write the document in YAML (.yaml) where # comments are allowed');
      }
      return;
    }
  }

  private lastCommaBefore(offset: number): number {
    const i = this.text.lastIndexOf(',', offset);
    return i >= 0 ? i : offset;
  }

  private describeHere(): string {
    const c = this.text[this.pos];
    if (c === undefined) return 'end of file';
    const word = /^[^\s,:{}[\]"]{1,20}/.exec(this.text.slice(this.pos));
    return word ? `"${word[0]}"` : `"${c}"`;
  }

  private where(offset: number): string {
    const p = this.lines.positionOf(offset);
    return `line ${p.line}, column ${p.column}`;
  }

  private error(message: string, offset = this.pos): SourceSyntaxError {
    return new SourceSyntaxError(message, this.lines.positionOf(offset));
  }
}
