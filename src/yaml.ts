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
  const doc = parseDocument(text, { lineCounter: lines, schema: 'core', uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
  const err = doc.errors[0];
  if (err) return syntaxProblem(text, err.code, err.message, lines.linePos(err.pos[0]), file, firstLine);
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

/** yaml's error -> a message for a writer, at the line where the mistake is (not where the parser noticed). */
function syntaxProblem(
  text: string,
  code: string,
  message: string,
  at: { line: number; col: number },
  file: string,
  firstLine: number,
): Problem {
  let line = at.line;
  let column = at.col;
  let what = `YAML syntax error: ${message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
  let hint = 'check the indentation and quoting on this line (a value containing ": " or starting with a quote must be quoted)';
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  if (code === 'MISSING_CHAR' && quote) {
    // The parser notices at the end of the text; the mistake is the unbalanced quote that opened it.
    const srcLines = text.split('\n');
    const open = srcLines.findIndex((l) => (l.split(quote).length - 1) % 2 === 1);
    if (open >= 0) {
      line = open + 1;
      column = srcLines[open].indexOf(quote) + 1;
    }
    what = `the quoted value that starts here is never closed`;
    hint = `add the closing ${quote} at the end of the value`;
  } else if (code === 'DUPLICATE_KEY') {
    const key = text.split('\n')[line - 1]?.split(':')[0].trim();
    what = `\`${key}\` appears twice`;
    hint = 'keep only one of the two lines';
  } else if (code === 'BLOCK_AS_IMPLICIT_KEY') {
    what = 'YAML syntax error: a value containing ": " must be quoted';
    hint = 'put the value in quotes, e.g. title: "Part 1: beginnings"';
  }
  return { severity: 'error', file, line: line + firstLine - 1, column, message: what, hint };
}
