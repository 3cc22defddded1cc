/**
 * Reads one file of the repository without following a link and without reading more than the
 * limit: the type and size are checked on the open file itself, so a file swapped for a link (or
 * grown) between the listing and the read is still refused.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_FILE_BYTES } from './limits.js';

export type ReadResult = { bytes: Buffer } | { problem: string };

export function readRegularFile(abs: string, maxBytes = MAX_FILE_BYTES): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever. Both flags are 0
    // (absent) on Windows, where the listing's check is what stands.
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { problem: symlinkProblem() };
    return { problem: `cannot be read (${code ?? (e as Error).message}): check its permissions` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: notRegularProblem() };
    if (stat.size > maxBytes) return { problem: tooLargeProblem(stat.size, maxBytes) };
    // One byte more than allowed: a file that grew after fstat is caught too.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return { problem: tooLargeProblem(length, maxBytes) };
      if (length === buffer.length) return { problem: 'changed while it was being read: run caac again' };
    }
    return { bytes: buffer.subarray(0, length) };
  } finally {
    closeSync(fd);
  }
}

export function symlinkProblem(target?: string): string {
  return `is a symbolic link${target ? ` (to ${JSON.stringify(target)})` : ''}: caac does not follow links in the policy folder (a link could bring in, or hide, any file), so it is not read; replace the link with the file or folder itself`;
}

export function notRegularProblem(): string {
  return 'is not a regular file or folder (a pipe, socket or device): caac reads only plain files; remove it';
}

export function tooLargeProblem(size: number, maxBytes = MAX_FILE_BYTES): string {
  return `is ${size.toLocaleString('en-US')} bytes: caac reads files up to ${formatBytes(maxBytes)} (the largest Graph document, a named location with 2,000 IP ranges, is about 260 KB), so it is not parsed; split it or remove what does not belong`;
}

export function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n.toLocaleString('en-US')} bytes`;
}
