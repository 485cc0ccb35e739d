/**
 * Nunjucks: one environment per build, the site's templates/ over the built-in theme,
 * file by file; templates compiled once and cached; autoescape on.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
/** The built-in theme's templates compiled by `npm run compile` (scripts/bundle.mjs; see precompileTheme). */
export const PRECOMPILED_THEME = path.join(PACKAGE_ROOT, 'lib', 'theme-templates.json');

export interface RendererOptions {
  root: string;
  config: SiteConfig;
  /** Extra globals for every template (`drafts`, …). */
  globals?: Record<string, unknown>;
  /** Reuse `{% partialCached %}` results for the life of the renderer: one build (not dev, whose posts change). */
  reusePartials?: boolean;
  /** The built-in theme compiled ahead (default: PRECOMPILED_THEME when it exists; null: none). */
  precompiled?: PrecompiledTheme | null;
}

/** A built-in template's text, and the JavaScript Nunjucks compiles it to (by template name). */
export type PrecompiledTheme = Record<string, { source: string; code: string }>;

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

/** A template's direct references; `dynamic` when one is not a quoted name (then anything may be used). */
export interface TemplateRefs {
  names: string[];
  dynamic: boolean;
}

const REFERENCE = /\{%-?\s*(?:extends|include|import|from|partialCached|partial)\s+(?:(["'])(.*?)\1|(\S))/g;

/** The templates a template's text names in `{% extends "…" %}`-style tags (Nunjucks' and Folio's `partial`). */
export function templateReferences(text: string): TemplateRefs {
  const refs: TemplateRefs = { names: [], dynamic: false };
  for (const m of text.matchAll(REFERENCE)) {
    if (m[2] !== undefined) refs.names.push(m[2]);
    else refs.dynamic = true;
  }
  return refs;
}

/**
 * Values kept under a list of keys compared by identity (the same object, not an equal one). An
 * object key holds its entries weakly: they go with it.
 */
class IdentityCache<V> {
  private readonly root = new CacheLevel<V>();

  get(keys: readonly unknown[], make: () => V): V {
    let level = this.root;
    for (const key of keys) level = level.next(key);
    if (!level.has) {
      level.value = make();
      level.has = true;
    }
    return level.value as V;
  }
}

class CacheLevel<V> {
  has = false;
  value: V | undefined;
  private objects: WeakMap<object, CacheLevel<V>> | undefined;
  private others: Map<unknown, CacheLevel<V>> | undefined;

  next(key: unknown): CacheLevel<V> {
    if ((typeof key === 'object' && key !== null) || typeof key === 'function') {
      this.objects ??= new WeakMap();
      let level = this.objects.get(key);
      if (!level) this.objects.set(key, (level = new CacheLevel()));
      return level;
    }
    this.others ??= new Map();
    let level = this.others.get(key);
    if (!level) this.others.set(key, (level = new CacheLevel()));
    return level;
  }
}

/**
 * `{% partial "partials/post-meta.njk", post = part.post %}`: renders a partial like
 * `{% include %}` does — the site's own file if it has one, else the theme's — with the page's
 * variables plus the ones named, but not the variables of a surrounding `{% for %}` (the theme
 * names `loop` where an include used to see it). An include costs Nunjucks a template lookup, a
 * new scope and a chain of callbacks every time it runs, and the theme runs one for every post
 * in every list; this is one direct render.
 *
 * `{% partialCached "partials/post-summary.njk", post = post %}` renders the same, and a build
 * (`reuse`) keeps the HTML for the values named, by identity, while the partial and every
 * template it pulls in are the theme's own: those depend on the named values alone. The theme's
 * post lists use it: a post's summary is on a home page and on each of its tags' pages, and the
 * tag pages, which wait for every post's body, are the last pages of a build. A site that
 * overrides one of those templates gets it rendered every time, seeing what a partial sees.
 */
class PartialTag implements nunjucks.Extension {
  tags = ['partial', 'partialCached'];
  private readonly cache = new IdentityCache<nunjucks.runtime.SafeString>();

  constructor(
    private readonly env: nunjucks.Environment,
    /** Whether a template is the theme's own, when the build may reuse partialCached results; else undefined. */
    private readonly themeOwn: ((name: string) => boolean) | undefined,
  ) {}

  parse(parser: TagParser, nodes: TagNodes): unknown {
    const tag = parser.nextToken();
    const args = parser.parseSignature(null, true);
    parser.advanceAfterBlockEnd(tag.value);
    return new nodes.CallExtension(this, tag.value === 'partialCached' ? 'runCached' : 'run', args);
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

  runCached(context: TemplateContext, name: unknown, named?: Record<string, unknown>): nunjucks.runtime.SafeString {
    const file = String(name);
    if (!this.themeOwn?.(file)) return this.run(context, name, named);
    const keys: unknown[] = [file];
    // Not `loop`: the theme passes it on only for an overriding partial to see (as an include did).
    if (named) for (const key of Object.keys(named).sort()) if (key !== '__keywords' && key !== 'loop') keys.push(key, named[key]);
    return this.cache.get(keys, () => {
      const html = this.run(context, name, named);
      // Reading a character makes V8 join the rope of pieces Nunjucks built into one string, in
      // place: once here, instead of on every page that shows it (as each page is written). The
      // 30 tag pages of 4,000 posts: 22 -> 11 ms to join.
      String(html).charCodeAt(0);
      return html;
    });
  }
}

/**
 * Whether a template, and everything it pulls in, is the built-in theme's: none of them
 * overridden by a file of the site's templates/ (read once per name).
 */
export function themeOwnTemplates(root: string): (name: string) => boolean {
  const siteTemplates = path.join(root, 'templates');
  const known = new Map<string, boolean>();
  const themeOwn = (name: string, seen: Set<string>): boolean => {
    const answer = known.get(name);
    if (answer !== undefined) return answer;
    if (seen.has(name)) return true; // a cycle: the rest of the answer decides
    seen.add(name);
    let own = !existsSync(path.join(siteTemplates, name));
    if (own) {
      let refs: TemplateRefs;
      try {
        refs = templateReferences(readFileSync(path.join(BUILTIN_TEMPLATES, name), 'utf8'));
      } catch {
        refs = { names: [], dynamic: true };
      }
      own = !refs.dynamic && refs.names.every((n) => themeOwn(n, seen));
    }
    known.set(name, own);
    return own;
  };
  return (name) => themeOwn(name, new Set());
}

/**
 * The theme's pages that show posts' front matter only — titles, dates, URLs, counts — never a
 * body, excerpt or summary: a threaded build renders them without waiting for the bodies (while
 * they are the theme's own). tests/render/templates.test.ts checks these files.
 */
export const THEME_PAGES_WITHOUT_BODIES: ReadonlySet<string> = new Set(['archive.njk', 'tags.njk', 'series-index.njk']);

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

/** Folio's Nunjucks: options, and the tags its templates may use (all a template's compiled code depends on). */
function folioEnvironment(loader: nunjucks.ILoader, themeOwn?: (name: string) => boolean): nunjucks.Environment {
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  compileOnLoad(env);
  env.addExtension('partial', new PartialTag(env, themeOwn));
  return env;
}

/** The parts of Nunjucks that compile a template's text to JavaScript (its types leave them out). */
interface NunjucksCompiler {
  compile(source: string, asyncFilters: string[], extensions: unknown[], name: string, opts: unknown): string;
}

/**
 * The built-in theme's templates compiled to JavaScript, as Folio's environment compiles them:
 * `npm run compile` saves them (PRECOMPILED_THEME), and a build then skips Nunjucks' lexer,
 * parser and compiler for the theme — 35-50 ms of the main thread's time at every build.
 */
export function precompileTheme(): PrecompiledTheme {
  const env = folioEnvironment(new nunjucks.FileSystemLoader([]));
  const { compiler } = nunjucks as unknown as { compiler: NunjucksCompiler };
  const { asyncFilters, extensionsList, opts } = env as unknown as { asyncFilters: string[]; extensionsList: unknown[]; opts: unknown };
  const theme: PrecompiledTheme = {};
  for (const entry of readdirSync(BUILTIN_TEMPLATES, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!entry.endsWith('.njk')) continue;
    const name = entry.split(path.sep).join('/');
    const file = path.join(BUILTIN_TEMPLATES, entry);
    const source = readFileSync(file, 'utf8');
    theme[name] = { source, code: compiler.compile(source, asyncFilters, extensionsList, file, opts) };
  }
  return theme;
}

function readPrecompiledTheme(): PrecompiledTheme | null {
  try {
    return JSON.parse(readFileSync(PRECOMPILED_THEME, 'utf8')) as PrecompiledTheme;
  } catch {
    return null; // not compiled yet (tests of src/ before `npm run compile`): compiled as they load
  }
}

/**
 * The site's templates/ over the built-in theme, file by file. A template comes precompiled
 * when its text is one that was compiled (never a stale compile: a theme template edited since,
 * or a site's own, is compiled as it loads).
 */
function templateLoader(root: string, precompiled: PrecompiledTheme | null): nunjucks.ILoader {
  const loader = new nunjucks.FileSystemLoader([path.join(root, 'templates'), BUILTIN_TEMPLATES], { noCache: false });
  if (!precompiled) return loader;
  const readSource = loader.getSource.bind(loader);
  loader.getSource = (name) => {
    const info = readSource(name);
    const compiled = info ? precompiled[name] : undefined;
    // By text, not by file: a site's copy of a theme template, unchanged, compiles to the same code.
    if (!compiled || compiled.source !== info.src) return info;
    // Nunjucks takes { type: 'code', obj } for a compiled template, as its PrecompiledLoader gives.
    const obj: unknown = new Function(compiled.code)();
    return { ...info, src: { type: 'code', obj } as unknown as string };
  };
  return loader;
}

export function createRenderer(options: RendererOptions): RenderPage {
  installFastRuntime();
  const { root, config } = options;
  const precompiled = options.precompiled === undefined ? readPrecompiledTheme() : options.precompiled;
  const env = folioEnvironment(templateLoader(root, precompiled), options.reusePartials ? themeOwnTemplates(root) : undefined);
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
