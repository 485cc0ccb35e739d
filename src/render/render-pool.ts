/**
 * The render stage with worker threads. Post pages — most of a site's pages, each needing only
 * its post and its series — render in the build's pool, a series' posts in one batch so the data
 * they share is cloned once; the other pages (home, tags, series, archive: each lists many posts)
 * render on the main thread meanwhile. Results come back in route order.
 */
import type { Problem } from '../errors.js';
import type { BuildPool } from '../pool.js';
import type { Page, Route, SeriesNav } from '../types.js';
import type { RendererOptions, RenderPage } from './templates.js';
import type { PageRoute, RenderBatch } from './render-worker.js';

const LOOSE_BATCH = 32;
/** The main thread pauses this often so that the pool can hand out queued batches. */
const YIELD_EVERY_MS = 5;

export async function renderInPool(routes: Route[], render: RenderPage, options: RendererOptions, pool: BuildPool): Promise<(Page | Problem)[]> {
  const results: (Page | Problem)[] = new Array(routes.length);
  const bySeries = new Map<string, number[]>();
  const batches: number[][] = [];
  let loose: number[] = [];
  const here: number[] = [];
  routes.forEach((route, i) => {
    if (route.kind === 'file') results[i] = { url: route.url, body: route.body };
    else if (!route.source) here.push(i);
    else {
      const series = (route.data.seriesNav as SeriesNav | undefined)?.series.slug;
      if (series !== undefined) {
        const group = bySeries.get(series);
        if (group) group.push(i);
        else bySeries.set(series, [i]);
      } else {
        loose.push(i);
        if (loose.length === LOOSE_BATCH) {
          batches.push(loose);
          loose = [];
        }
      }
    }
  });
  if (loose.length) batches.push(loose);
  batches.push(...bySeries.values());

  const renderHere = (indices: number[]) => {
    for (const i of indices) results[i] = render(routes[i] as PageRoute);
  };
  const sent = batches.map((indices) =>
    pool
      .run<RenderBatch, (Page | Problem)[]>('renderBatch', { renderer: options, routes: indices.map((i) => routes[i] as PageRoute) })
      .then(
        (pages) => pages.forEach((p, k) => (results[indices[k]] = p)),
        (e: unknown) => {
          // Data a template sees that cannot cross threads (a function in the route data): render here.
          if ((e as Error).name === 'DataCloneError') renderHere(indices);
          else throw e;
        },
      ),
  );
  let last = performance.now();
  for (const i of here) {
    results[i] = render(routes[i] as PageRoute);
    if (performance.now() - last > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
  await Promise.all(sent);
  return results;
}
