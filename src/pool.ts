/**
 * Worker threads for one build (piscina): started by the parse stage when the site is large
 * enough to pay for them, reused by the render stage, closed when the build ends.
 * The threads run src/worker.ts; everything sent or returned is plain data (structured clone).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';

/**
 * Below this many files the threads cost more than they save: starting a worker and loading
 * the Markdown, YAML and template modules into it takes about as long as parsing a few hundred posts.
 */
export const POOL_MIN_FILES = 400;

/**
 * How many worker threads to build `files` source files with; 0 means all on the main thread.
 * `requested`: undefined = decide by site size and cores; 0 = never; n = n threads, however small the site.
 */
export function parseThreads(files: number, requested?: number): number {
  if (files === 0) return 0;
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  const cores = availableParallelism();
  return cores > 1 && files >= POOL_MIN_FILES ? cores : 0;
}

/**
 * The compiled worker entry beside this module; when this module runs from src/ (tests import
 * the TypeScript directly), the compiled one in lib/ — worker threads cannot load TypeScript.
 */
function workerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, 'worker.js');
  return existsSync(beside) ? beside : path.resolve(here, '..', 'lib', 'worker.js');
}

export type TaskName = 'parseBatch' | 'renderBatch';

const WORKER_HEAP_MB = 128;

/**
 * A batch the threads could not take — data that cannot cross threads (DataCloneError) or a
 * worker out of memory — to be done on the main thread instead.
 */
export function isPoolRefusal(e: unknown): boolean {
  const err = e as { name?: string; code?: string };
  return err?.name === 'DataCloneError' || err?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

export class BuildPool {
  private pool: Piscina | undefined;

  /** `requested`: FOLIO_WORKERS (see parseThreads). */
  constructor(private readonly requested?: number) {}

  /** Starts the threads if a site of `files` source files pays for them; true when they run. */
  start(files: number): boolean {
    if (this.pool) return true;
    const threads = parseThreads(files, this.requested);
    if (threads === 0) return false;
    this.pool = new Piscina({
      filename: workerFile(),
      name: 'parseBatch',
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 5_000,
      // A second task waits in each worker, so none idles while the main thread is busy.
      concurrentTasksPerWorker: 2,
      // A worker's live data is one batch, but V8 lets a heap grow far past it before collecting:
      // without a limit each worker reached 300 MB on a 16,000-post site. A batch too big for the
      // limit (huge posts) ends the worker, and the batch is done on the main thread instead.
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    return true;
  }

  get running(): boolean {
    return this.pool !== undefined;
  }

  get threads(): number {
    return this.pool?.options.maxThreads ?? 0;
  }

  run<T, R>(name: TaskName, task: T): Promise<R> {
    if (!this.pool) throw new Error('BuildPool.run before start');
    return this.pool.run(task, { name }) as Promise<R>;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  /** `await using pool = new BuildPool(…)`: the threads end with the block, however it ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
