/**
 * The render stage: every route's page handed to the output as soon as it is rendered.
 *
 * With two or more worker threads running, post pages — most of a site's pages, each needing
 * only its post and its series — render there, a series' posts in one batch so the data they
 * share is cloned once, and the workers write them straight into the writer's folder. The other
 * pages (home, tags, series, archive: each lists many posts) render on the main thread
 * meanwhile, which then takes post pages too.
 */
import type { Problem } from '../errors.js';
import type { PageOutput } from '../output/page-output.js';
import { outputPath } from '../output/writer.js';
import { BuildPool, isPoolRefusal } from '../pool.js';
import { isProblem } from '../yaml.js';
import type { Route, SeriesNav } from '../types.js';
import type { RendererOptions, RenderPage } from './templates.js';
import type { PageRoute, RenderBatch, RenderedInWorker } from './render-worker.js';

const LOOSE_BATCH = 32;
/** The main thread pauses this often, so that finished writes and batches are taken care of. */
const PAUSE_EVERY_MS = 5;

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
  const batches: number[][] = [];
  const inPool = pooled?.pool.rendersPages ?? false;
  if (inPool) {
    const bySeries = new Map<string, number[]>();
    let loose: number[] = [];
    routes.forEach((route, i) => {
      if (route.kind === 'file' || !route.source) return void here.push(i);
      const series = (route.data.seriesNav as SeriesNav | undefined)?.series.slug;
      if (series === undefined) {
        loose.push(i);
        if (loose.length === LOOSE_BATCH) batches.push(loose.splice(0));
      } else if (bySeries.has(series)) bySeries.get(series)!.push(i);
      else bySeries.set(series, [i]);
    });
    if (loose.length) batches.push(loose);
    batches.push(...bySeries.values());
  } else routes.forEach((_, i) => here.push(i));

  const pause = BuildPool.pauseEvery(PAUSE_EVERY_MS);
  const renderHere = async (indices: number[]) => {
    for (const i of indices) {
      await writeHere(i);
      await pause();
    }
  };
  if (!inPool) {
    await renderHere(here);
    return problems;
  }
  const { pool, renderer } = pooled!;
  const folder = out.folder;
  const inWorker = async (b: number) => {
    const indices = batches[b];
    const batch: RenderBatch = { renderer, routes: indices.map((i) => routes[i] as PageRoute), folder };
    let results: RenderedInWorker[];
    try {
      results = await pool.run<RenderBatch, RenderedInWorker[]>('renderBatch', batch);
    } catch (e) {
      if (!isPoolRefusal(e)) throw e;
      return renderHere(indices);
    }
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
  };
  // The main thread renders the list pages first, then helps with the post pages.
  await pool.share(batches.length, inWorker, (b) => renderHere(batches[b]), () => renderHere(here));
  return problems;
}
