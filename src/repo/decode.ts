/**
 * Turns file bytes into text. Real policy exports come in UTF-8 with or without a BOM and in
 * UTF-16 with a BOM (Windows PowerShell's `Out-File` and `>` write UTF-16 LE).
 */
export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

export function decodeText(bytes: Uint8Array): DecodedText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  }
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  }
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    // Node has no utf16be decoder: swap each byte pair, then read as LE.
    const body = Buffer.from(buf.subarray(2));
    swapPairs(body);
    return { text: body.toString('utf16le'), encoding: 'utf-16be' };
  }
  // UTF-16 LE without a BOM: ASCII text then has a zero in every odd byte.
  if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[2] !== 0 && buf[3] === 0) {
    return { text: buf.toString('utf16le'), encoding: 'utf-16le' };
  }
  return { text: buf.toString('utf8'), encoding: 'utf-8' };
}

function swapPairs(body: Buffer): void {
  for (let i = 0; i + 1 < body.length; i += 2) {
    const a = body[i]!;
    body[i] = body[i + 1]!;
    body[i + 1] = a;
  }
}
