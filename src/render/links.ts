/** Internal links and images that point at nothing in the built site: warnings naming post and link. */
import type { Diagnostics } from '../errors.js';
import { outputPath } from '../output/writer.js';
import type { Site } from '../types.js';

const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/** The site-relative path a link points at, or undefined for external links and fragments. */
export function linkTarget(href: string, fromUrl: string): string | undefined {
  if (EXTERNAL.test(href) || href.startsWith('#') || href === '') return undefined;
  let pathname: string;
  try {
    pathname = new URL(href, `http://site.invalid${fromUrl}`).pathname;
  } catch {
    return undefined;
  }
  try {
    return decodeURI(pathname);
  } catch {
    return pathname;
  }
}

/** `files` holds every output path written (`posts/x/index.html`, `images/a.jpg`). */
export function checkLinks(site: Site, files: Set<string>, diag: Diagnostics): void {
  const exists = (target: string) => {
    if (files.has(outputPath(target))) return true;
    return !target.endsWith('/') && files.has(outputPath(`${target}/`));
  };
  for (const post of site.posts) {
    for (const link of post.links) {
      const target = linkTarget(link.href, post.url);
      if (target === undefined || exists(target)) continue;
      diag.warn({
        file: post.source,
        line: link.line,
        message: `the ${link.kind === 'image' ? 'image' : 'link'} ${link.href} points at nothing in the built site`,
        hint:
          link.kind === 'image'
            ? 'put the image in public/ (or beside a folder post) and check the spelling'
            : 'check the address: a post is at its URL without the site path, e.g. /posts/<slug>/',
      });
    }
    const image = post.image;
    if (image) {
      const target = linkTarget(image.src, post.url);
      if (target !== undefined && !exists(target)) {
        diag.warn({
          file: post.source,
          message: `the lead image ${image.src} does not exist`,
          hint: 'put the image in public/ (or beside a folder post) and check `image.src`',
        });
      }
    }
  }
}
