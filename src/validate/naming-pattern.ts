/**
 * caac.yml's naming.pattern, compiled by RE2 (through re2-wasm): RE2 matches in time linear in
 * the name, so a pattern such as `^(a+)+$` cannot hang validate the way a backtracking engine
 * (JavaScript's RegExp) can. The price is RE2's syntax: no backreferences, no lookaround.
 */
import { RE2 } from 're2-wasm';

export type CompiledPattern = { test(name: string): boolean };

export type PatternResult = { pattern: CompiledPattern } | { problem: string };

const cache = new Map<string, PatternResult>();

export function compileNamingPattern(source: string): PatternResult {
  let result = cache.get(source);
  if (!result) {
    result = compile(source);
    cache.set(source, result);
  }
  return result;
}

function compile(source: string): PatternResult {
  try {
    // `u`: RE2 works on code points only (re2-wasm refuses to compile without it).
    const re = new RE2(source, 'u');
    return { pattern: { test: (name: string) => re.test(name) } };
  } catch (e) {
    const detail = String((e as Error).message).replace(/^Invalid regular expression: \/.*\/u: /s, '');
    if (isValidJavaScript(source)) {
      return {
        problem: `naming.pattern must be written in RE2 syntax (${detail}): caac matches names with RE2, which takes time linear in the name, so no pattern can hang validate; RE2 has no backreferences (\\1) and no lookaround ((?=…), (?!…), (?<=…), (?<!…))`,
      };
    }
    return { problem: `naming.pattern is not a valid regular expression: ${detail}` };
  }
}

function isValidJavaScript(source: string): boolean {
  try {
    // Compiled only, never run: compiling is linear in the pattern's length.
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}
