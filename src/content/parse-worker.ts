/**
 * Parsing one source file, the same code on both paths: the single-threaded build calls
 * `parseJob` directly; worker threads (parse-pool.ts) run `parseBatch`, a batch at a time.
 * What crosses threads is plain data (structured clone): jobs in, Post / SeriesMeta objects and
 * Problem objects out.
 */
import { Diagnostics, type Problem } from '../errors.js';
import { createMarkdown } from './markdown.js';
import { parsePost, parseSeriesMeta, type ParseContext } from './posts.js';
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
export function detached<T extends Parsed | ParsedInWorker[]>(parsed: T): T {
  return structuredClone(parsed);
}

export interface ParseBatch {
  config: SiteConfig;
  now: Date;
  jobs: ParseJob[];
}

export interface ParsedInWorker {
  parsed: Parsed;
  /** This file's problems, in the order they were found. */
  problems: Problem[];
}

// One Markdown renderer per worker and site config (a worker lives for one build).
let context: { key: string; ctx: ParseContext } | undefined;

/** The worker task (src/worker.ts): one batch of jobs, each with its own problems. */
export function parseBatch(batch: ParseBatch): ParsedInWorker[] {
  const key = JSON.stringify(batch.config);
  if (context?.key !== key) context = { key, ctx: createParseContext(batch.config, batch.now, new Diagnostics()) };
  const ctx = context.ctx;
  ctx.now = batch.now;
  return batch.jobs.map((job) => {
    ctx.diag = new Diagnostics();
    const parsed = parseJob(job, ctx);
    return { parsed, problems: ctx.diag.problems };
  });
}
