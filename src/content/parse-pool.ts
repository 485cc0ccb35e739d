/**
 * The parse stage on every core: batches of source files parsed in the build's worker threads,
 * results and problems put back in source order, so the build is the same as single-threaded.
 */
import type { Diagnostics } from '../errors.js';
import { isPoolRefusal, type BuildPool } from '../pool.js';
import type { SiteConfig } from '../types.js';
import { parseBatch, type Parsed, type ParseBatch, type ParseJob, type ParsedInWorker } from './parse-worker.js';

const BATCH_SIZE = 50;

/** Parses every job in the pool's threads; problems go into `diag` in job order. */
export async function parseInPool(
  jobs: ParseJob[],
  config: SiteConfig,
  now: Date,
  diag: Diagnostics,
  pool: BuildPool,
  onProgress?: (done: number) => void,
): Promise<Parsed[]> {
  let done = 0;
  const batches: Promise<ParsedInWorker[]>[] = [];
  for (let i = 0; i < jobs.length; i += BATCH_SIZE) {
    const batch: ParseBatch = { config, now, jobs: jobs.slice(i, i + BATCH_SIZE) };
    batches.push(
      pool
        .run<ParseBatch, ParsedInWorker[]>('parseBatch', batch)
        .catch((e: unknown) => {
          if (isPoolRefusal(e)) return parseBatch(batch);
          throw e;
        })
        .then((results) => {
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
}
