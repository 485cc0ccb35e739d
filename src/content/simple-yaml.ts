/**
 * A fast path for the front matter most posts have — one `key: value` per line, values that
 * are quoted strings, plain words, whole numbers, booleans or one-line lists of words — read
 * without building a YAML syntax tree (the `yaml` package took ~0.1 ms per post, a tenth of a
 * build). Anything else, or anything doubtful, returns undefined and the full parser reads it,
 * so results are always exactly the `yaml` package's (core schema): tests/simple-yaml.test.ts
 * compares both on generated front matter, values and positions alike.
 */
import type { ParsedYaml, YamlPosition } from '../yaml.js';

const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;
/** A plain scalar that the core schema reads as a string: no indicator first, no ": " or " #". */
const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9 _./+,:()!?@='"-]*$/;
const PLAIN_ITEM = /^[A-Za-z0-9][A-Za-z0-9 _./+()!?@=-]*$/;
/** Core-schema plain scalars that are not strings (or might not be): left to the full parser. */
const NOT_A_STRING = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Characters YAML does not allow in a document, or that need its own handling. */
const SPECIAL = /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]/;

interface Entry {
  key: string;
  value: unknown;
  line: number;
  valueColumn: number;
}

/** A value after `key: `, or undefined when the full parser must decide. */
function readValue(raw: string): { value: unknown } | undefined {
  const text = raw.replace(/ +$/, '');
  if (text === '') return undefined;
  const first = text[0];
  if (first === '"' || first === "'") {
    const inner = text.slice(1, -1);
    if (text.length < 2 || text[text.length - 1] !== first || inner.includes(first) || inner.includes('\\')) return undefined;
    return { value: inner };
  }
  if (first === '[') {
    if (text[text.length - 1] !== ']') return undefined;
    const inner = text.slice(1, -1).trim();
    if (inner === '') return { value: [] };
    const items = inner.split(',').map((s) => s.trim());
    if (items.some((s) => !PLAIN_ITEM.test(s) || NOT_A_STRING.test(s) || s.includes(': ') || s.endsWith(':') || / #/.test(s))) return undefined;
    return { value: items };
  }
  if (/^[0-9]{1,15}$/.test(text)) return { value: Number(text) };
  if (text === 'true' || text === 'false') return { value: text === 'true' };
  if (!PLAIN_WORD.test(text) || NOT_A_STRING.test(text) || text.includes(': ') || text.endsWith(':') || text.includes(' #')) return undefined;
  return { value: text };
}

/** `text` starts at line `firstLine` of its file (1-based), as for parseYaml. */
export function parseSimpleYaml(text: string, firstLine: number): ParsedYaml | undefined {
  if (SPECIAL.test(text)) return undefined;
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const m = KEY.exec(line);
    if (!m) return undefined;
    const key = m[1];
    if (seen.has(key) || UNSAFE_KEYS.has(key) || NOT_A_STRING.test(key)) return undefined;
    seen.add(key);
    const read = readValue(line.slice(m[0].length));
    if (!read) return undefined;
    entries.push({ key, value: read.value, line: i + firstLine, valueColumn: m[0].length + 1 });
  }
  const data: Record<string, unknown> = {};
  for (const e of entries) data[e.key] = e.value;
  const positionOf = (path: (string | number)[], value = false): YamlPosition | undefined => {
    if (path.length !== 1) return undefined;
    const e = entries.find((x) => x.key === path[0]);
    return e && { line: e.line, column: value ? e.valueColumn : 1 };
  };
  return { data: entries.length ? data : null, positionOf };
}
