/**
 * Parsing source files. A single-threaded build (and dev) parses each file whole with
 * `parseJob`; with worker threads the main thread reads every front matter itself and the
 * Markdown bodies go to the threads (parse-pool.ts, render/post-batch.ts).
 */
import type { Diagnostics } from '../errors.js';
import { createMarkdown } from './markdown.js';
import { ownCopy } from './front-matter.js';
import { parsePost, parseSeriesMeta, type ParseContext, type PostBody } from './posts.js';
import type { Post, SeriesMeta, SiteConfig, SourceFile } from '../types.js';

export interface ParseJob {
  source: SourceFile;
  /** Colocated files of a folder post (paths relative to the root). */
  colocated?: string[];
}

export type Parsed = Post | SeriesMeta | undefined;

export function createParseContext(config: SiteConfig, now: Date, diag: Diagnostics): ParseContext {
  return { config, renderMarkdown: createMarkdown({ basePath: config.basePath }), now, diag };
}

/** A post or series file -> its Post or SeriesMeta (undefined when it cannot make a page). */
export function parseJob(job: ParseJob, ctx: ParseContext): Parsed {
  return job.source.kind === 'series' ? parseSeriesMeta(job.source, ctx) : parsePost(job.source, ctx, job.colocated);
}

/**
 * The result with its own strings. Strings made while parsing are ropes of pieces and slices
 * of the source text (V8 keeps both alive through them): kept as they are, a parsed site takes
 * twice the memory. Results from a worker thread arrive copied anyway; on the main thread the
 * strings made from the body are copied here (a post's front matter fields are read from a copy
 * of the front matter already: see parseFrontMatter).
 */
export function detached<T extends Parsed>(parsed: T): T {
  if (parsed === undefined) return parsed;
  if (!('links' in parsed)) return structuredClone(parsed);
  return Object.assign(parsed, detachedBody(parsed));
}

/** A post body's strings, copied off the source text and flat. */
export function detachedBody(body: PostBody): PostBody {
  return {
    summary: ownCopy(body.summary),
    excerptHtml: ownCopy(body.excerptHtml),
    html: ownCopy(body.html),
    links: body.links.map((link) => {
      const copy = { ...link, href: ownCopy(link.href) };
      if (link.alt !== undefined) copy.alt = ownCopy(link.alt);
      return copy;
    }),
  };
}
