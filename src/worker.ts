/** What the build's worker threads run (see pool.ts): one task, loaded when first needed. */
import type { PostBatch, PostInBatch } from './render/post-batch.js';

/** Markdown bodies, and the pages of their posts when the batch asks for them. */
export async function renderPosts(batch: PostBatch): Promise<PostInBatch[]> {
  const { renderPostBatch } = await import('./render/post-batch.js');
  return renderPostBatch(batch);
}
