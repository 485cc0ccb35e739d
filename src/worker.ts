/** What the build's worker threads run (see pool.ts): one task. */
import type { PostBatch, PostInBatch } from './render/post-batch.js';

/** Markdown bodies, and the pages of their posts when the batch asks for them. */
export async function renderPosts(batch: PostBatch): Promise<PostInBatch[]> {
  const { renderPostBatch } = await loading;
  return renderPostBatch(batch);
}

// Loading starts with the thread, so that it is done by the time the first batch comes (the
// main thread meanwhile loads its own modules and reads the sources).
const loading = import('./render/post-batch.js');
