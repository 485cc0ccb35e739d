/**
 * The parse stage on every core: batches of source files parsed in the build's worker threads
 * and on the main thread at once; results and problems put back in source order, so the build
 * is the same as a single-threaded one.
 */
import type { Diagnostics } from '../errors.js';
import { BuildPool, isPoolRefusal } from '../pool.js';
import type { SiteConfig } from '../types.js';
import { detached, parseBatch, type Parsed, type ParseBatch, type ParseJob, type ParsedInWorker } from './parse-worker.js';

const BATCH_SIZE = 50;
const MAIN_SLICE = 5;

/** Parses every job; problems go into `diag` in job order. */
export async function parseInPool(
  jobs: ParseJob[],
  config: SiteConfig,
  now: Date,
  diag: Diagnostics,
  pool: BuildPool,
  onProgress?: (done: number) => void,
): Promise<Parsed[]> {
  const batches: ParseBatch[] = [];
  for (let i = 0; i < jobs.length; i += BATCH_SIZE) batches.push({ config, now, jobs: jobs.slice(i, i + BATCH_SIZE) });
  const results: ParsedInWorker[][] = new Array(batches.length);
  let done = 0;
  const pause = BuildPool.pauseEvery(5);
  const finish = (i: number, r: ParsedInWorker[]) => {
    results[i] = r;
    done += r.length;
    onProgress?.(done);
  };
  await pool.share(
    batches.length,
    (i) =>
      pool.run<ParseBatch, ParsedInWorker[]>('parseBatch', batches[i]).then(
        (r) => finish(i, r),
        (e: unknown) => {
          if (!isPoolRefusal(e)) throw e;
          finish(i, detached(parseBatch(batches[i])));
        },
      ),
    async (i) => {
      // A few posts at a time, pausing between them, so that the workers' finished batches are
      // collected and new ones handed out without waiting for a whole batch here.
      const { jobs: all } = batches[i];
      const results: ParsedInWorker[] = [];
      for (let k = 0; k < all.length; k += MAIN_SLICE) {
        results.push(...detached(parseBatch({ ...batches[i], jobs: all.slice(k, k + MAIN_SLICE) })));
        await pause();
      }
      finish(i, results);
    },
  );
  const parsed: Parsed[] = [];
  for (const batch of results) {
    for (const r of batch) {
      diag.add(r.problems);
      parsed.push(r.parsed);
    }
  }
  return parsed;
}
