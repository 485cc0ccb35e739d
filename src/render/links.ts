/**
 * Internal links and images that point at nothing in the built site, as warnings naming the
 * file (and line) and the link. `--strict` turns them into errors (Diagnostics.promoteWarnings).
 * Missing alt text is reported where posts are parsed (src/content/posts.ts).
 */
import type { Diagnostics } from '../errors.js';
import { outputPath } from '../output/writer.js';
import type { Post, Site } from '../types.js';

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
  const check = new LinkCheck(site, files);
  for (const post of site.posts) check.post(post, diag);
  check.nav(diag);
}

/**
 * checkLinks a post at a time: a threaded build checks each post's links as its body comes
 * back, against the files its routes will write, instead of all of them after the last page.
 */
export class LinkCheck {
  constructor(
    private readonly site: Site,
    /** Every output path (`posts/x/index.html`, `images/a.jpg`). */
    private readonly files: Set<string>,
  ) {}

  private exists(target: string): boolean {
    return this.files.has(outputPath(target)) || (!target.endsWith('/') && this.files.has(outputPath(`${target}/`)));
  }

  /** `/blog/posts/x/` written on a site at /blog/ becomes /blog/blog/posts/x/: say so. */
  private hintFor(target: string, fallback: string): string {
    const { basePath } = this.site.config;
    return basePath !== '/' && target.startsWith(basePath) && this.exists(`/${target.slice(basePath.length)}`)
      ? `write it without the site path ${basePath}: Folio adds it (/${target.slice(basePath.length)})`
      : fallback;
  }

  /** A post's links and lead image. */
  post(post: Post, diag: Diagnostics): void {
    for (const link of post.links) {
      const target = linkTarget(link.href, post.url);
      if (target === undefined || this.exists(target)) continue;
      const image = link.kind === 'image';
      diag.warn({
        file: post.source,
        line: link.line,
        message: `the ${image ? 'image' : 'link'} ${link.href} points at nothing in the built site`,
        hint: this.hintFor(target, image ? IMAGE_HINT : LINK_HINT),
      });
    }
    const lead = post.image;
    const target = lead && linkTarget(lead.src, post.url);
    if (lead && target !== undefined && !this.exists(target)) {
      diag.warn({
        file: post.source,
        line: lead.line,
        message: `the lead image ${lead.src} does not exist`,
        hint: this.hintFor(target, 'put the image in public/ (or beside a folder post) and check `image.src`'),
      });
    }
  }

  /** site.yaml's nav links: they appear on every page. */
  nav(diag: Diagnostics): void {
    for (const item of this.site.config.nav) {
      const target = linkTarget(item.url, '/');
      if (target === undefined || this.exists(target)) continue;
      diag.warn({
        file: 'site.yaml',
        message: `the nav link "${item.title}" (${item.url}) points at nothing in the built site`,
        hint: this.hintFor(target, 'check `url` under `nav`: a page is at its URL without the site path, e.g. /series/'),
      });
    }
  }
}
