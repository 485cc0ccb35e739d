/**
 * Markdown -> HTML with markdown-it: CommonMark, tables, footnotes, heading anchors,
 * smart quotes and build-time highlighting. One instance per build; `render` is pure.
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import anchor from 'markdown-it-anchor';
import footnote from 'markdown-it-footnote';
import hljs from 'highlight.js/lib/common';
import { slugify } from '../slug.js';
import type { LinkRef } from '../types.js';

export interface RenderedMarkdown {
  html: string;
  /** HTML before `<!-- more -->`, else the first paragraph. */
  excerptHtml: string;
  links: LinkRef[];
}

export interface MarkdownOptions {
  /** Path part of the site URL (`/` or `/blog/`), prepended to root-relative URLs. */
  basePath: string;
}

const MORE = /^<!--\s*more\s*-->\s*$/;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function highlight(code: string, lang: string): string {
  const name = lang.trim().split(/\s+/)[0];
  if (name && hljs.getLanguage(name)) {
    try {
      return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    } catch {
      // fall through to plain escaping
    }
  }
  return escapeHtml(code);
}

/** `/x` -> `/blog/x`; leaves `//host`, absolute and relative URLs alone. */
export function withBasePath(url: string, basePath: string): string {
  if (basePath === '/' || !url.startsWith('/') || url.startsWith('//')) return url;
  return basePath + url.slice(1);
}

export function createMarkdown(options: MarkdownOptions) {
  const md = new MarkdownIt({ html: true, typographer: true, linkify: false, highlight });
  md.use(footnote);
  md.use(anchor, {
    slugify,
    tabIndex: false,
    permalink: anchor.permalink.headerLink({ safariReaderFix: true }),
  });
  const { basePath } = options;

  // Record links and images (for the link checker) with their lines, and make their URLs
  // site-absolute: relative ones resolved against the page (so excerpts shown on other pages
  // and feeds still point at the right place), root-relative ones under the base path.
  md.core.ruler.push('folio_links', (state) => {
    const links: LinkRef[] = state.env.links;
    const rewrite = (url: string) => withBasePath(resolveRelative(url, state.env.pageUrl), basePath);
    for (const block of state.tokens) {
      const blockLine = block.map ? block.map[0] + 1 : undefined;
      if (block.type === 'html_block') block.content = rewriteHtml(block.content, blockLine, links, rewrite);
      if (block.type !== 'inline' || !block.children) continue;
      let line = blockLine;
      for (const t of block.children) {
        if ((t.type === 'softbreak' || t.type === 'hardbreak') && line !== undefined) line++;
        if (t.type === 'link_open' || t.type === 'image') {
          const attr = t.type === 'image' ? 'src' : 'href';
          const url = t.attrGet(attr);
          if (url === null) continue;
          const ref: LinkRef = { href: url, kind: t.type === 'image' ? 'image' : 'link', line };
          if (t.type === 'image') ref.alt = t.children ? t.children.map((c) => c.content).join('') : t.content;
          if (!url.startsWith('#')) links.push(ref);
          t.attrSet(attr, rewrite(url));
        } else if (t.type === 'html_inline') {
          t.content = rewriteHtml(t.content, line, links, rewrite);
        }
      }
    }
  });

  /** `pageUrl` (site-relative, e.g. `/posts/x/`) is where relative links are resolved from. */
  return function renderMarkdown(text: string, pageUrl?: string): RenderedMarkdown {
    const env = { links: [] as LinkRef[], pageUrl };
    const tokens = md.parse(text, env);
    const html = md.renderer.render(tokens, md.options, env);
    return { html, excerptHtml: excerpt(tokens, env), links: env.links };
  };

  function excerpt(tokens: Token[], env: object): string {
    const more = tokens.findIndex((t) => t.type === 'html_block' && t.level === 0 && MORE.test(t.content));
    if (more > 0) return md.renderer.render(tokens.slice(0, more), md.options, env);
    const open = tokens.findIndex((t) => t.type === 'paragraph_open' && t.level === 0);
    if (open < 0) return '';
    // The first paragraph, without footnote references that would point at nothing.
    const para = tokens.slice(open, open + 3).map((t) => {
      if (t.type !== 'inline' || !t.children) return t;
      const copy = Object.assign(Object.create(Object.getPrototypeOf(t)), t) as Token;
      copy.children = t.children.filter((c) => c.type !== 'footnote_ref');
      return copy;
    });
    return md.renderer.render(para, md.options, env);
  }
}

/** `../x/` on page `/posts/y/` -> `/posts/x/`; leaves root-relative, absolute and `#`/`?` URLs alone. */
export function resolveRelative(url: string, pageUrl: string | undefined): string {
  if (!pageUrl || url === '' || /^([a-z][a-z0-9+.-]*:|[/#?])/i.test(url)) return url;
  try {
    const u = new URL(url, `http://site.invalid${pageUrl}`);
    return u.pathname + u.search + u.hash;
  } catch {
    return url;
  }
}

const HTML_TAG = /<([a-z][a-z0-9-]*)\b[^>]*>/gi;
const URL_ATTR = /(\s(?:href|src)\s*=\s*)(["'])([^"']*)\2/gi;
const ALT_ATTR = /\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

/** Raw HTML: every href/src rewritten like a Markdown link; `<a href>` and `<img src>` recorded. */
function rewriteHtml(html: string, line: number | undefined, links: LinkRef[], rewrite: (url: string) => string): string {
  return html.replace(HTML_TAG, (tag: string, name: string, offset: number) => {
    const kind = name.toLowerCase() === 'img' ? 'image' : name.toLowerCase() === 'a' ? 'link' : undefined;
    return tag.replace(URL_ATTR, (_m, before: string, quote: string, url: string) => {
      if (kind && !url.startsWith('#')) {
        const ref: LinkRef = { href: url, kind, line: line === undefined ? undefined : line + countNewlines(html, offset) };
        if (kind === 'image') {
          const alt = ALT_ATTR.exec(tag);
          ref.alt = alt ? (alt[1] ?? alt[2] ?? alt[3]) : undefined;
        }
        links.push(ref);
      }
      return `${before}${quote}${rewrite(url)}${quote}`;
    });
  });
}

function countNewlines(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Plain text of an HTML fragment, whitespace folded (for summaries and meta descriptions). */
export function htmlToText(html: string): string {
  return html
    .replace(/<\/(p|li|h[1-6]|div|blockquote|tr|td|th|pre|figcaption)>|<br\s*\/?>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
