/**
 * The pipeline, one stage a line:
 *   loadSite()  = config -> load -> parse -> collect
 *   buildSite() = loadSite -> route -> render -> check links -> write
 * Rendered pages go straight into the writer's staging (never the whole site in memory);
 * the write stage adds the assets and commits — or nothing is kept, if anything went wrong.
 */
import path from 'node:path';
import { Diagnostics, SiteError, sortProblems, type Problem } from './errors.js';
import { loadConfig } from './config.js';
import { listFolder, loadSources } from './content/source.js';
import { folderOf } from './content/posts.js';
import { createParseContext, detached, parseJob, type Parsed, type ParseJob } from './content/parse-worker.js';
import { parseInPool } from './content/parse-pool.js';
import { BuildPool } from './pool.js';
import { renderPages } from './render/render-pages.js';
import { PageOutput } from './output/page-output.js';
import { collectSite } from './collect/site.js';
import { routeSite } from './render/routes.js';
import { BUILTIN_PUBLIC, createRenderer, mergeTemplateProblems, type RendererOptions } from './render/templates.js';
import { checkLinks } from './render/links.js';
import { checkOutputFolder, FsWriter, outputPath, type Writer } from './output/writer.js';
import type { BuildOptions, Post, Route, SeriesMeta, Site, SiteConfig, SourceFile } from './types.js';

export interface StageTiming {
  stage: string;
  ms: number;
}

class Timer {
  readonly stages: StageTiming[] = [];
  async time<T>(stage: string, run: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await run();
    this.stages.push({ stage, ms: performance.now() - start });
    return result;
  }
}

export interface LoadedSite {
  site: Site;
  diag: Diagnostics;
}

export interface BuildResult {
  site: Site;
  pages: number;
  files: number;
  warnings: Problem[];
  timings: StageTiming[];
}

/**
 * Parse stage: sources -> posts, series metadata and loose assets (copied as they are).
 * Large sites are parsed in worker threads too (`workers`: see workerThreads) — the build's
 * `pool`, else threads of its own; the result is the same.
 */
export async function parseSources(
  sources: SourceFile[],
  config: SiteConfig,
  now: Date,
  diag: Diagnostics,
  { workers, onProgress, pool }: Pick<BuildOptions, 'workers' | 'onProgress'> & { pool?: BuildPool } = {},
) {
  const folders = new Set(sources.filter((s) => s.kind === 'post').map((s) => folderOf(s.path)).filter(Boolean));
  const colocated = new Map<string, string[]>();
  const assets: Site['assets'] = [];
  for (const s of sources) {
    if (s.kind !== 'asset') continue;
    let dir = path.posix.dirname(s.path);
    while (dir !== '.' && !folders.has(dir)) dir = path.posix.dirname(dir);
    if (dir === '.') assets.push({ from: s.absPath, to: s.path });
    else colocated.set(dir, [...(colocated.get(dir) ?? []), s.path]);
  }
  const jobs: ParseJob[] = sources
    .filter((s) => s.kind !== 'asset')
    .map((s) => ({ source: s, colocated: s.kind === 'post' ? colocated.get(folderOf(s.path) ?? '') : undefined }));
  await using ownPool = pool ? undefined : new BuildPool(workers);
  const threads = pool ?? ownPool!;
  const progress = onProgress && ((done: number) => onProgress({ stage: 'parse', done, total: jobs.length }));
  const parsed = threads.start(jobs.length) ? await parseInPool(jobs, config, now, diag, threads, progress) : parseHere(jobs, config, now, diag, progress);
  await threads.parsingDone();
  const posts: Post[] = [];
  const seriesMeta: SeriesMeta[] = [];
  parsed.forEach((p, i) => {
    if (!p) return;
    if (jobs[i].source.kind === 'series') seriesMeta.push(p as SeriesMeta);
    else posts.push(p as Post);
  });
  return { posts, seriesMeta, assets };
}

function parseHere(jobs: ParseJob[], config: SiteConfig, now: Date, diag: Diagnostics, onProgress?: (done: number) => void): Parsed[] {
  const ctx = createParseContext(config, now, diag);
  return jobs.map((job, i) => {
    const parsed = detached(parseJob(job, ctx));
    if (onProgress && i % 50 === 49) onProgress(i + 1);
    return parsed;
  });
}

/** public/ files: the built-in theme's first, then the site's own (same path wins). */
export async function listPublic(root: string): Promise<Site['assets']> {
  const byPath = new Map([...(await listFolder(BUILTIN_PUBLIC)), ...(await listFolder(path.join(root, 'public')))]);
  return [...byPath].sort(([a], [b]) => a.localeCompare(b)).map(([to, from]) => ({ from, to }));
}

/** `pool`: the build's worker threads, when it has them (see buildSite). */
export async function loadSite(options: BuildOptions, timer = new Timer(), pool?: BuildPool): Promise<LoadedSite> {
  const diag = new Diagnostics();
  const now = options.now ?? new Date();
  const config = await timer.time('config', () => loadConfig(options.root, diag, options.baseUrl));
  const [sources, publicFiles] = await timer.time('load', () => Promise.all([loadSources(options.root, diag, (files) => pool?.start(files)), listPublic(options.root)]));
  const parsed = await timer.time('parse', () => parseSources(sources, config, now, diag, { ...options, pool }));
  const site = await timer.time('collect', () =>
    collectSite({ ...parsed, assets: [...publicFiles, ...parsed.assets] }, config, { drafts: options.drafts, future: options.future, now }, diag),
  );
  return { site, diag };
}

/**
 * Render stage: every route through its template (file routes pass through), each page handed
 * to `out` as soon as it is rendered; with the build's worker threads running, post pages render
 * there (see render-pages.ts). Returns the files written; template problems go to `diag`.
 */
export async function renderRoutes(
  routes: Route[],
  render: ReturnType<typeof createRenderer>,
  out: PageOutput,
  diag: Diagnostics,
  pooled?: { pool: BuildPool; renderer: RendererOptions },
): Promise<string[]> {
  const problems = await renderPages(routes, render, out, pooled);
  diag.add(mergeTemplateProblems(problems.filter((p): p is Problem => p !== undefined)));
  return routes.filter((_, i) => !problems[i]).map((r) => outputPath(r.url));
}

/**
 * Feeds and the sitemap as UTF-8 bytes from the route stage on: they wait for the render stage
 * to write them, and as bytes they take half the memory (a 16,000-post site's feeds: ~90 MB).
 */
function encodeFiles(routes: Route[]): Route[] {
  for (const route of routes) if (route.kind === 'file' && typeof route.body === 'string') route.body = Buffer.from(route.body);
  return routes;
}

/**
 * Builds the site. Throws SiteError (every problem found) when anything is wrong;
 * the previous output is then left exactly as it was.
 */
export async function buildSite(options: BuildOptions, writer?: Writer): Promise<BuildResult> {
  const timer = new Timer();
  if (!writer) await checkOutputFolder(options.root, options.out);
  await using pool = new BuildPool(options.workers);
  const { site, diag } = await loadSite(options, timer, pool);
  const routes = await timer.time('route', () => encodeFiles(routeSite(site, diag)));
  const renderer: RendererOptions = { root: options.root, config: site.config, globals: { drafts: options.drafts } };
  await using out = new PageOutput(writer ?? new FsWriter(options.out), routes.length + site.assets.length, options.onProgress);
  const written = await timer.time('render', () => renderRoutes(routes, createRenderer(renderer), out, diag, { pool, renderer }));
  await timer.time('check links', () => checkLinks(site, new Set([...written, ...site.assets.map((a) => a.to)]), diag));
  if (options.strict) diag.promoteWarnings();
  diag.throwIfErrors();
  await timer.time('write', () => out.finish(site.assets));
  return {
    site,
    pages: routes.filter((r) => r.kind === 'page').length,
    files: written.length + site.assets.length,
    warnings: sortProblems(diag.warnings),
    timings: timer.stages,
  };
}

export { SiteError };
