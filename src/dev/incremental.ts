/**
 * The site `folio dev` serves, kept in memory and brought up to date file by file.
 *
 * Every post and series file is parsed once and kept; a change re-parses only the files
 * that changed, collects the site again (pure and cheap), routes it, and renders only the
 * pages whose data or templates changed (page-fingerprint.ts, template-deps.ts).
 *
 * Editing the text of a post is the writer's loop, so it goes first: that post's page is
 * rendered on its own (`scope: 'first'`) and served at once; the pages that list it (series
 * neighbours, home, tags, archive, feeds) follow a moment later (`scope: 'rest'`), or at the
 * moment one of them is asked for, whichever is sooner — a stale page is never served.
 *
 * A rebuild with errors changes nothing that is served: the last good site stays.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { listPublic, parseSources } from '../build.js';
import { loadConfig } from '../config.js';
import { Diagnostics, sortProblems, type Problem } from '../errors.js';
import { isIgnored, kindOf, loadSources, readSource } from '../content/source.js';
import { folderOf, type ParseContext } from '../content/posts.js';
import { createParseContext, parseJob } from '../content/parse-worker.js';
import { collectSite } from '../collect/site.js';
import { collectSeries } from '../collect/series.js';
import { routeSite } from '../render/routes.js';
import { createRenderer, mergeTemplateProblems, type RenderPage } from '../render/templates.js';
import { checkLinks } from '../render/links.js';
import { outputPath } from '../output/writer.js';
import { isProblem } from '../yaml.js';
import { Fingerprinter, ParseIds } from './page-fingerprint.js';
import { TemplateGraph } from './template-deps.js';
import type { Post, Route, SeriesMeta, Site, SiteConfig, SourceFile } from '../types.js';

export interface DevSiteOptions {
  /** The site folder (absolute). */
  root: string;
  drafts: boolean;
  /** Where the preview is served (`http://127.0.0.1:4000`): absolute URLs in pages point there. */
  origin: string;
  /** Told about every rebuild, good or failed (the terminal and the browsers listen). */
  onReport: (report: RebuildReport) => void;
}

export interface RebuildReport {
  ok: boolean;
  /** The files whose change caused this rebuild, relative to the root (empty for the first build). */
  changed: string[];
  /** Output paths (`posts/x/index.html`) whose content changed or that are gone. */
  updated: string[];
  /** `first`: only the edited posts' pages, the rest follows; `rest`: that rest; `all`: everything affected. */
  scope: 'first' | 'rest' | 'all';
  ms: number;
  /** When failed: every error, and the warnings not reported before; when good: new warnings. */
  problems: Problem[];
  counts: { pages: number; posts: number; series: number; tags: number };
}

/** A file of the built site: a rendered page, a feed, the sitemap… */
export interface ServedFile {
  /**
   * Pages as bytes: thousands of pages kept as strings make every garbage collection slow.
   * Feeds and other files as the text routing made, to compare with the next one as it is.
   */
  body: Buffer | string;
  /** The build number at which this body last changed. */
  version: number;
  /** What the page was rendered from (pages only): same fingerprint, same page. */
  fingerprint?: string;
}

interface SourceEntry {
  kind: 'post' | 'series';
  /** Undefined when the file cannot make a page (its problems say why). */
  parsed: Post | SeriesMeta | undefined;
  problems: Problem[];
}

/** How long a step of a rebuild in steps may hold the server up (ms), apart from routing. */
const SLICE_MS = 8;

const newestFirst = (a: Post, b: Post) => b.date.getTime() - a.date.getTime() || a.source.localeCompare(b.source);

export class DevSite {
  private config!: SiteConfig;
  private configKey = '';
  private parseContext!: ParseContext;
  private renderer!: RenderPage;
  private templates!: TemplateGraph;
  /** Problems of site.yaml and of the site's folders (not of one source file). */
  private siteProblems: Problem[] = [];
  private readonly sources = new Map<string, SourceEntry>();
  /** Series slug -> its posts and its series/ file (by path): an edited part's series, without a search. */
  private readonly bySeries = new Map<string, Set<string>>();
  /** Files under posts/ that are not Markdown. */
  private readonly postFiles = new Set<string>();
  /** Folder post folder -> its other files. */
  private colocated = new Map<string, string[]>();
  private publicFiles: Site['assets'] = [];
  private readonly ids = new ParseIds();
  /** Pages to render again whatever their data: their templates changed since the last good build. */
  private staleTemplates: ((template: string) => boolean) | undefined;

  private files = new Map<string, ServedFile>();
  private assets = new Map<string, string>();
  private assetsVersion = 0;
  private version = 0;
  private loaded = false;
  private failure: Problem[] | undefined;
  private reportedWarnings = new Set<string>();
  private linkWarnings = { written: '', byPost: new WeakMap<Post, Problem[]>() };
  private counts: RebuildReport['counts'] = { pages: 0, posts: 0, series: 0, tags: 0 };

  /** A rebuild going on in steps (completeRestInSteps). */
  private inSlices: Generator<void, void, undefined> | undefined;
  /** Set after a `first` rebuild: the pages rendered in it are up to date, the others maybe not. */
  private rest: { changed: string[]; fresh: Set<string>; started: number } | undefined;

  /** Tells this run's pages from a previous run's (after a restart, open pages reload). */
  private readonly session = randomUUID().slice(0, 8);

  constructor(private readonly options: DevSiteOptions) {}

  // ---------------------------------------------------------------- what the server asks

  /** The path part of the site's URL (`/` or `/blog/`): the site is served under it. */
  get basePath(): string {
    return this.config?.basePath ?? '/';
  }

  /** The errors of the last rebuild, while they last. */
  get problems(): Problem[] | undefined {
    return this.failure;
  }

  /** Whether some good build has been served yet. */
  get hasSite(): boolean {
    return this.loaded;
  }

  /** A page or file of the site by output path (`posts/x/index.html`), up to date. */
  file(key: string): ServedFile | undefined {
    if (this.rest && !this.rest.fresh.has(key) && !this.assets.has(key)) this.completeRest();
    return this.files.get(key);
  }

  /** The absolute path of a static file (public/, or beside a post) by output path. */
  asset(key: string): string | undefined {
    return this.assets.get(key);
  }

  exists(key: string): boolean {
    return this.files.has(key) || this.assets.has(key);
  }

  /**
   * Names what a browser showing `key` has: when it differs from the token the page was
   * served with, the page is out of date and the browser reloads.
   */
  token(key: string | undefined): string {
    if (!this.loaded) return `${this.session}:no-site`;
    const shown = key !== undefined && this.exists(key) ? key : '404.html';
    const file = this.files.get(shown);
    return `${this.session}:${shown}@${file?.version ?? 0}.${this.assetsVersion}`;
  }

  // ---------------------------------------------------------------- building

  /** The first build: reads everything. */
  async load(changed: string[] = []): Promise<void> {
    const started = performance.now();
    const diag = new Diagnostics();
    const config = await loadConfig(this.options.root, diag);
    if (diag.hasErrors()) {
      this.siteProblems = diag.problems;
      this.fail(changed, 'all', started, sortProblems(diag.problems));
      return;
    }
    this.useConfig(config);
    const root = this.options.root;
    const [sources, publicFiles, templates] = await Promise.all([loadSources(root, diag), listPublic(root), TemplateGraph.read(root)]);
    this.publicFiles = publicFiles;
    this.templates = templates;
    this.sources.clear();
    this.bySeries.clear();
    this.postFiles.clear();
    for (const s of sources) if (s.kind === 'asset') this.postFiles.add(s.path);
    const parsed = await parseSources(sources, this.config, new Date(), diag);
    const byFile = new Map<string, Problem[]>();
    const siteProblems: Problem[] = [];
    for (const p of diag.problems) {
      if (p.file && /^(posts|series)\//.test(p.file)) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
      else siteProblems.push(p);
    }
    this.siteProblems = siteProblems;
    const results = new Map<string, Post | SeriesMeta>();
    for (const x of [...parsed.posts, ...parsed.seriesMeta]) results.set(x.source, x);
    for (const file of new Set([...sources.filter((s) => s.kind !== 'asset').map((s) => s.path), ...byFile.keys()])) {
      const result = results.get(file);
      if (result) this.ids.mark(result);
      this.setSource(file, { kind: kindOf(file) === 'series' ? 'series' : 'post', parsed: result, problems: byFile.get(file) ?? [] });
    }
    this.colocated = this.findColocated();
    this.staleTemplates = () => true;
    this.rebuildAll(changed, 'all', started);
    // Large sites are parsed in worker threads: parse one post here too, so that the first
    // save does not wait for the Markdown code to be compiled on this thread.
    const sample = sources.find((s) => s.kind === 'post');
    if (sample) parseJob({ source: sample }, { ...this.parseContext, diag: new Diagnostics() });
  }

  /**
   * Brings the site up to date with the files at these paths (relative to the root, `/`
   * separators), whatever happened to them: each is read again, or dropped if it is gone.
   */
  async update(changed: string[]): Promise<void> {
    const started = performance.now();
    // A rest in progress would serve what this change makes old; it is done again after.
    this.inSlices = undefined;
    if (!this.loaded && !this.config) return this.load(changed);
    if (changed.includes('site.yaml')) {
      const diag = new Diagnostics();
      const config = await loadConfig(this.options.root, diag);
      const siteProblems = this.siteProblems.filter((p) => p.file !== 'site.yaml');
      this.siteProblems = [...siteProblems, ...diag.problems];
      if (diag.hasErrors()) return this.fail(changed, 'all', started, this.allErrors());
      // Any other setting can change every page (the base path, the permalink, the time zone…).
      if (this.devConfigKey(config) !== this.configKey) return this.load(changed);
    }

    const templateNames = changed.filter((f) => f.startsWith('templates/')).map((f) => f.slice('templates/'.length));
    if (templateNames.length > 0) {
      this.templates = await TemplateGraph.read(this.options.root);
      // A fresh environment: Nunjucks keeps compiled templates for the life of one.
      this.renderer = this.createRenderer();
      const affected = this.templates.affectedBy(templateNames);
      const before = this.staleTemplates;
      this.staleTemplates = before ? (t) => before(t) || affected(t) : affected;
    }
    const publicChanged = changed.some((f) => f.startsWith('public/'));
    if (publicChanged) this.publicFiles = await listPublic(this.options.root);

    const content = changed.filter((f) => /^(posts|series)\//.test(f) && !f.split('/').some(isIgnored));
    const before = new Map(content.map((f) => [f, this.sources.get(f)]));
    const reread = await this.readContent(content);
    const editedOnly =
      changed.length === content.length && content.length > 0 && reread.every((f) => before.get(f)?.parsed !== undefined);
    if (editedOnly && this.isEditInPlace(reread, before)) {
      const done = this.rebuildEditedPages(changed, reread, started);
      if (done) return;
    }
    this.rebuildAll(changed, 'all', started);
  }

  /** The rest after a `first` rebuild, if it is still to do: at once (a page of it is asked for). */
  completeRest(): void {
    const steps = this.inSlices;
    this.inSlices = undefined;
    if (steps) for (const _ of steps);
    else if (this.rest) this.rebuildAll(this.rest.changed, 'rest', performance.now());
  }

  /** The rest after a `first` rebuild, in steps; dropped if a change comes meanwhile. */
  async completeRestInSteps(): Promise<void> {
    if (!this.rest || this.inSlices) return;
    const steps = this.rebuildSteps(this.rest.changed, 'rest', performance.now());
    this.inSlices = steps;
    while (this.inSlices === steps) {
      if (steps.next().done) {
        this.inSlices = undefined;
        return;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  get restPending(): boolean {
    return this.rest !== undefined;
  }

  // ---------------------------------------------------------------- inside

  private devConfig(config: SiteConfig): SiteConfig {
    return { ...config, url: this.options.origin + config.basePath };
  }

  private devConfigKey(config: SiteConfig): string {
    return JSON.stringify(this.devConfig(config));
  }

  private useConfig(config: SiteConfig): void {
    this.config = this.devConfig(config);
    this.configKey = JSON.stringify(this.config);
    this.parseContext = createParseContext(this.config, new Date(), new Diagnostics());
    this.renderer = this.createRenderer();
  }

  private createRenderer(): RenderPage {
    return createRenderer({ root: this.options.root, config: this.config, globals: { drafts: this.options.drafts } });
  }

  /**
   * Reads and parses the changed posts/ and series/ files, and the folder posts whose
   * colocated files changed. Returns the Markdown files parsed.
   */
  private async readContent(paths: string[]): Promise<string[]> {
    const root = this.options.root;
    const read = new Map<string, { source: SourceFile | undefined; problems: Problem[] }>();
    // A file came or went: which files belong to which folder post may have changed.
    let moved = false;
    const forget = (rel: string) => {
      const under = (key: string) => key === rel || key.startsWith(`${rel}/`);
      for (const key of [...this.sources.keys()].filter(under)) {
        this.deleteSource(key);
        moved = true;
      }
      for (const key of [...this.postFiles].filter(under)) {
        this.postFiles.delete(key);
        moved = true;
      }
    };
    const readMarkdown = async (rel: string, kind: SourceEntry['kind']) => {
      const diag = new Diagnostics();
      try {
        read.set(rel, { source: await readSource(root, rel, kind, diag), problems: diag.problems });
        return true;
      } catch {
        forget(rel); // gone (or a folder, whose files come as their own changes)
        return false;
      }
    };
    for (const rel of paths) {
      const kind = kindOf(rel);
      if (kind !== 'asset') {
        if ((await readMarkdown(rel, kind)) && !this.sources.has(rel)) {
          // Known from now on, so that the files beside it are its own.
          this.setSource(rel, { kind, parsed: undefined, problems: [] });
          moved = true;
        }
        continue;
      }
      if (!rel.startsWith('posts/')) continue; // series/ holds only Markdown
      let isFile = false;
      try {
        isFile = (await stat(path.join(root, rel))).isFile();
      } catch {
        // gone
      }
      if (!isFile) forget(rel);
      else if (!this.postFiles.has(rel)) {
        this.postFiles.add(rel);
        moved = true;
      }
    }
    if (moved) {
      const colocated = this.findColocated();
      for (const folder of new Set([...colocated.keys(), ...this.colocated.keys()])) {
        const index = `${folder}/index.md`;
        const changed = (colocated.get(folder) ?? []).join('\n') !== (this.colocated.get(folder) ?? []).join('\n');
        if (changed && this.sources.has(index) && !read.has(index)) await readMarkdown(index, 'post');
      }
      this.colocated = colocated;
    }

    const parsed: string[] = [];
    for (const [rel, { source, problems }] of read) {
      const kind = kindOf(rel) === 'series' ? 'series' : 'post';
      const diag = new Diagnostics();
      diag.add(problems);
      let result: Post | SeriesMeta | undefined;
      if (source) {
        const folder = folderOf(rel);
        this.parseContext.diag = diag;
        this.parseContext.now = new Date();
        result = parseJob({ source, colocated: folder ? this.colocated.get(folder) : undefined }, this.parseContext);
        if (result) this.ids.mark(result);
      }
      this.setSource(rel, { kind, parsed: result, problems: diag.problems });
      parsed.push(rel);
    }
    return parsed;
  }

  private setSource(file: string, entry: SourceEntry): void {
    this.unindex(file);
    this.sources.set(file, entry);
    const slug = seriesSlugOf(entry);
    if (slug === undefined) return;
    let files = this.bySeries.get(slug);
    if (!files) this.bySeries.set(slug, (files = new Set()));
    files.add(file);
  }

  private deleteSource(file: string): void {
    this.unindex(file);
    this.sources.delete(file);
  }

  private unindex(file: string): void {
    const slug = seriesSlugOf(this.sources.get(file));
    if (slug !== undefined) this.bySeries.get(slug)?.delete(file);
  }

  /** Folder post folder -> its non-Markdown files (as the build decides them). */
  private findColocated(): Map<string, string[]> {
    const folders = new Set<string>();
    for (const [file, entry] of this.sources) {
      const folder = entry.kind === 'post' ? folderOf(file) : undefined;
      if (folder) folders.add(folder);
    }
    const colocated = new Map<string, string[]>();
    for (const file of [...this.postFiles].sort()) {
      const owner = this.owningFolder(file, folders);
      if (owner) colocated.set(owner, [...(colocated.get(owner) ?? []), file]);
    }
    return colocated;
  }

  private owningFolder(file: string, folders: Set<string>): string | undefined {
    let dir = path.posix.dirname(file);
    while (dir !== '.' && !folders.has(dir)) dir = path.posix.dirname(dir);
    return dir === '.' ? undefined : dir;
  }

  private isOnSite(post: Post): boolean {
    return (this.options.drafts || !post.draft) && !post.future;
  }

  /** Only existing posts changed, each still a page at the same URL, with no errors. */
  private isEditInPlace(files: string[], before: Map<string, SourceEntry | undefined>): boolean {
    if (this.failure || !this.loaded || this.staleTemplates) return false;
    return files.every((file) => {
      const old = before.get(file)?.parsed;
      const now = this.sources.get(file);
      if (!old || !now?.parsed || now.kind !== 'post' || now.problems.some((p) => p.severity === 'error')) return false;
      const [a, b] = [old as Post, now.parsed as Post];
      return a.url === b.url && this.isOnSite(a) && this.isOnSite(b) && this.files.has(outputPath(b.url));
    });
  }

  /**
   * The `first` rebuild: the edited posts' pages alone, each with its series navigation
   * collected from its own series. Returns false when that cannot be done (then everything is).
   */
  private rebuildEditedPages(changed: string[], files: string[], started: number): boolean {
    const edited = files.map((f) => this.sources.get(f)!.parsed as Post);
    const seriesNav: Site['seriesNav'] = new Map();
    for (const post of edited) {
      if (!post.series || post.unlisted || seriesNav.has(post.source)) continue;
      const slug = post.series.slug;
      const members = [...(this.bySeries.get(slug) ?? [])].map((file) => this.sources.get(file)!);
      const group = members
        .filter((e) => e.kind === 'post')
        .map((e) => e.parsed as Post)
        .filter((p) => !p.unlisted && this.isOnSite(p))
        .sort(newestFirst);
      const metas = members.filter((e) => e.kind === 'series').map((e) => e.parsed as SeriesMeta);
      const diag = new Diagnostics();
      const { nav } = collectSeries(group, metas, diag);
      if (diag.hasErrors()) return false;
      for (const [source, n] of nav) seriesNav.set(source, n);
    }
    // The same routing as the whole site, over a site that holds only these posts.
    const only: Site = { config: this.config, posts: edited, listed: [], series: [], seriesNav, tags: [], archive: [], cpd: null, assets: [], drafts: this.options.drafts };
    const sources = new Set(edited.map((p) => p.source));
    const routes = routeSite(only, new Diagnostics()).filter(
      (r): r is Extract<Route, { kind: 'page' }> => r.kind === 'page' && r.source !== undefined && sources.has(r.source),
    );
    const fingerprints = new Fingerprinter(this.ids);
    const renderedPages: { key: string; body: Buffer; fingerprint: string }[] = [];
    for (const route of routes) {
      const page = this.renderer(route);
      if (isProblem(page)) return false;
      renderedPages.push({ key: outputPath(route.url), body: toBytes(page.body), fingerprint: fingerprints.route(route) });
    }
    const version = this.version + 1;
    const updated: string[] = [];
    for (const { key, body, fingerprint } of renderedPages) {
      const old = this.files.get(key);
      if (old && sameBody(old.body, body)) this.files.set(key, { ...old, fingerprint });
      else {
        this.files.set(key, { body, version, fingerprint });
        updated.push(key);
      }
    }
    if (updated.length > 0) this.version = version;
    const fresh = this.rest?.fresh ?? new Set<string>();
    for (const { key } of renderedPages) fresh.add(key);
    this.rest = { changed: [...new Set([...(this.rest?.changed ?? []), ...changed])], fresh, started };
    const problems = this.newWarnings(files.flatMap((f) => this.sources.get(f)!.problems), false);
    this.options.onReport({ ok: true, changed, updated, scope: 'first', ms: performance.now() - started, problems, counts: this.counts });
    return true;
  }

  private allErrors(): Problem[] {
    const problems = [...this.siteProblems];
    for (const entry of this.sources.values()) problems.push(...entry.problems);
    return sortProblems(problems.filter((p) => p.severity === 'error'));
  }

  /** Collect, route, render what changed, check links; serve it all if there is no error. */
  private rebuildAll(changed: string[], scope: 'rest' | 'all', started: number): void {
    this.inSlices = undefined;
    for (const _ of this.rebuildSteps(changed, scope, started));
  }

  /**
   * The same in steps, with a pause for the server between them (the biggest step is routing
   * the site). Nothing is served from it until its last step, so it can be dropped halfway.
   */
  private *rebuildSteps(changed: string[], scope: 'rest' | 'all', started: number): Generator<void, void, undefined> {
    if (scope === 'all' && this.rest) changed = [...new Set([...this.rest.changed, ...changed])];
    const diag = new Diagnostics();
    diag.add(this.siteProblems);
    const posts: Post[] = [];
    const seriesMeta: SeriesMeta[] = [];
    for (const entry of this.sources.values()) {
      diag.add(entry.problems);
      if (entry.parsed && entry.kind === 'post') posts.push(entry.parsed as Post);
      else if (entry.parsed) seriesMeta.push(entry.parsed as SeriesMeta);
    }
    const folders = new Set(this.colocated.keys());
    const postAssets = [...this.postFiles]
      .filter((f) => this.owningFolder(f, folders) === undefined)
      .map((f) => ({ from: path.join(this.options.root, f), to: f }));
    const now = new Date();
    const site = collectSite(
      { posts, seriesMeta, assets: [...this.publicFiles, ...postAssets] },
      this.config,
      { drafts: this.options.drafts, future: false, now },
      diag,
    );
    yield;
    const routes = routeSite(site, diag);
    yield;

    const version = this.version + 1;
    const next = new Map<string, ServedFile>();
    const updated: string[] = [];
    const renderProblems: Problem[] = [];
    const fingerprints = new Fingerprinter(this.ids);
    const stale = this.staleTemplates;
    let slice = performance.now();
    for (const route of routes) {
      if (performance.now() - slice > SLICE_MS) {
        yield;
        slice = performance.now();
      }
      const key = outputPath(route.url);
      const old = this.files.get(key);
      if (route.kind === 'file') {
        const body = route.body;
        if (old && sameBody(old.body, body)) next.set(key, old);
        else {
          next.set(key, { body, version });
          updated.push(key);
        }
        continue;
      }
      const fingerprint = fingerprints.route(route);
      if (old && old.fingerprint === fingerprint && !stale?.(route.template)) {
        next.set(key, old);
        continue;
      }
      const page = this.renderer(route);
      if (isProblem(page)) {
        renderProblems.push(page);
        continue;
      }
      const body = toBytes(page.body);
      if (old && sameBody(old.body, body)) next.set(key, { ...old, fingerprint });
      else {
        next.set(key, { body, version, fingerprint });
        updated.push(key);
      }
    }
    diag.add(mergeTemplateProblems(renderProblems));
    this.checkLinks(site, routes, diag);
    yield;

    this.rest = undefined;
    if (diag.hasErrors()) {
      const problems = sortProblems(diag.problems);
      return this.fail(changed, scope, started, sortProblems([...problems.filter((p) => p.severity === 'error'), ...this.newWarnings(problems, true)]));
    }
    for (const key of this.files.keys()) if (!next.has(key)) updated.push(key);
    const assets = new Map(site.assets.map((a) => [a.to, a.from]));
    const assetsChanged = assets.size !== this.assets.size || [...assets].some(([to, from]) => this.assets.get(to) !== from);
    const publicChanged = changed.some((f) => f.startsWith('public/') || (f.startsWith('posts/') && kindOf(f) === 'asset'));
    if (assetsChanged || publicChanged) this.assetsVersion = version;
    if (updated.length > 0 || assetsChanged || publicChanged) this.version = version;
    this.files = next;
    this.assets = assets;
    this.staleTemplates = undefined;
    this.failure = undefined;
    this.loaded = true;
    this.counts = { pages: routes.filter((r) => r.kind === 'page').length, posts: site.posts.length, series: site.series.length, tags: site.tags.length };
    const problems = this.newWarnings(sortProblems(diag.problems), true);
    this.options.onReport({ ok: true, changed, updated, scope, ms: performance.now() - started, problems, counts: this.counts });
  }

  /** Link warnings of each post, checked again only when the post or the set of URLs changed. */
  private checkLinks(site: Site, routes: Route[], diag: Diagnostics): void {
    const written = [...routes.map((r) => outputPath(r.url)), ...site.assets.map((a) => a.to)];
    const signature = written.join('\n');
    if (signature !== this.linkWarnings.written) this.linkWarnings = { written: signature, byPost: new WeakMap() };
    let files: Set<string> | undefined;
    for (const post of site.posts) {
      let found = this.linkWarnings.byPost.get(post);
      if (!found) {
        files ??= new Set(written);
        const one = new Diagnostics();
        checkLinks({ ...site, posts: [post] }, files, one);
        found = one.problems;
        this.linkWarnings.byPost.set(post, found);
      }
      diag.add(found);
    }
  }

  /** Warnings not reported before (all of them when `replace`, which also forgets the old ones). */
  private newWarnings(problems: Problem[], replace: boolean): Problem[] {
    const warnings = problems.filter((p) => p.severity === 'warning');
    const fresh = warnings.filter((p) => !this.reportedWarnings.has(warningKey(p)));
    if (replace) this.reportedWarnings = new Set(warnings.map(warningKey));
    else for (const p of fresh) this.reportedWarnings.add(warningKey(p));
    return fresh;
  }

  private fail(changed: string[], scope: RebuildReport['scope'], started: number, problems: Problem[]): void {
    this.failure = problems.filter((p) => p.severity === 'error');
    this.options.onReport({ ok: false, changed, updated: [], scope, ms: performance.now() - started, problems, counts: this.counts });
  }
}

function seriesSlugOf(entry: SourceEntry | undefined): string | undefined {
  if (!entry?.parsed) return undefined;
  return entry.kind === 'post' ? (entry.parsed as Post).series?.slug : (entry.parsed as SeriesMeta).slug;
}

function warningKey(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}:${p.message}`;
}

function toBytes(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : body;
}

function sameBody(a: string | Buffer, b: string | Buffer): boolean {
  if (typeof a === 'string' || typeof b === 'string') return typeof a === typeof b && a === b;
  return a.equals(b);
}
