/**
 * The render stage on the main thread: every route's page handed to the output as soon as it
 * is rendered. (In a threaded build the post pages are made with their bodies, and the pages
 * that list posts as soon as the bodies they show are in: see build.ts.)
 */
import type { Problem } from '../errors.js';
import type { PageOutput } from '../output/page-output.js';
import { outputPath } from '../output/writer.js';
import { isProblem } from '../yaml.js';
import type { Page, Route } from '../types.js';
import type { RenderPage } from './templates.js';

/** The main thread lets finished writes (and worker threads' results) in this often. */
const PAUSE_EVERY_MS = 5;

/**
 * Pages into the output. After the first problem nothing more is written — the build will
 * fail — but every page is still rendered, so that every problem is reported.
 */
export class PageWriter {
  private failed = false;
  private last = performance.now();
  constructor(
    private readonly render: RenderPage,
    private readonly out: PageOutput,
  ) {}

  /** Renders and writes one route; returns its template problem (undefined: written). */
  route(route: Route): Promise<Problem | undefined> {
    return this.page(route.kind === 'file' ? route : this.render(route));
  }

  /** A page made elsewhere: written here, or by a worker thread ('written'), or its problem. */
  async page(page: Page | Extract<Route, { kind: 'file' }> | Problem | 'written'): Promise<Problem | undefined> {
    if (page === 'written') this.out.count(1);
    else if (isProblem(page)) {
      this.failed = true;
      return page;
    } else if (!this.failed) await this.out.write(outputPath(page.url), page.body);
    return undefined;
  }

  /** Yields to the event loop if PAUSE_EVERY_MS have passed since the last time; true if it did. */
  async pause(): Promise<boolean> {
    if (performance.now() - this.last < PAUSE_EVERY_MS) return false;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
    return true;
  }
}

/** Renders and writes every route; returns, per route, its template problem (undefined: written). */
export async function renderPages(routes: Route[], pages: PageWriter): Promise<(Problem | undefined)[]> {
  const problems: (Problem | undefined)[] = new Array(routes.length);
  for (let i = 0; i < routes.length; i++) {
    problems[i] = await pages.route(routes[i]);
    await pages.pause();
  }
  return problems;
}
