/**
 * In a threaded build, the pages that list posts (home, tags, series, archive) and the feeds
 * wait for the Markdown bodies they show; each is ready as soon as those are in, so that the
 * main thread renders it while the workers are still busy with other bodies, instead of after
 * the last one.
 */
import type { Post, Route } from '../types.js';
import { postsShownBy } from './routes.js';

export class WaitingRoutes {
  /** Per route: the bodies it shows that are not in yet. */
  private readonly missing: number[];
  private readonly waitingOn = new Map<Post, number[]>();
  private readonly ready: number[] = [];
  private taken = 0;

  /**
   * `pending`: the posts whose bodies are not in yet; `withoutBodies`: routes whose pages show
   * none of a post's body (only its front matter), ready at once.
   */
  constructor(
    readonly routes: Route[],
    pending: ReadonlySet<Post>,
    withoutBodies?: (route: Route) => boolean,
  ) {
    this.missing = routes.map((route, i) => {
      const shown = withoutBodies?.(route) ? [] : postsShownBy(route, pending);
      for (const post of shown) {
        const waiting = this.waitingOn.get(post);
        if (waiting) waiting.push(i);
        else this.waitingOn.set(post, [i]);
      }
      if (shown.length === 0) this.ready.push(i);
      return shown.length;
    });
  }

  /** `post`'s body is in. */
  arrived(post: Post): void {
    const waiting = this.waitingOn.get(post);
    if (!waiting) return;
    this.waitingOn.delete(post);
    for (const i of waiting) if (--this.missing[i] === 0) this.ready.push(i);
  }

  /** A route ready to render, once: its index in `routes`; undefined when none is (yet). */
  take(): number | undefined {
    return this.taken < this.ready.length ? this.ready[this.taken++] : undefined;
  }
}
