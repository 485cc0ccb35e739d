/**
 * A batch of posts from Markdown to finished pages, in a worker thread (the task `renderPosts`,
 * see src/worker.ts) or on the main thread: each body rendered (renderPostBody), then, for the
 * posts that have a page, the page rendered and — given the writer's folder — written there.
 *
 * A batch holds every post its pages refer to: a post outside any series alone (its page needs
 * nothing else), or all the parts of one series (each part's page lists the others), so that
 * what crosses threads is the batch and nothing is waited for.
 */
import { Diagnostics, type Problem } from '../errors.js';
import { writeInto } from '../output/direct-write.js';
import { outputPath } from '../output/writer.js';
import { createParseContext } from '../content/parse-worker.js';
import { renderPostBody, type ParseContext, type PostBody, type PostBodyJob } from '../content/posts.js';
import { isProblem } from '../yaml.js';
import { postPageRoute } from './routes.js';
import { createRenderer, type RendererOptions, type RenderPage } from './templates.js';
import type { Page, Post, SeriesNav, SiteConfig } from '../types.js';

/** A page made in a batch: written into the batch's folder, or returned, or its template problem. */
export type MadePage = Page | Problem | 'written';

export interface PostBatch {
  config: SiteConfig;
  jobs: PostBodyJob[];
  /** Pages to make once the bodies are rendered; without, bodies only. */
  pages?: PostBatchPages;
}

export interface PostBatchPages {
  renderer: RendererOptions;
  /** The FsWriter's temporary folder; without one, pages come back to the caller. */
  folder?: string;
  /** Per job: its post (front matter only, the body is assigned here), or null when it has no page. */
  posts: (Post | null)[];
  /** The series navigation of these posts (it refers to the posts above). */
  seriesNav: [string, SeriesNav][];
}

export interface PostInBatch {
  body: PostBody;
  /** The body's problems, in the order they were found. */
  problems: Problem[];
  /** The page: written (into the batch's folder), returned, or its template problem. */
  page?: MadePage;
}

// One Markdown renderer and one template environment per thread and site (a worker lives for one build).
let markdown: { key: string; ctx: ParseContext } | undefined;
let templates: { key: string; render: RenderPage } | undefined;

/** `render`: the caller's own renderer for these options (the main thread has one already). */
export function renderPostBatch(batch: PostBatch, render?: RenderPage): PostInBatch[] {
  const configKey = JSON.stringify(batch.config);
  if (markdown?.key !== configKey) markdown = { key: configKey, ctx: createParseContext(batch.config, new Date(0), new Diagnostics()) };
  const ctx = markdown.ctx;
  const results: PostInBatch[] = batch.jobs.map((job) => {
    ctx.diag = new Diagnostics();
    return { body: renderPostBody(job, ctx), problems: ctx.diag.problems };
  });
  const pages = batch.pages;
  if (!pages) return results;
  if (!render) {
    const key = JSON.stringify(pages.renderer);
    if (templates?.key !== key) templates = { key, render: createRenderer(pages.renderer) };
    render = templates.render;
  }
  // Every body first: a series part's page may show the other parts' summaries.
  pages.posts.forEach((post, k) => post && Object.assign(post, results[k].body));
  const site = { config: batch.config, seriesNav: new Map(pages.seriesNav) };
  pages.posts.forEach((post, k) => {
    if (!post) return;
    const page = render(postPageRoute(site, post));
    if (isProblem(page) || pages.folder === undefined) results[k].page = page;
    else {
      writeInto(pages.folder, outputPath(page.url), page.body);
      results[k].page = 'written';
    }
  });
  return results;
}
