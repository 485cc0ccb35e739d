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
function ownCopy(slice: string): string {
  return (' ' + slice).slice(1);
}

export function parseFrontMatter(text: string, file: string): FrontMatter | Problem {
  let parsed: ParsedYaml | Problem | undefined;
  let result;
  try {
    // An options object is always passed: without one gray-matter caches and shares results.
    result = matter(text, {
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
  const headLength = text.length - result.content.length;
  let bodyLine = 1;
  for (let i = 0; i < headLength; i++) if (text.charCodeAt(i) === 10) bodyLine++;
  const yaml = parsed;
  return {
    data: data as Record<string, unknown>,
    body: result.content,
    bodyLine,
    positionOf: yaml ? (key, value) => yaml.positionOf(Array.isArray(key) ? key : [key], value) : NO_POSITIONS,
  };
}
