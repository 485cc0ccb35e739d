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

  // Record links and images (for the link checker) and prefix the base path.
  md.core.ruler.push('folio_links', (state) => {
    const links: LinkRef[] = state.env.links;
    for (const block of state.tokens) {
      if (block.type === 'html_block' && basePath !== '/') block.content = rebaseHtml(block.content, basePath);
      if (block.type !== 'inline' || !block.children) continue;
      const line = block.map ? block.map[0] + 1 : undefined;
      for (const t of block.children) {
        if (t.type === 'link_open' || t.type === 'image') {
          const attr = t.type === 'image' ? 'src' : 'href';
          const url = t.attrGet(attr);
          if (url === null) continue;
          const ref: LinkRef = { href: url, kind: t.type === 'image' ? 'image' : 'link', line };
          if (t.type === 'image') ref.alt = t.children ? t.children.map((c) => c.content).join('') : t.content;
          if (!url.startsWith('#')) links.push(ref);
          t.attrSet(attr, withBasePath(url, basePath));
        } else if (t.type === 'html_inline' && basePath !== '/') {
          t.content = rebaseHtml(t.content, basePath);
        }
      }
    }
  });

  return function renderMarkdown(text: string): RenderedMarkdown {
    const env = { links: [] as LinkRef[] };
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

function rebaseHtml(html: string, basePath: string): string {
  return html.replace(/\b(href|src)=(["'])(\/[^"']*)/g, (_m, attr: string, q: string, url: string) => `${attr}=${q}${withBasePath(url, basePath)}`);
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
