/**
 * How deep and how large a parsed value is, counted without recursion. A YAML alias makes a value
 * a graph rather than a tree: one node used many times (expanded by every reader after this one),
 * or, `&a [*a]`, a node that holds itself.
 */
import { MAX_NESTING, MAX_VALUES } from './limits.js';

export interface ValueShape {
  /** The value holds itself (through an alias). */
  cycle: boolean;
  /** Objects and arrays nest more than MAX_NESTING deep. */
  tooDeep: boolean;
  /** More than `limit` values, each use of a shared node counted. */
  tooMany: boolean;
  limit: number;
}

interface Measure {
  depth: number;
  count: number;
}

export function measureValue(root: unknown, maxDepth = MAX_NESTING, maxValues = MAX_VALUES): ValueShape {
  const shape = (flags: Partial<ValueShape>): ValueShape => ({ cycle: false, tooDeep: false, tooMany: false, limit: maxValues, ...flags });
  if (!isContainer(root)) return shape({});
  // Each container is measured once (a shared one is then counted by its size at every use).
  const done = new Map<object, Measure>();
  const open = new Set<object>();
  const stack: { node: object; children: unknown[]; next: number; depth: number; count: number }[] = [];
  const enter = (node: object): void => {
    open.add(node);
    stack.push({ node, children: Array.isArray(node) ? node : Object.values(node), next: 0, depth: 0, count: 0 });
  };
  enter(root);
  while (stack.length) {
    const frame = stack[stack.length - 1]!;
    if (stack.length > maxDepth) return shape({ tooDeep: true });
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (!isContainer(child)) {
        frame.count++;
        continue;
      }
      if (open.has(child)) return shape({ cycle: true });
      const known = done.get(child);
      if (known) {
        if (stack.length + known.depth > maxDepth) return shape({ tooDeep: true });
        frame.depth = Math.max(frame.depth, known.depth);
        frame.count += known.count;
        if (frame.count > maxValues) return shape({ tooMany: true });
        continue;
      }
      enter(child);
      continue;
    }
    stack.pop();
    open.delete(frame.node);
    const measure = { depth: frame.depth + 1, count: frame.count + 1 };
    if (measure.count > maxValues) return shape({ tooMany: true });
    done.set(frame.node, measure);
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.depth = Math.max(parent.depth, measure.depth);
      parent.count += measure.count;
    }
  }
  return shape({});
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
