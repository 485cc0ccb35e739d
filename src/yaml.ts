/** YAML with positions: every error and every key can be traced to file:line:column. */
import { LineCounter, parseDocument, isMap, isScalar, type Node } from 'yaml';
import type { Problem } from './errors.js';

export interface YamlPosition {
  line: number;
  column: number;
}

export interface ParsedYaml {
  data: unknown;
  /** Position of a key (or of its value with `value: true`), by path of keys. */
  positionOf(path: (string | number)[], value?: boolean): YamlPosition | undefined;
}

/**
 * Parses YAML text that starts at `firstLine` of `file` (1-based).
 * Dates stay strings (YAML 1.2 core schema) so Folio reads them in the site's time zone.
 */
export function parseYaml(text: string, file: string, firstLine = 1): ParsedYaml | Problem {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, schema: 'core', uniqueKeys: true, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    const what = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return {
      severity: 'error',
      file,
      line: pos.line + firstLine - 1,
      column: pos.col,
      message: `YAML syntax error: ${what}`,
      hint: 'check the indentation and quoting on this line (a value containing ": " or starting with a quote must be quoted)',
    };
  }
  const positionOf = (path: (string | number)[], value = false): YamlPosition | undefined => {
    let node: unknown = doc.contents;
    let found: Node | undefined;
    for (const key of path) {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (!pair) return undefined;
      found = (value ? pair.value : pair.key) as Node | undefined;
      node = pair.value;
    }
    const start = found?.range?.[0];
    if (start === undefined) return undefined;
    const pos = lines.linePos(start);
    return { line: pos.line + firstLine - 1, column: pos.col };
  };
  return { data: doc.toJS({ maxAliasCount: 100 }), positionOf };
}

export function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && 'severity' in x && 'message' in x;
}
