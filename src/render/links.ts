/**
 * Internal links and images that point at nothing in the built site, as warnings naming the
 * file (and line) and the link. `--strict` turns them into errors (Diagnostics.promoteWarnings).
 * Missing alt text is reported where posts are parsed (src/content/posts.ts).
 */
import type { Diagnostics } from '../errors.js';
import { outputPath } from '../output/writer.js';
import type { Site } from '../types.js';

const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/** The site-relative path a link points at, or undefined for external links and fragments. */
export function linkTarget(href: string, fromUrl: string): string | undefined {
  if (EXTERNAL.test(href) || href.startsWith('#') || href.startsWith('?') || href === '') return undefined;
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

const LINK_HINT = 'check the address: a post is at its URL without the site path, e.g. /posts/<slug>/';
const IMAGE_HINT = 'put the image in public/ (or beside a folder post) and check the spelling';

/** `files` holds every output path written (`posts/x/index.html`, `images/a.jpg`). */
export function checkLinks(site: Site, files: Set<string>, diag: Diagnostics): void {
  const { basePath } = site.config;
  const exists = (target: string) => files.has(outputPath(target)) || (!target.endsWith('/') && files.has(outputPath(`${target}/`)));
  // `/blog/posts/x/` written on a site at /blog/ becomes /blog/blog/posts/x/: say so.
  const hintFor = (target: string, fallback: string) =>
    basePath !== '/' && target.startsWith(basePath) && exists(`/${target.slice(basePath.length)}`)
      ? `write it without the site path ${basePath}: Folio adds it (/${target.slice(basePath.length)})`
      : fallback;

  for (const post of site.posts) {
    for (const link of post.links) {
      const target = linkTarget(link.href, post.url);
      if (target === undefined || exists(target)) continue;
      const image = link.kind === 'image';
      diag.warn({
        file: post.source,
        line: link.line,
        message: `the ${image ? 'image' : 'link'} ${link.href} points at nothing in the built site`,
        hint: hintFor(target, image ? IMAGE_HINT : LINK_HINT),
      });
    }
    const lead = post.image;
    const target = lead && linkTarget(lead.src, post.url);
    if (lead && target !== undefined && !exists(target)) {
      diag.warn({
        file: post.source,
        line: lead.line,
        message: `the lead image ${lead.src} does not exist`,
        hint: hintFor(target, 'put the image in public/ (or beside a folder post) and check `image.src`'),
      });
    }
  }

  // site.yaml nav links appear on every page.
  for (const item of site.config.nav) {
    const target = linkTarget(item.url, '/');
    if (target === undefined || exists(target)) continue;
    diag.warn({
      file: 'site.yaml',
      message: `the nav link "${item.title}" (${item.url}) points at nothing in the built site`,
      hint: hintFor(target, 'check `url` under `nav`: a page is at its URL without the site path, e.g. /series/'),
    });
  }
}
