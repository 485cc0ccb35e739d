/**
 * Worker threads for one build: started by the CLI (or the parse stage) when the site is large
 * enough to pay for them, reused by the render stage, closed when the build ends. The main
 * thread works alongside them, so a 2-core machine runs one worker and the main thread, not two
 * workers and an idle main thread.
 * The threads run src/worker.ts; everything sent or returned is plain data (structured clone).
 *
 * The threads are tinypool's: it queues tasks, hands each to the least busy thread, brings
 * results and errors back, replaces a thread that dies (out of memory) and lets an idle pool
 * leave the process free to exit. Of the pool libraries it loads fastest (~7 ms to import,
 * piscina ~15 ms, on the front of a build's critical path: docs/benchmarks.md).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import Tinypool from 'tinypool';

/**
 * Below this many files threads cost more than they save: a worker must start, load the
 * Markdown, YAML and highlighting modules and warm up its own JIT before it is any use. On
 * 2 cores (one worker) a build was 0.2-0.3 s slower with it at 500 and 1,000 posts, 0.1-0.2 s
 * faster at 2,000.
 */
export const POOL_MIN_FILES = 2000;

/**
 * How many worker threads (besides the main thread) to build `files` source files with.
 * `requested`: undefined = one per core beyond the first, on a site of POOL_MIN_FILES or more;
 * 0 = none; n = n, however small the site.
 */
export function workerThreads(files: number, requested?: number): number {
  if (files === 0) return 0;
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  return files >= POOL_MIN_FILES ? availableParallelism() - 1 : 0;
}

/**
 * The worker entry beside this module: bundled when this module is (scripts/bundle.mjs writes
 * .mjs files), else compiled; when this module runs from src/ (tests import the TypeScript
 * directly), the compiled one in lib/ — worker threads cannot load TypeScript.
 */
function workerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, import.meta.url.endsWith('.mjs') ? 'worker.bundle.mjs' : 'worker.js');
  return existsSync(beside) ? beside : path.resolve(here, '..', 'lib', 'worker.js');
}

/** The exports of src/worker.ts a task can name. */
export type TaskName = 'renderPosts' | 'warmUpPieces';

/**
 * Batches in each worker at once (~0.5 s of work): enough that none idles while the main
 * thread is busy without a break (collecting and routing the site: with 8, the worker of a
 * 4,000-post build waited 50-100 ms then), few enough to leave some for the main thread on a
 * large site (see MAIN_RENDERS_ABOVE in content/parse-pool.ts).
 */
export const QUEUED_PER_WORKER = 16;

/**
 * A worker's live data is one batch, but V8 lets a heap grow far past it before collecting:
 * without a limit each worker reached 300 MB on a 16,000-post site. A batch too big for the
 * limit (huge posts) ends the worker, and the batch is done on the main thread instead.
 * The young generation: a worker keeps a few batches alive at a time, so a small one is enough,
 * and it collects often (186 times at 4,000 posts with 12 MB). 24 MB: 0.12-0.26 s less CPU than
 * 12 MB and the same peak RSS (11 interleaved runs, twice); 32 MB cost 17 MB more RSS.
 */
export const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 24 };

/**
 * A batch the threads could not take — data that cannot cross threads (DataCloneError) or a
 * worker out of memory — to be done on the main thread instead.
 */
export function isPoolRefusal(e: unknown): boolean {
  const err = e as { name?: string; code?: string };
  return err?.name === 'DataCloneError' || err?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** Marks a pool's worker (src/worker.ts warms up only then, not in any thread that imports it). */
export const WORKER_DATA = { folioBuildPool: true } as const;

export class BuildPool {
  private pool: Tinypool | undefined;
  private threads = 0;
  private closing: Promise<void> | undefined;
  /** Why a worker stopped while it had no task (tinypool's 'error' event): until closed, the pool takes no more. */
  private failure: unknown;

  /** `requested`: FOLIO_WORKERS (see workerThreads); `limits`: each worker's heap (tests make it small). */
  constructor(
    private readonly requested?: number,
    private readonly limits: ResourceLimits = WORKER_LIMITS,
  ) {}

  /** Starts the threads if a site of `files` source files pays for them; true when they run. */
  start(files: number): boolean {
    if (this.pool) return true;
    const threads = workerThreads(files, this.requested);
    if (threads === 0) return false;
    this.threads = threads;
    this.pool = new Tinypool({
      filename: workerFile(),
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: QUEUED_PER_WORKER,
      resourceLimits: this.limits,
      workerData: WORKER_DATA,
      // Threads wait for tasks on their event loop, not blocked in Atomics.wait: a worker must
      // warm up while it waits (src/worker.ts), and the main thread never blocks.
      useAtomics: false,
    });
    // A worker that stops with tasks rejects them; one that stops without (while it loads, say)
    // is reported here, and would otherwise be an uncaught error.
    this.pool.on('error', (error: unknown) => (this.failure ??= error));
    return true;
  }

  /** Worker threads running (besides the main thread). */
  get workers(): number {
    return this.pool ? this.threads : 0;
  }

  /** Runs a task (an export of src/worker.ts) on the least busy worker. */
  run<T, R>(name: TaskName, task: T): Promise<R> {
    if (!this.pool) throw new Error('BuildPool.run before start');
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return this.pool.run(task, { name }) as Promise<R>;
  }

  /** Stops the threads, rejecting what they still run; every call until the next start waits for the same stop. */
  close(): Promise<void> {
    if (this.pool) this.closing = this.pool.destroy();
    this.pool = undefined;
    this.failure = undefined;
    return this.closing ?? Promise.resolve();
  }

  /** `await using pool = new BuildPool(…)`: the threads end with the block, however it ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
