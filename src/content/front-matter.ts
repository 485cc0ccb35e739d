/** gray-matter with a positional YAML engine: front matter errors carry file:line:column. */
import matter from 'gray-matter';
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

export function parseFrontMatter(text: string, file: string): FrontMatter | Problem {
  let parsed: ParsedYaml | Problem | undefined;
  let result;
  // Only the block goes through gray-matter: it copies all of its input into a Buffer, and a
  // post is mostly body.
  const end = frontMatterEnd(text);
  try {
    // An options object is always passed: without one gray-matter caches and shares results.
    result = matter(end === text.length ? text : text.slice(0, end), {
      engines: {
        yaml: (matterText: string) => {
          const src = ownCopy(matterText);
          // gray-matter hands over the text after the opening `---`, usually with its line end.
          const firstLine = src.startsWith('\n') ? 1 : 2;
          // Plain one-line fields take the fast path; anything else the full YAML parser.
          parsed = parseSimpleYaml(src, firstLine) ?? parseYaml(src, file, firstLine);
          return isProblem(parsed) ? {} : ((parsed.data ?? {}) as object);
        },
      },
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
