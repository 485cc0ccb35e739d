/**
 * The pipeline, one stage a line:
 *   loadSite()  = config -> load -> parse -> collect
 *   buildSite() = loadSite -> route -> render -> check links -> write
 * With worker threads (large sites) "parse" reads only the front matter, the site is routed
 * at once, and a stage "markdown" renders the bodies in batches in the threads; meanwhile the
 * main thread makes each post's page as its batch comes back (content/parse-pool.ts,
 * render/post-batch.ts) and every other page or feed as soon as the bodies it shows are in
 * (render/waiting-routes.ts); render then does what is left.
 * Rendered pages go straight into the writer's staging (never the whole site in memory);
 * the write stage adds the assets and commits — or nothing is kept, if anything went wrong.
 */
import path from 'node:path';
import { Diagnostics, SiteError, sortProblems, type Problem } from './errors.js';
import { loadConfig } from './config.js';
import { listFolder, listSources, readListed, type ListedSource } from './content/source.js';
import { createParseContext, detached, parseJob, type ParseJob } from './content/parse-worker.js';
import { PostQueue, type FinishedPost, type PageTarget } from './content/parse-pool.js';
import { folderOf, parsePostHead, parseSeriesMeta, type PostBodyJob } from './content/posts.js';
import { BuildPool } from './pool.js';
import { PageWriter, renderPages } from './render/render-pages.js';
import { WaitingRoutes } from './render/waiting-routes.js';
import { PageOutput } from './output/page-output.js';
import { collectSite, isBuilt } from './collect/site.js';
import { postPageRoute, routeSite } from './render/routes.js';
import { BUILTIN_PUBLIC, createRenderer, mergeTemplateProblems, THEME_PAGES_WITHOUT_BODIES, themeOwnTemplates, type RendererOptions, type RenderPage } from './render/templates.js';
import { checkLinks, LinkCheck } from './render/links.js';
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

export interface ParsedSources {
  posts: Post[];
  seriesMeta: SeriesMeta[];
  assets: Site['assets'];
}

/** With worker threads: the bodies still being rendered (the posts are only their front matter until then). */
interface PendingBodies {
  queue: PostQueue;
  /** The post each queued body belongs to, by the body's index. */
  posts: Post[];
  /** Series posts, queued once the site is collected (a series' parts go in one batch). */
  held: Map<Post, PostBodyJob>;
}

/** A build's pages: made with the posts' bodies when the site is built with threads. */
interface PageMaking extends PageTarget {
  isBuilt: (post: Post) => boolean;
}

/**
 * Parse stage: sources -> posts, series metadata and loose assets (copied as they are).
 * Large sites are parsed in worker threads too (`workers`: see workerThreads) — the build's
 * `pool`, else threads of its own; the result is the same. Returns complete posts.
 */
export async function parseSources(
  sources: SourceFile[],
  config: SiteConfig,
  now: Date,
  diag: Diagnostics,
  { workers, onProgress, pool }: Pick<BuildOptions, 'workers' | 'onProgress'> & { pool?: BuildPool } = {},
): Promise<ParsedSources> {
  await using ownPool = pool ? undefined : new BuildPool(workers);
  const { bodies, ...parsed } = await startParse(sources, (source) => source, config, now, diag, pool ?? ownPool!, onProgress);
  if (bodies) await completeBodies(bodies, diag);
  return parsed;
}

/**
 * Parses the sources, each read (`read`) just before it is parsed. With worker threads running
 * only the front matter is read here: the Markdown bodies are queued for the threads
 * (`bodies`), together with the pages of posts in no series when `pages` is given; series posts
 * wait in `held` for the site to be collected.
 */
async function startParse<Listed extends ListedSource>(
  sources: readonly Listed[],
  read: (source: Listed) => SourceFile | undefined,
  config: SiteConfig,
  now: Date,
  diag: Diagnostics,
  threads: BuildPool,
  onProgress: BuildOptions['onProgress'],
  pages?: PageMaking,
): Promise<ParsedSources & { bodies?: PendingBodies }> {
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
  const files = sources.filter((s) => s.kind !== 'asset');
  const job = (listed: Listed): ParseJob | undefined => {
    const source = read(listed);
    return source && { source, colocated: source.kind === 'post' ? colocated.get(folderOf(source.path) ?? '') : undefined };
  };
  const progress = onProgress && ((done: number) => onProgress({ stage: 'parse', done, total: files.length }));
  const posts: Post[] = [];
  const seriesMeta: SeriesMeta[] = [];
  const ctx = createParseContext(config, now, diag);
  if (!threads.start(files.length)) {
    // Every source read first: with nothing to overlap, reading each just before its Markdown is
    // rendered made 1,000 posts 0.86 -> 0.89 s (21 interleaved runs).
    files.map(job).forEach((parsing, i) => {
      const parsed = parsing && detached(parseJob(parsing, ctx));
      if (parsed) (parsing.source.kind === 'series' ? seriesMeta.push(parsed as SeriesMeta) : posts.push(parsed as Post));
      if (progress && i % 50 === 49) progress(i + 1);
    });
    return { posts, seriesMeta, assets };
  }
  const bodies: PendingBodies = { queue: new PostQueue(threads, config, pages), posts: [], held: new Map() };
  for (let i = 0; i < files.length; i++) {
    const parsing = job(files[i]);
    if (!parsing) continue;
    const { source, colocated } = parsing;
    if (source.kind === 'series') {
      const meta = parseSeriesMeta(source, ctx);
      if (meta) seriesMeta.push(detached(meta));
    } else {
      const head = parsePostHead(source, ctx, colocated);
      if (head) {
        // Not detached: its strings come from the front matter's own copy (see parseFrontMatter).
        const post = head.post;
        posts.push(post);
        if (pages && post.series) bodies.held.set(post, head.body);
        else bodies.posts[bodies.queue.addAlone(head.body, pages?.isBuilt(post) ? post : null)] = post;
      }
    }
    if (i % 50 === 49) {
      progress?.(i + 1);
      // Lets the threads start on the bodies queued so far.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  if (!pages) bodies.queue.close();
  return { posts, seriesMeta, assets, bodies };
}

/** The held series posts to the queue, now that the site is collected: each series' parts in one batch. */
function queueHeld(site: Site, { queue, posts, held }: PendingBodies, isBuilt: (post: Post) => boolean): void {
  for (const series of site.series) {
    const parts = series.parts.map((p) => p.post).filter((p) => held.has(p));
    const first = queue.addSeries(
      parts.map((p) => held.get(p)!),
      parts,
      parts.map((p) => [p.source, site.seriesNav.get(p.source)!]),
    );
    parts.forEach((p, k) => {
      posts[first + k] = p;
      held.delete(p);
    });
  }
  // Series posts that are no part of one (unlisted, or not built): their page, if any, stands alone.
  for (const [post, job] of held) posts[queue.addAlone(job, isBuilt(post) ? post : null)] = post;
  held.clear();
  queue.close();
}

/**
 * Waits for every body and assigns it to its post; the bodies' problems go to `diag`, in source
 * order. `whenIdle`, while no bodies are ready: other work, true if it did some.
 */
async function completeBodies(
  { queue, posts }: PendingBodies,
  diag: Diagnostics,
  onPost?: (post: Post, finished: FinishedPost) => void | Promise<void>,
  whenIdle?: () => Promise<boolean>,
): Promise<void> {
  for (;;) {
    let done = queue.ready();
    if (!done && whenIdle && (await whenIdle())) continue;
    done ??= await queue.next();
    if (!done) break;
    // Every body of the batch first: a series part's page may show the other parts'.
    for (const finished of done) Object.assign(posts[finished.index], finished.body);
    for (const finished of done) await onPost?.(posts[finished.index], finished);
  }
  diag.add(queue.problemsInOrder());
}

/** public/ files: the built-in theme's first, then the site's own (same path wins). */
export async function listPublic(root: string): Promise<Site['assets']> {
  const byPath = new Map([...(await listFolder(BUILTIN_PUBLIC)), ...(await listFolder(path.join(root, 'public')))]);
  // By code unit, not localeCompare: its first call sets up ICU collation (~9 ms), before the first post is read.
  return [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([to, from]) => ({ from, to }));
}

/** The site, complete. `pool`: the build's worker threads, when it has them. */
export async function loadSite(options: BuildOptions, timer = new Timer(), pool?: BuildPool): Promise<LoadedSite> {
  const { site, diag, bodies } = await beginSite(options, timer, pool);
  if (bodies) await timer.time('markdown', () => completeBodies(bodies, diag));
  return { site, diag };
}

/**
 * config -> load -> parse -> collect. With worker threads the posts' bodies may still be
 * rendering when this returns (`bodies`): the site model needs only their front matter. Given
 * `pages`, the threads make the posts' pages too, as their bodies are done.
 */
async function beginSite(
  options: BuildOptions,
  timer: Timer,
  pool?: BuildPool,
  pages?: (config: SiteConfig) => PageTarget,
): Promise<LoadedSite & { bodies?: PendingBodies; target?: PageTarget }> {
  const diag = new Diagnostics();
  const now = options.now ?? new Date();
  const config = await timer.time('config', () => loadConfig(options.root, diag, options.baseUrl));
  // Listed here; each source is read as it is parsed (see startParse).
  const [sources, publicFiles] = await timer.time('load', () => Promise.all([listSources(options.root, diag), listPublic(options.root)]));
  await using ownPool = pool ? undefined : new BuildPool(options.workers);
  const collectOptions = { drafts: Boolean(options.drafts), future: Boolean(options.future), now };
  const target = pages?.(config);
  const making = target && { ...target, isBuilt: (post: Post) => isBuilt(post, collectOptions) };
  const { bodies, ...parsed } = await timer.time('parse', () => startParse(sources, (listed) => readListed(listed, diag), config, now, diag, pool ?? ownPool!, options.onProgress, making));
  if (ownPool && bodies) await completeBodies(bodies, diag);
  const site = await timer.time('collect', () => collectSite({ ...parsed, assets: [...publicFiles, ...parsed.assets] }, config, collectOptions, diag));
  if (bodies && making && !ownPool) queueHeld(site, bodies, making.isBuilt);
  return { site, diag, bodies: ownPool ? undefined : bodies, target };
}

/**
 * Render stage: every route through its template (file routes pass through), each page handed
 * to the output as soon as it is rendered — but the routes done in the Markdown stage of a
 * threaded build (`early`: see finishPosts). Returns the files written; template problems go to
 * `diag`, in route order whichever thread met them (a mistake met on many pages is reported
 * once, naming the first).
 */
export async function renderRoutes(routes: Route[], pages: PageWriter, diag: Diagnostics, early?: EarlyPages): Promise<string[]> {
  const isMade = (r: Route) => early !== undefined && r.kind === 'page' && r.source !== undefined && early.made.sources.has(r.source);
  const isDone = (r: Route) => isMade(r) || early?.rendered.has(r) === true;
  const todo = early ? routes.filter((r) => !isDone(r)) : routes;
  const problems = await renderPages(todo, pages);
  const problemOf = new Map(todo.map((r, i) => [r, problems[i]]));
  const problemOfRoute = (r: Route) => (isMade(r) ? early!.made.problems.get(r.source!) : (early?.rendered.get(r) ?? problemOf.get(r)));
  const inOrder = routes.map(problemOfRoute);
  diag.add(mergeTemplateProblems(inOrder.filter((p): p is Problem => p !== undefined)));
  const written = routes.filter((r, i) => !isMade(r) && inOrder[i] === undefined).map((r) => outputPath(r.url));
  if (early) written.push(...early.made.written);
  return written;
}

/** Routes done in the Markdown stage of a threaded build. */
interface EarlyPages {
  /** Post pages made with their bodies: their sources, the files written, and template problems by source. */
  made: { sources: Set<string>; written: string[]; problems: Map<string, Problem> };
  /** Other routes, rendered once the bodies they show were in: their template problems (undefined: written). */
  rendered: Map<Route, Problem | undefined>;
  /**
   * The posts' links, checked as their bodies came in against every file the routes write
   * (the answer checkLinks gives when every page is written): what they found, and which posts.
   */
  links: { check: LinkCheck; found: Diagnostics; posts: Set<Post> };
}

/**
 * The Markdown stage of a threaded build: the posts' bodies as the threads finish them, with
 * their pages (written by a worker, or made here); and, while no bodies are ready, every
 * other route whose posts' bodies are in.
 */
async function finishPosts(root: string, site: Site, bodies: PendingBodies, routes: Route[], render: RenderPage, pages: PageWriter, diag: Diagnostics): Promise<EarlyPages> {
  const files = new Set([...routes.map((r) => outputPath(r.url)), ...site.assets.map((a) => a.to)]);
  const links = { check: new LinkCheck(site, files), found: new Diagnostics(), posts: new Set<Post>() };
  const early: EarlyPages = { made: { sources: new Set(), written: [], problems: new Map() }, rendered: new Map(), links };
  const postPages = new Set(site.posts.map((p) => p.source));
  const sitePosts = new Set(site.posts);
  const themeOwn = themeOwnTemplates(root);
  const waiting = new WaitingRoutes(
    routes.filter((r) => !(r.kind === 'page' && r.source !== undefined && postPages.has(r.source))),
    new Set(bodies.posts),
    (r) => r.kind === 'page' && THEME_PAGES_WITHOUT_BODIES.has(r.template) && themeOwn(r.template),
  );
  const renderReady = async (): Promise<boolean> => {
    let any = false;
    for (let i = waiting.take(); i !== undefined; i = waiting.take()) {
      const route = waiting.routes[i];
      early.rendered.set(route, await pages.route(route));
      any = true;
      if (await pages.pause()) break;
    }
    return any;
  };
  const { made } = early;
  await completeBodies(
    bodies,
    diag,
    async (post, finished) => {
      waiting.arrived(post);
      if (sitePosts.has(post)) {
        links.check.post(post, links.found);
        links.posts.add(post);
      }
      const page = finished.pageHere ? render(postPageRoute(site, post)) : finished.page;
      if (page === undefined) return;
      made.sources.add(post.source);
      const problem = await pages.page(page);
      if (problem) made.problems.set(post.source, problem);
      else made.written.push(outputPath(post.url));
    },
    renderReady,
  );
  return early;
}

/**
 * Builds the site. Throws SiteError (every problem found) when anything is wrong;
 * the previous output is then left exactly as it was.
 */
/**
 * `threads`: worker threads the caller started already (the CLI starts them before it loads
 * this module, so that they load theirs meanwhile). The build closes them once every body is
 * in, or when it fails.
 */
export async function buildSite(options: BuildOptions, writer?: Writer, threads?: BuildPool): Promise<BuildResult> {
  const timer = new Timer();
  if (!writer) await checkOutputFolder(options.root, options.out);
  await using ownPool = threads ? undefined : new BuildPool(options.workers);
  const pool = threads ?? ownPool!;
  await using out = new PageOutput(writer ?? new FsWriter(options.out), 0, options.onProgress);
  // Disposed before `out`: if the build fails, the threads stop before its output is removed,
  // so that no worker is left writing pages into a folder being deleted.
  await using threadsStopped = { [Symbol.asyncDispose]: () => pool.close() };
  const pageTarget = (config: SiteConfig): PageTarget => {
    const renderer: RendererOptions = { root: options.root, config, globals: { drafts: options.drafts }, reusePartials: true };
    return { renderer, folder: out.folder, render: createRenderer(renderer) };
  };
  const { site, diag, bodies, target } = await beginSite(options, timer, pool, pageTarget);
  const { render } = target!;
  const pages = new PageWriter(render, out);
  // Routing needs only the posts' front matter: in a threaded build the bodies are still rendering.
  const routes = await timer.time('route', () => routeSite(site, diag));
  out.total = routes.length + site.assets.length;
  // Post pages are made with their bodies, in the threads and here, and the other pages as soon as the bodies they show are in.
  const early = bodies ? await timer.time('markdown', () => finishPosts(options.root, site, bodies, routes, render, pages, diag)) : undefined;
  // Every body is in: the threads have nothing more to do. They stop while the rest is done
  // (and before the output is removed if the build fails: threadsStopped waits for the same stop).
  const threadsClosed = pool.close();
  const written = await timer.time('render', () => renderRoutes(routes, pages, diag, early));
  await timer.time('check links', () => {
    // Every page written: the links checked as the bodies came in stand (the rest now).
    if (!early || written.length !== routes.length) return checkLinks(site, new Set([...written, ...site.assets.map((a) => a.to)]), diag);
    const { check, found, posts } = early.links;
    for (const post of site.posts) if (!posts.has(post)) check.post(post, found);
    check.nav(found);
    diag.add(found.problems);
  });
  if (options.strict) diag.promoteWarnings();
  diag.throwIfErrors();
  await timer.time('write', () => out.finish(site.assets));
  await threadsClosed;
  return {
    site,
    pages: routes.filter((r) => r.kind === 'page').length,
    files: written.length + site.assets.length,
    warnings: sortProblems(diag.warnings),
    timings: timer.stages,
  };
}

export { SiteError };
