/**
 * The render stage: every route's page handed to the output as soon as it is rendered.
 *
 * With the build's worker threads running, post pages — most of a site's pages, each needing
 * only its post and its series — render there, a series' posts in one batch so the data they
 * share is cloned once, and the workers write them straight into the writer's folder. The other
 * pages (home, tags, series, archive: each lists many posts) render on the main thread meanwhile.
 */
import type { Problem } from '../errors.js';
import type { PageOutput } from '../output/page-output.js';
import { outputPath } from '../output/writer.js';
import { isPoolRefusal, type BuildPool } from '../pool.js';
import { isProblem } from '../yaml.js';
import type { Route, SeriesNav } from '../types.js';
import type { RendererOptions, RenderPage } from './templates.js';
import type { PageRoute, RenderBatch, RenderedInWorker } from './render-worker.js';

const LOOSE_BATCH = 32;
/** The main thread pauses this often, so that finished writes and batches are taken care of. */
const YIELD_EVERY_MS = 5;

/**
 * Renders and writes every route; returns, per route, its template problem (undefined: written).
 * After the first problem nothing more is written — the build will fail — but every page is
 * still rendered, so that every problem is reported.
 */
export async function renderPages(
  routes: Route[],
  render: RenderPage,
  out: PageOutput,
  pooled?: { pool: BuildPool; renderer: RendererOptions },
): Promise<(Problem | undefined)[]> {
  const problems: (Problem | undefined)[] = new Array(routes.length);
  let failed = false;
  const writeHere = async (i: number) => {
    const route = routes[i];
    const page = route.kind === 'file' ? route : render(route);
    if (isProblem(page)) {
      problems[i] = page;
      failed = true;
    } else if (!failed) await out.write(outputPath(page.url), page.body);
  };

  const here: number[] = [];
  const sent: Promise<void>[] = [];
  if (pooled?.pool.running) {
    const { pool, renderer } = pooled;
    const folder = out.folder;
    const send = (indices: number[]) => {
      const batch: RenderBatch = { renderer, routes: indices.map((i) => routes[i] as PageRoute), folder };
      const done = pool.run<RenderBatch, RenderedInWorker[]>('renderBatch', batch).then(
        async (results) => {
          let written = 0;
          for (let k = 0; k < results.length; k++) {
            const r = results[k];
            if (r === 'written') written++;
            else if (isProblem(r)) {
              problems[indices[k]] = r;
              failed = true;
            } else if (!failed) await out.write(outputPath(r.url), r.body);
          }
          out.count(written);
        },
        async (e: unknown) => {
          if (!isPoolRefusal(e)) throw e;
          for (const i of indices) await writeHere(i);
        },
      );
      sent.push(done);
    };
    const bySeries = new Map<string, number[]>();
    let loose: number[] = [];
    routes.forEach((route, i) => {
      if (route.kind === 'file' || !route.source) return void here.push(i);
      const series = (route.data.seriesNav as SeriesNav | undefined)?.series.slug;
      if (series === undefined) {
        loose.push(i);
        if (loose.length === LOOSE_BATCH) send(loose.splice(0));
      } else if (bySeries.has(series)) bySeries.get(series)!.push(i);
      else bySeries.set(series, [i]);
    });
    if (loose.length) send(loose);
    for (const indices of bySeries.values()) send(indices);
  } else routes.forEach((_, i) => here.push(i));

  let last = performance.now();
  for (const i of here) {
    await writeHere(i);
    if (performance.now() - last > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
  await Promise.all(sent);
  return problems;
}
