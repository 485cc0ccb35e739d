/**
 * Front matter as gray-matter reads it, with a positional YAML engine: front matter errors carry
 * file:line:column. The usual block (`---` alone on the first line) is split here exactly as
 * gray-matter splits it; gray-matter itself, loaded only then, reads the rest (a language named
 * after the opening `---`, such as `---json`).
 */
import { createRequire } from 'node:module';
import type GrayMatter from 'gray-matter';
import type { Problem } from '../errors.js';
import { isProblem, parseYaml, type ParsedYaml, type YamlPosition } from '../yaml.js';
import { parseSimpleYaml } from './simple-yaml.js';

export interface FrontMatter {
  data: Record<string, unknown>;
  body: string;
  /** 1-based line of the body's first line in the file. */
  bodyLine: number;
  positionOf(key: string | (string | number)[], value?: boolean): YamlPosition | undefined;
}

const NO_POSITIONS = () => undefined;

/**
 * A copy of a slice of the file that does not keep the whole file alive: the values read from
 * front matter are slices of it, and they live as long as the post (the whole site). V8 makes
 * a flat copy when a concatenation is sliced.
 */
export function ownCopy(slice: string): string {
  return (' ' + slice).slice(1);
}

/**
 * Where the front matter block ends: just after its closing `---`, or the text's length when
 * the text does not start with a closed block (gray-matter then gets all of it, as always).
 */
function frontMatterEnd(text: string): number {
  if (!text.startsWith('---') || text[3] === '-') return text.length;
  const close = text.indexOf('\n---', 3);
  return close === -1 ? text.length : close + 4;
}

/** The body after a block's closing `---`, as gray-matter takes it: one line end skipped. */
function afterBlock(rest: string): string {
  if (rest[0] === '\r') rest = rest.slice(1);
  return rest[0] === '\n' ? rest.slice(1) : rest;
}

type Engine = (matterText: string) => object;

let grayMatter: typeof GrayMatter | undefined;

/**
 * What gray-matter 4 makes of `input` (its `data` and `content`) when the block names no
 * language, without it: gray-matter copies its input into a Buffer and defines properties on
 * each result, ~10 µs a file before the YAML is read. Undefined when a language is named.
 * tests/content/front-matter.test.ts holds the two to the same results.
 */
function splitLikeGrayMatter(input: string, yaml: Engine): { data: unknown; content: string } | undefined {
  if (input === '') return { data: {}, content: '' };
  const str = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (!str.startsWith('---') || str.charAt(3) === '-') return { data: {}, content: str };
  const rest = str.slice(3);
  // The rest of the opening line names a language (gray-matter reads up to the first line end,
  // or, with none, all but the last character).
  const lineEnd = rest.search(/\r?\n/);
  if (rest.slice(0, lineEnd).trim() !== '') return undefined;
  let close = rest.indexOf('\n---');
  if (close === -1) close = rest.length;
  const matter = rest.slice(0, close);
  const data = matter.replace(/^\s*#[^\n]+/gm, '').trim() === '' ? {} : yaml(matter);
  return { data, content: close === rest.length ? '' : afterBlock(rest.slice(close + 4)) };
}

/** gray-matter's `data` and `content` for `input`, `yaml` reading the block (exported for tests). */
export function readFrontMatter(input: string, yaml: Engine): { data: unknown; content: string } {
  const own = splitLikeGrayMatter(input, yaml);
  if (own) return own;
  grayMatter ??= createRequire(import.meta.url)('gray-matter') as typeof GrayMatter;
  // An options object is always passed: without one gray-matter caches and shares results.
  return grayMatter(input, { engines: { yaml } });
}

export function parseFrontMatter(text: string, file: string): FrontMatter | Problem {
  let parsed: ParsedYaml | Problem | undefined;
  let result;
  // Only the block goes through gray-matter: it copies all of its input into a Buffer, and a
  // post is mostly body.
  const end = frontMatterEnd(text);
  try {
    result = readFrontMatter(end === text.length ? text : text.slice(0, end), (matterText) => {
      const src = ownCopy(matterText);
      // gray-matter hands over the text after the opening `---`, usually with its line end.
      const firstLine = src.startsWith('\n') ? 1 : 2;
      // Plain one-line fields take the fast path; anything else the full YAML parser.
      parsed = parseSimpleYaml(src, firstLine) ?? parseYaml(src, file, firstLine);
      return isProblem(parsed) ? {} : ((parsed.data ?? {}) as object);
    });
  } catch (e) {
    return { severity: 'error', file, line: 1, message: `cannot read the front matter: ${(e as Error).message}`, hint: 'front matter is YAML between two lines of ---' };
  }
  if (parsed && isProblem(parsed)) return parsed;
  const data = result.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { severity: 'error', file, line: 2, message: 'front matter must be a mapping of fields (key: value)', hint: 'write e.g. title: "My post" on its own line' };
  }
  const body = end === text.length ? result.content : result.content + afterBlock(text.slice(end));
  const headLength = text.length - body.length;
  let bodyLine = 1;
  for (let i = 0; i < headLength; i++) if (text.charCodeAt(i) === 10) bodyLine++;
  const yaml = parsed;
  return {
    data: data as Record<string, unknown>,
    body,
    bodyLine,
    positionOf: yaml ? (key, value) => yaml.positionOf(Array.isArray(key) ? key : [key], value) : NO_POSITIONS,
  };
}
