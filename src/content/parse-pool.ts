/**
 * The parse stage on every core: batches of source files parsed in worker threads (piscina),
 * results and problems put back in source order, so the build is the same as single-threaded.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Diagnostics } from '../errors.js';
import type { SiteConfig } from '../types.js';
import type { Parsed, ParseBatch, ParseJob, ParsedInWorker } from './parse-worker.js';

/**
 * Below this many files the threads cost more than they save: starting a worker and loading
 * the Markdown and YAML modules into it takes about as long as parsing a few hundred posts.
 */
export const POOL_MIN_FILES = 400;
const BATCH_SIZE = 50;

/**
 * How many worker threads to parse `files` files with; 0 means parse on the main thread.
 * `requested`: undefined = decide by site size and cores; 0 = never; n = n threads, however small the site.
 */
export function parseThreads(files: number, requested?: number): number {
  if (files === 0) return 0;
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  const cores = availableParallelism();
  return cores > 1 && files >= POOL_MIN_FILES ? cores : 0;
}

/**
 * The compiled worker beside this module; when this module runs from src/ (tests import the
 * TypeScript directly), the compiled one in lib/ — worker threads cannot load TypeScript.
 */
function workerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, 'parse-worker.js');
  if (existsSync(beside)) return beside;
  return path.resolve(here, '..', '..', 'lib', 'content', 'parse-worker.js');
}

/** Parses every job in `threads` worker threads; problems go into `diag` in job order. */
export async function parseInPool(
  jobs: ParseJob[],
  config: SiteConfig,
  now: Date,
  diag: Diagnostics,
  threads: number,
  onProgress?: (done: number) => void,
): Promise<Parsed[]> {
  const pool = new Piscina<ParseBatch, ParsedInWorker[]>({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
  try {
    let done = 0;
    const batches: Promise<ParsedInWorker[]>[] = [];
    for (let i = 0; i < jobs.length; i += BATCH_SIZE) {
      const slice = jobs.slice(i, i + BATCH_SIZE);
      batches.push(
        pool.run({ config, now, jobs: slice }).then((results) => {
          done += results.length;
          onProgress?.(done);
          return results;
        }),
      );
    }
    const parsed: Parsed[] = [];
    for (const results of await Promise.all(batches)) {
      for (const r of results) {
        diag.add(r.problems);
        parsed.push(r.parsed);
      }
    }
    return parsed;
  } finally {
    await pool.destroy();
  }
}
