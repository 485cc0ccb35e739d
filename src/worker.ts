/** What the build's worker threads run (tinypool calls the export a task names: see pool.ts). */
import { workerData } from 'node:worker_threads';
import type { WORKER_DATA } from './pool.js';
import type { PostBatch, PostInBatch } from './render/post-batch.js';

// Loading starts with the thread, so that it is done by the time the first batch comes (the
// main thread meanwhile loads its own modules and reads the sources).
const loading = import('./render/post-batch.js');

let taskCame = false;

/** Markdown bodies, and the pages of their posts when the batch asks for them. */
export async function renderPosts(batch: PostBatch): Promise<PostInBatch[]> {
  taskCame = true;
  const { renderPostBatch } = await loading;
  return renderPostBatch(batch);
}

/**
 * At most this long warming up (see content/warm-up.ts) before the first batch. At 4,000 posts
 * the worker waited ~130 ms for it; warmed up, its first batch took 70 ms instead of 190, and
 * the build was ~0.1 s faster (docs/benchmarks.md).
 */
const WARM_UP_MS = 300;

/**
 * Until the first task comes (at most `warmUpMs`), warms the Markdown code up, a piece of a
 * sample post per turn of the event loop: a task that comes meanwhile waits for one piece at
 * most. Resolves to the number of pieces rendered.
 */
export async function warmUpUntilTask(warmUpMs = WARM_UP_MS): Promise<number> {
  const { warmUpMarkdown } = await import('./content/warm-up.js');
  return warmUpMarkdown(() => taskCame, warmUpMs);
}

// Only in a thread BuildPool started (tinypool passes our workerData second): a test runner's
// worker thread may import this module too.
const ours = (Array.isArray(workerData) ? workerData[1] : undefined) as Partial<typeof WORKER_DATA> | undefined;
const warmingUp = ours?.folioBuildPool ? warmUpUntilTask() : undefined;

/** Pieces this thread's warm-up rendered, when it ends; null in a thread that did not warm up. */
export async function warmUpPieces(): Promise<number | null> {
  return (await warmingUp) ?? null;
}
