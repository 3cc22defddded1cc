/**
 * Turns file bytes into text. Real policy exports come in UTF-8 with or without a BOM and in
 * UTF-16 with a BOM (Windows PowerShell's `Out-File` and `>` write UTF-16 LE). Bytes that are
 * not valid in their encoding are refused with their offset: decoding them into U+FFFD would
 * silently rename policies (`l�gacy`).
 */
import { isUtf8 } from 'node:buffer';
import type { Position } from '../model/documents.js';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

/** The bytes are not valid text in the encoding they were read as. */
export class TextDecodingError extends Error {
  constructor(
    message: string,
    /** Offset of the first bad byte in the file (BOM included). */
    readonly byteOffset: number,
    readonly position: Position,
  ) {
    super(message);
    this.name = 'TextDecodingError';
  }
}

export function decodeText(bytes: Uint8Array): DecodedText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return { text: utf8(buf, 3), encoding: 'utf-8-bom' };
  }
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return { text: utf16(Buffer.from(buf.subarray(2)), 2, 'UTF-16 LE'), encoding: 'utf-16le' };
  }
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    // Node has no utf16be decoder: swap each byte pair, then read as LE.
    const body = Buffer.from(buf.subarray(2));
    swapPairs(body);
    return { text: utf16(body, 2, 'UTF-16 BE'), encoding: 'utf-16be' };
  }
  // UTF-16 LE without a BOM: ASCII text then has a zero in every odd byte.
  if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[2] !== 0 && buf[3] === 0) {
    return { text: utf16(buf, 0, 'UTF-16 LE'), encoding: 'utf-16le' };
  }
  return { text: utf8(buf, 0), encoding: 'utf-8' };
}

function utf8(buf: Buffer, start: number): string {
  const body = buf.subarray(start);
  if (isUtf8(body)) return body.toString('utf8');
  const bad = firstInvalidUtf8(body);
  const offset = start + bad;
  const before = body.subarray(0, bad).toString('utf8');
  const position = positionAtEnd(before);
  throw new TextDecodingError(
    `not valid UTF-8: byte 0x${hex(buf[offset] ?? 0)} at byte offset ${offset} (line ${position.line}, column ${position.column}) is not part of a UTF-8 character; save the file as UTF-8 (or UTF-16 with a byte order mark)`,
    offset,
    position,
  );
}

function utf16(body: Buffer, start: number, name: string): string {
  const whole = body.length - (body.length % 2);
  const text = body.subarray(0, whole).toString('utf16le');
  if (whole !== body.length) {
    const position = positionAtEnd(text);
    throw new TextDecodingError(`not valid ${name}: the file ends in the middle of a character (an odd number of bytes); save it again as UTF-8`, start + whole, position);
  }
  const lone = firstLoneSurrogate(text);
  if (lone >= 0) {
    const position = positionAtEnd(text.slice(0, lone));
    throw new TextDecodingError(
      `not valid ${name}: a lone surrogate (0x${text.charCodeAt(lone).toString(16).toUpperCase()}) at byte offset ${start + lone * 2} (line ${position.line}, column ${position.column}); save the file again as UTF-8`,
      start + lone * 2,
      position,
    );
  }
  return text;
}

/**
 * Offset of the first byte that breaks UTF-8 well-formedness (Unicode 15, table 3-7): no overlong
 * forms, no surrogates, nothing above U+10FFFF, no truncated sequence. Called only when
 * `isUtf8` said no, to find where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      // The first continuation byte has the narrowed range; the others the plain one.
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c === undefined || c < min || c > max) return i;
    }
    i += need + 1;
  }
  return -1;
}

function firstLoneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** The 1-based position just after `text` (columns count UTF-16 code units, as the parsers do). */
function positionAtEnd(text: string): Position {
  const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  const line = (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
  return { line, column: text.length - (lastBreak + 1) + 1 };
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function swapPairs(body: Buffer): void {
  for (let i = 0; i + 1 < body.length; i += 2) {
    const a = body[i]!;
    body[i] = body[i + 1]!;
    body[i + 1] = a;
  }
}
