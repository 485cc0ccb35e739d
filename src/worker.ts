/** What the build's worker threads run (see pool.ts): the parse and render tasks, by name. */
import type { PostBatch, PostInBatch } from './render/post-batch.js';
import type { RenderBatch, RenderedInWorker } from './render/render-worker.js';

/** Markdown bodies, and the pages of their posts when the batch asks for them. */
export async function renderPosts(batch: PostBatch): Promise<PostInBatch[]> {
  const { renderPostBatch } = await import('./render/post-batch.js');
  return renderPostBatch(batch);
}

/** Loaded on first use (the modules of both tasks load when first needed). */
export async function renderBatch(batch: RenderBatch): Promise<RenderedInWorker[]> {
  const { renderBatch: render } = await import('./render/render-worker.js');
  return render(batch);
}
