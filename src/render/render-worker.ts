/**
 * Rendering pages in a worker thread (the task `renderBatch`, see src/worker.ts): the same
 * renderer as the main thread's, made once per worker, over routes that arrive as plain data.
 */
import type { Problem } from '../errors.js';
import { createRenderer, type RendererOptions, type RenderPage } from './templates.js';
import type { Page, Route } from '../types.js';

export type PageRoute = Extract<Route, { kind: 'page' }>;

export interface RenderBatch {
  renderer: RendererOptions;
  routes: PageRoute[];
}

// Templates are compiled once per worker and renderer options (a worker lives for one build).
let cached: { key: string; render: RenderPage } | undefined;

export function renderBatch(batch: RenderBatch): (Page | Problem)[] {
  const key = JSON.stringify(batch.renderer);
  if (cached?.key !== key) cached = { key, render: createRenderer(batch.renderer) };
  const render = cached.render;
  return batch.routes.map((route) => render(route));
}
