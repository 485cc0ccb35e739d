/**
 * Worker threads for one build: started by the CLI (or the parse stage) when the site is large
 * enough to pay for them, reused by the render stage, closed when the build ends. The main
 * thread works alongside them, so a 2-core machine runs one worker and the main thread, not two
 * workers and an idle main thread.
 * The threads run src/worker.ts; everything sent or returned is plain data (structured clone).
 *
 * Our own few lines on node:worker_threads rather than a pool library: a build needs only "run
 * this task on the least busy thread, give its result back", and piscina, which did that until
 * now, cost ~15 ms to import before the worker could start and more in the worker itself, at
 * the front of a build's critical path (docs/benchmarks.md).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

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

export type TaskName = 'renderPosts';

/** What the main thread sends a worker (see src/worker.ts). */
export interface TaskMessage {
  id: number;
  name: TaskName;
  task: unknown;
}

/** What a worker sends back: the task's result, or what it threw. */
export type ResultMessage = { id: number; result: unknown } | { id: number; error: unknown };

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

/** Marks a pool's worker (src/worker.ts serves tasks only then, not in any thread that imports it). */
export const WORKER_DATA = { folioBuildPool: true } as const;

interface Waiting {
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** One worker and the tasks it has not answered yet. */
class WorkerThread {
  readonly worker: Worker;
  readonly waiting = new Map<number, Waiting>();
  /** Why the worker stopped, when it failed ('error' comes before 'exit'). */
  private failure: unknown;

  constructor(file: string, limits: ResourceLimits, onExit: (thread: WorkerThread) => void) {
    this.worker = new Worker(file, { resourceLimits: limits, workerData: WORKER_DATA });
    // Kept alive only while it owes an answer: an idle pool never holds the process open.
    this.worker.unref();
    this.worker.on('message', (message: ResultMessage) => {
      const waiting = this.waiting.get(message.id);
      if (!waiting) return;
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) this.worker.unref();
      if ('error' in message) waiting.reject(message.error);
      else waiting.resolve(message.result);
    });
    this.worker.on('error', (error) => (this.failure = error));
    this.worker.on('exit', (code) => {
      const error = this.failure ?? new Error(`a worker thread stopped (exit code ${code}) before it finished its posts`);
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
      onExit(this);
    });
  }

  run(id: number, name: TaskName, task: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      // Throws at once (DataCloneError) when the task cannot cross threads.
      this.worker.postMessage({ id, name, task } satisfies TaskMessage);
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
    });
  }
}

export class BuildPool {
  private threads: WorkerThread[] = [];
  private started = false;
  private nextId = 0;
  private closing: Promise<void> | undefined;

  /** `requested`: FOLIO_WORKERS (see workerThreads); `limits`: each worker's heap (tests make it small). */
  constructor(
    private readonly requested?: number,
    private readonly limits: ResourceLimits = WORKER_LIMITS,
  ) {}

  /** Starts the threads if a site of `files` source files pays for them; true when they run. */
  start(files: number): boolean {
    if (this.started) return true;
    const threads = workerThreads(files, this.requested);
    if (threads === 0) return false;
    this.started = true;
    for (let i = 0; i < threads; i++) this.threads.push(this.startThread());
    return true;
  }

  /** A worker, replaced by a new one if it stops while the pool runs (out of memory, say). */
  private startThread(): WorkerThread {
    return new WorkerThread(workerFile(), this.limits, (gone) => {
      const at = this.threads.indexOf(gone);
      if (at >= 0 && this.started) this.threads[at] = this.startThread();
    });
  }

  /** Worker threads running (besides the main thread). */
  get workers(): number {
    return this.threads.length;
  }

  /** Runs a task on the worker with the fewest unanswered tasks. */
  run<T, R>(name: TaskName, task: T): Promise<R> {
    if (!this.started) throw new Error('BuildPool.run before start');
    const thread = this.threads.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    return thread.run(this.nextId++, name, task) as Promise<R>;
  }

  /** Stops the threads; every call until the next start waits for the same stop. */
  close(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    if (this.started) this.closing = Promise.all(threads.map((t) => t.worker.terminate())).then(() => undefined);
    this.started = false;
    return this.closing ?? Promise.resolve();
  }

  /** `await using pool = new BuildPool(…)`: the threads end with the block, however it ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
