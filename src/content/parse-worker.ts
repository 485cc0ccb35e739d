/**
 * Parsing source files. A single-threaded build (and dev) parses each file whole with
 * `parseJob`; with worker threads the main thread reads every front matter itself and the
 * Markdown bodies go to the threads (parse-pool.ts, render/post-batch.ts).
 */
import type { Diagnostics } from '../errors.js';
import { createMarkdown } from './markdown.js';
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
 * The result as fresh, flat strings. Strings made while parsing are ropes of pieces and slices
 * of the source text (V8 keeps both alive through them): kept as they are, a parsed site takes
 * twice the memory. Results from a worker thread arrive copied anyway; on the main thread they
 * are copied here.
 */
export function detached<T extends Parsed | PostBody>(parsed: T): T {
  return structuredClone(parsed);
}
