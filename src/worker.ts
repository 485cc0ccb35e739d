/** What the build's worker threads run (see pool.ts): the parse and render tasks, by name. */
import type { RenderBatch, RenderedInWorker } from './render/render-worker.js';

export { parseBatch } from './content/parse-worker.js';

/** Loaded on first use: a worker that only parses (one worker, on 2 cores) never needs Nunjucks. */
export async function renderBatch(batch: RenderBatch): Promise<RenderedInWorker[]> {
  const { renderBatch: render } = await import('./render/render-worker.js');
  return render(batch);
}
