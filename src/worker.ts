/** What the build's worker threads run (see pool.ts): one task. */
import type { PostBatch, PostInBatch } from './render/post-batch.js';

let batchCame = false;

/** Markdown bodies, and the pages of their posts when the batch asks for them. */
export async function renderPosts(batch: PostBatch): Promise<PostInBatch[]> {
  batchCame = true;
  const { renderPostBatch } = await loading;
  return renderPostBatch(batch);
}

/**
 * At most this long warming up (see content/warm-up.ts) before the first batch. At 4,000 posts
 * the worker waited ~130 ms for it; warmed up, its first batch took 70 ms instead of 190, and
 * the build was ~0.1 s faster (docs/benchmarks.md).
 */
const WARM_UP_MS = 300;

// Loading starts with the thread, so that it is done by the time the first batch comes (the
// main thread meanwhile loads its own modules and reads the sources); then, until it comes,
// the Markdown code warms up.
const loading = import('./render/post-batch.js');
void import('./content/warm-up.js').then(({ warmUpMarkdown }) => warmUpMarkdown(() => batchCame, WARM_UP_MS));
