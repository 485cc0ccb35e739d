/**
 * The render stage on the main thread: every route's page handed to the output as soon as it
 * is rendered. (In a threaded build the post pages are made earlier, with their bodies: see
 * render/post-batch.ts; what is left here are the pages that list posts, and the files.)
 */
import type { Problem } from '../errors.js';
import type { PageOutput } from '../output/page-output.js';
import { outputPath } from '../output/writer.js';
import { isProblem } from '../yaml.js';
import type { Route } from '../types.js';
import type { RenderPage } from './templates.js';

/** The main thread lets finished writes be taken care of this often. */
const PAUSE_EVERY_MS = 5;

/**
 * Renders and writes every route; returns, per route, its template problem (undefined: written).
 * After the first problem nothing more is written — the build will fail — but every page is
 * still rendered, so that every problem is reported.
 */
export async function renderPages(routes: Route[], render: RenderPage, out: PageOutput): Promise<(Problem | undefined)[]> {
  const problems: (Problem | undefined)[] = new Array(routes.length);
  let failed = false;
  let last = performance.now();
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i];
    const page = route.kind === 'file' ? route : render(route);
    if (isProblem(page)) {
      problems[i] = page;
      failed = true;
    } else if (!failed) await out.write(outputPath(page.url), page.body);
    if (performance.now() - last >= PAUSE_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
  return problems;
}
