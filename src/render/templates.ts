/**
 * Nunjucks: one environment per build, the site's templates/ over the built-in theme,
 * file by file; templates compiled once and cached; autoescape on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { fileURLToPath } from 'node:url';
import type { Problem } from '../errors.js';
import { dateFormats } from '../dates.js';
import { withBasePath } from '../content/markdown.js';
import { absoluteUrl } from './feeds.js';
import { installFastRuntime } from './nunjucks-runtime.js';
import { slugify } from '../slug.js';
import type { Page, Route, SiteConfig } from '../types.js';

import { PACKAGE_ROOT } from '../package-root.js';

export { PACKAGE_ROOT };
export const BUILTIN_TEMPLATES = path.join(PACKAGE_ROOT, 'templates');
export const BUILTIN_PUBLIC = path.join(PACKAGE_ROOT, 'public');

export interface RendererOptions {
  root: string;
  config: SiteConfig;
  /** Extra globals for every template (`drafts`, …). */
  globals?: Record<string, unknown>;
}

export type RenderPage = (route: Extract<Route, { kind: 'page' }>) => Page | Problem;

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** The parts of Nunjucks' parser a tag needs (its own types leave the parser untyped). */
interface TagParser {
  nextToken(): { value: string };
  parseSignature(tolerant: null, noParens: true): unknown;
  advanceAfterBlockEnd(name: string): void;
}
interface TagNodes {
  CallExtension: new (extension: nunjucks.Extension, method: string, args: unknown) => unknown;
}
interface TemplateContext {
  getVariables(): Record<string, unknown>;
}

/**
 * `{% partial "partials/post-meta.njk", post = part.post %}`: renders a partial like
 * `{% include %}` does — the site's own file if it has one, else the theme's — with the page's
 * variables plus the ones named, but not the variables of a surrounding `{% for %}` (the theme
 * names `loop` where an include used to see it). An include costs Nunjucks a template lookup, a
 * new scope and a chain of callbacks every time it runs, and the theme runs one for every post
 * in every list; this is one direct render.
 */
class PartialTag implements nunjucks.Extension {
  tags = ['partial'];

  constructor(private readonly env: nunjucks.Environment) {}

  parse(parser: TagParser, nodes: TagNodes): unknown {
    const tag = parser.nextToken();
    const args = parser.parseSignature(null, true);
    parser.advanceAfterBlockEnd(tag.value);
    return new nodes.CallExtension(this, 'run', args);
  }

  run(context: TemplateContext, name: unknown, named?: Record<string, unknown>): nunjucks.runtime.SafeString {
    let vars = context.getVariables();
    if (named) {
      // Copied key by key, leaving out the mark Nunjucks puts on a tag's `name = value`
      // arguments (__keywords). Spreading both and deleting the mark made an object V8 keeps as
      // a dictionary, slow to read and to copy again — at every partial in every list: tag and
      // home pages took 105 ms instead of 65.
      const own: Record<string, unknown> = {};
      for (const key of Object.keys(vars)) own[key] = vars[key];
      for (const key of Object.keys(named)) if (key !== '__keywords') own[key] = named[key];
      vars = own;
    }
    return new nunjucks.runtime.SafeString(this.env.getTemplate(String(name)).render(vars));
  }
}

type GetTemplate = (name: unknown, eagerCompile?: unknown, parentName?: unknown, ignoreMissing?: unknown, cb?: unknown) => unknown;

/**
 * Every template compiled as it is loaded. Otherwise a template pulled in by `{% include %}` is
 * compiled when it first renders, and Nunjucks delivers its syntax error from a later task,
 * where nothing can catch it: the build crashed with a stack trace instead of reporting the
 * template's line. Compiled on load, the error is thrown while the page renders.
 */
function compileOnLoad(env: nunjucks.Environment): void {
  // Nunjucks' own method, with its optional arguments shifted as it does them.
  const load = (env.getTemplate as unknown as GetTemplate).bind(env);
  const getTemplate: GetTemplate = (name, eagerCompile, parentName, ignoreMissing, cb) => {
    if (typeof eagerCompile === 'function') return load(name, true, null, false, eagerCompile);
    if (typeof parentName === 'function') return load(name, true, null, false, parentName);
    return load(name, true, parentName, ignoreMissing, cb);
  };
  (env as unknown as { getTemplate: GetTemplate }).getTemplate = getTemplate;
}

export function createRenderer(options: RendererOptions): RenderPage {
  installFastRuntime();
  const { root, config } = options;
  const searchPaths = [path.join(root, 'templates'), BUILTIN_TEMPLATES];
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(searchPaths, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  compileOnLoad(env);
  const dates = dateFormats(config.language, config.timezone);
  env.addFilter('url', (url: unknown) => withBasePath(String(url ?? ''), config.basePath));
  // Both take site-relative URLs, as every URL in the template data is.
  env.addFilter('absoluteUrl', (url: unknown) => absoluteUrl(String(url ?? ''), config));
  env.addFilter('isoDate', (d: unknown) => {
    const date = toDate(d);
    return date ? dates.iso(date) : '';
  });
  env.addFilter('readableDate', (d: unknown) => {
    const date = toDate(d);
    return date ? dates.readable(date) : '';
  });
  env.addFilter('slugify', (s: unknown) => slugify(String(s ?? '')));
  env.addExtension('partial', new PartialTag(env));
  env.addGlobal('site', config);
  for (const [k, v] of Object.entries(options.globals ?? {})) env.addGlobal(k, v);

  return (route) => {
    try {
      return { url: route.url, body: env.render(route.template, route.data) };
    } catch (e) {
      return templateProblem(e, route, root);
    }
  };
}

/**
 * Nunjucks error -> "templates/post.njk:12:8 error: … (while rendering /posts/x/ from posts/x.md)".
 * Nunjucks nests one "(file) [Line, Column]" per template level; the innermost is the
 * culprit. Render-time positions are 0-based, parse-time positions 1-based; a render-time
 * error is a JavaScript error Nunjucks caught, so its text starts `Error: ` (or `TypeError: `, …).
 * A partial's parse error reaches the page through `{% partial %}` marked "Template render
 * error" like a render-time one, so that mark does not tell them apart.
 */
function templateProblem(e: unknown, route: Extract<Route, { kind: 'page' }>, root: string): Problem {
  const raw = e instanceof Error ? e.message : String(e);
  let file = `templates/${route.template}`;
  let line: number | undefined;
  let column: number | undefined;
  const locations = [...raw.matchAll(/(Template render error: )?\(([^()\n]+)\)(?: \[Line (\d+), Column (\d+)\])?/g)];
  const where = locations.pop();
  if (where) {
    const abs = where[2];
    if (abs !== 'unknown path') {
      const rel = path.relative(root, abs);
      file = rel.startsWith('..') ? `${path.relative(PACKAGE_ROOT, abs).split(path.sep).join('/')} (built-in theme)` : rel.split(path.sep).join('/');
    }
    if (where[3] !== undefined) {
      const zeroBased = /^\s*\w*Error: /.test(raw.slice((where.index ?? 0) + where[0].length));
      line = Number(where[3]) + (zeroBased ? 1 : 0);
      column = Number(where[4]) + (zeroBased ? 1 : 0);
    }
  }
  const lines = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  const what = (lines.pop() ?? raw).replace(/^(Template render error:\s*)?(\([^)]*\)\s*(\[Line \d+, Column \d+\])?\s*)?/, '').replace(/^Error:\s*/, '');
  if (line === undefined && where && where[2] !== 'unknown path') {
    // Compile errors (unknown filter, …) come without a position: find the name in the file.
    const name = /filter not found: ([\w$]+)|Unable to call `([\w$.]+)`/.exec(what);
    const found = name ? findInFile(where[2], name[1] ? `| ${name[1]}` : (name[2] ?? '')) : undefined;
    if (found) ({ line, column } = found);
  }
  const page = route.source ? `${route.url} from ${route.source}` : route.url;
  return {
    severity: 'error',
    file,
    line,
    column,
    message: `template error: ${what} (while rendering ${page})`,
    hint: 'fix the template at this line; see "Templates and the theme" in the README for the variables each page has',
  };
}

function findInFile(file: string, needle: string): { line: number; column: number } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const compact = needle.replace(/\s+/g, '');
  for (let i = 0; i < lines.length; i++) {
    const col = lines[i].replace(/\s+/g, '').indexOf(compact);
    if (col >= 0) return { line: i + 1, column: lines[i].indexOf(needle.split(/\s+/).pop() ?? needle) + 1 };
  }
  return undefined;
}

/** One broken template breaks every page that uses it: report it once, with a count of the pages. */
export function mergeTemplateProblems(problems: Problem[]): Problem[] {
  const groups = new Map<string, { first: Problem; more: number }>();
  for (const p of problems) {
    const key = `${p.file}:${p.line}:${p.column}:${p.message.replace(/ \(while rendering [^)]*\)$/, '')}`;
    const g = groups.get(key);
    if (g) g.more++;
    else groups.set(key, { first: p, more: 0 });
  }
  return [...groups.values()].map(({ first, more }) =>
    more === 0 ? first : { ...first, message: first.message.replace(/\)$/, ` and ${more} other page${more === 1 ? '' : 's'})`) },
  );
}
