/**
 * Rendering pages in a worker thread (the task `renderBatch`, see src/worker.ts): the same
 * renderer as the main thread's, made once per worker, over routes that arrive as plain data.
 * Given the writer's folder, the worker writes each page there itself and returns only problems.
 */
import type { Problem } from '../errors.js';
import { writeInto } from '../output/direct-write.js';
import { outputPath } from '../output/writer.js';
import { isProblem } from '../yaml.js';
import { createRenderer, type RendererOptions, type RenderPage } from './templates.js';
import type { Page, Route } from '../types.js';

export type PageRoute = Extract<Route, { kind: 'page' }>;

export interface RenderBatch {
  renderer: RendererOptions;
  routes: PageRoute[];
  /** The FsWriter's temporary folder; without one, pages come back to the main thread. */
  folder?: string;
}

/** Per route: its page, or `written` (into the batch's folder), or the template problem. */
export type RenderedInWorker = Page | Problem | 'written';

// Templates are compiled once per worker and renderer options (a worker lives for one build).
let cached: { key: string; render: RenderPage } | undefined;

export async function renderBatch(batch: RenderBatch): Promise<RenderedInWorker[]> {
  const key = JSON.stringify(batch.renderer);
  if (cached?.key !== key) cached = { key, render: createRenderer(batch.renderer) };
  const render = cached.render;
  const results = batch.routes.map((route): RenderedInWorker => {
    const page = render(route);
    if (batch.folder === undefined || isProblem(page)) return page;
    writeInto(batch.folder, outputPath(page.url), page.body);
    return 'written';
  });
  return results;
}
