/**
 * Markdown -> HTML with markdown-it: CommonMark, tables, footnotes, heading anchors,
 * smart quotes and build-time highlighting. One instance per build; `render` is pure.
 */
import { createRequire } from 'node:module';
import type { HLJSApi, LanguageFn } from 'highlight.js';
import MarkdownIt, { type StateCore, type StateInline } from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import footnote from 'markdown-it-footnote';
import { slugify } from '../slug.js';
import { fastBlockState } from './block-state.js';
import { HtmlEmitter } from './highlight-emitter.js';
import type { LinkRef } from '../types.js';
import { addImageDimensions, type Dimensions } from './image-dimensions.js';

export interface RenderedMarkdown {
  html: string;
  /** HTML before `<!-- more -->`, else the first paragraph. */
  excerptHtml: string;
  links: LinkRef[];
}

export interface MarkdownOptions {
  /** Path part of the site URL (`/` or `/blog/`), prepended to root-relative URLs. */
  basePath: string;
  /** false: every excerpt rendered on its own, never cut from the page (tests compare the two). */
  excerptFromPage?: boolean;
}

/** A local image's width and height, by its site-relative URL (`/posts/x/photo.jpg`). */
export type DimensionsOf = (siteUrl: string) => Dimensions | undefined;

const MORE = /^<!--\s*more\s*-->\s*$/;

/** The tokens of a post's excerpt: `from` to `to` (excluded); `more`: those before `<!-- more -->`. */
interface Excerpt {
  from: number;
  to: number;
  more: boolean;
  inPage: boolean;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const require = createRequire(import.meta.url);

/**
 * highlight.js with the languages of its `lib/common` bundle (the same fences highlighted), each
 * registered the first time a fence names it (with the languages it embeds): registering all of
 * them costs each thread that renders Markdown ~20 ms at start, mostly for languages a site
 * never uses. Loaded through require, for its CommonJS build: fences are highlighted synchronously. Our own instance, so that no other import of
 * highlight.js can add languages to it. tests/content/markdown.test.ts checks this list against
 * lib/common.
 */
const hljs = (require('highlight.js/lib/core') as HLJSApi).newInstance();
hljs.configure({ __emitter: HtmlEmitter });

/** Language -> its aliases, and the languages it highlights inside itself (`subLanguage`). */
export const COMMON_LANGUAGES: Record<string, { aliases?: string[]; embeds?: string[] }> = {
  xml: { aliases: ['html', 'xhtml', 'rss', 'atom', 'xjb', 'xsd', 'xsl', 'plist', 'wsf', 'svg'], embeds: ['css', 'javascript'] },
  bash: { aliases: ['sh', 'zsh'] },
  c: { aliases: ['h'] },
  cpp: { aliases: ['cc', 'c++', 'h++', 'hpp', 'hh', 'hxx', 'cxx'] },
  csharp: { aliases: ['cs', 'c#'] },
  css: {},
  markdown: { aliases: ['md', 'mkdown', 'mkd'], embeds: ['xml'] },
  diff: { aliases: ['patch'] },
  ruby: { aliases: ['rb', 'gemspec', 'podspec', 'thor', 'irb'] },
  go: { aliases: ['golang'] },
  graphql: { aliases: ['gql'] },
  ini: { aliases: ['toml'] },
  java: { aliases: ['jsp'] },
  javascript: { aliases: ['js', 'jsx', 'mjs', 'cjs'], embeds: ['xml', 'css', 'graphql'] },
  json: { aliases: ['jsonc', 'json5'] },
  kotlin: { aliases: ['kt', 'kts', 'ktm', 'ktx'] },
  less: {},
  lua: { aliases: ['pluto'] },
  makefile: { aliases: ['mk', 'mak', 'make'] },
  // Perl embeds mojolicious, which lib/common does not have: left plain there too.
  perl: { aliases: ['pl', 'pm'] },
  objectivec: { aliases: ['mm', 'objc', 'obj-c', 'obj-c++', 'objective-c++'] },
  php: {},
  'php-template': { embeds: ['xml', 'php'] },
  plaintext: { aliases: ['text', 'txt'] },
  python: { aliases: ['py', 'gyp', 'ipython'] },
  'python-repl': { aliases: ['pycon'], embeds: ['python'] },
  r: {},
  rust: { aliases: ['rs'] },
  scss: {},
  shell: { aliases: ['console', 'shellsession'], embeds: ['bash'] },
  sql: {},
  swift: {},
  yaml: { aliases: ['yml'], embeds: ['ruby'] },
  typescript: { aliases: ['ts', 'tsx', 'mts', 'cts'], embeds: ['xml', 'css', 'graphql'] },
  vbnet: { aliases: ['vb'] },
  wasm: {},
};

/** Lower-case name or alias -> language (highlight.js matches names case-insensitively). */
const LANGUAGE_NAMES = new Map<string, string>();
for (const [name, { aliases = [] }] of Object.entries(COMMON_LANGUAGES)) {
  for (const key of [name, ...aliases]) LANGUAGE_NAMES.set(key, name);
}

const registered = new Set<string>();

function register(name: string): void {
  if (registered.has(name)) return;
  registered.add(name);
  hljs.registerLanguage(name, require(`highlight.js/lib/languages/${name}`) as LanguageFn);
  for (const inner of COMMON_LANGUAGES[name].embeds ?? []) register(inner);
}

/** The language a fence's info string names, registered; undefined when we have none such. */
function languageOf(name: string): string | undefined {
  const language = LANGUAGE_NAMES.get(name.toLowerCase());
  if (language) register(language);
  return language;
}

function highlight(code: string, lang: string): string {
  const name = lang.trim().split(/\s+/)[0];
  if (name && languageOf(name)) {
    try {
      return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    } catch {
      // fall through to plain escaping
    }
  }
  return escapeHtml(code);
}

/**
 * URLs that markdown-it's normalizeLink gives back unchanged: only characters it never escapes
 * (letters, digits and `;/?:@&=+$,-_.!~*'()#`, no `%`), and either no scheme or host at all (no
 * `:`, no leading `//`) or http(s) with a plain host name (no user or port; labels of 1-63
 * letters, digits and hyphens; 255 characters at most). It parses and re-encodes every URL
 * (~4 µs each); these skip it. tests/content/markdown.test.ts checks the claim against it.
 */
const PLAIN_PATH = /^(?!\/\/)[\w;/?@&=+$,.!~*'()#-]*$/;
const PLAIN_WEB_URL = /^https?:\/\/([a-zA-Z0-9-]{1,63}(?:\.[a-zA-Z0-9-]{1,63})*)(?:[/?#][\w;/?:@&=+$,.!~*'()#-]*)?$/;

function isNormalizedUrl(url: string): boolean {
  if (PLAIN_PATH.test(url)) return true;
  const web = PLAIN_WEB_URL.exec(url);
  return web !== null && web[1].length <= 255;
}

/** markdown-it's link URL normalizer (percent-encoding, punycode hosts), with a fast path. */
export function createNormalizeLink(normalizeLink: (url: string) => string): (url: string) => string {
  return (url) => (isNormalizedUrl(url) ? url : normalizeLink(url));
}

/** `/x` -> `/blog/x`; leaves `//host`, absolute and relative URLs alone. */
export function withBasePath(url: string, basePath: string): string {
  if (basePath === '/' || !url.startsWith('/') || url.startsWith('//')) return url;
  return basePath + url.slice(1);
}

/** The characters at which markdown-it's inline `text` rule stops (its isTerminatorChar). */
const TEXT_END = /[\n!#$%&*+\-:<=>@[\\\]^_`{}~]/g;

/**
 * markdown-it's inline `text` rule — plain text up to the next character another rule may
 * start at — finding that character with one regular expression search instead of a JavaScript
 * loop over every character: 10% less Markdown time. tests/content/markdown.test.ts checks that
 * markdown-it parses the same with it as with its own.
 */
export function textRule(state: StateInline, silent: boolean): boolean {
  const start = state.pos;
  TEXT_END.lastIndex = start;
  const found = TEXT_END.exec(state.src);
  const end = found === null || found.index > state.posMax ? state.posMax : found.index;
  if (end === start) return false;
  if (!silent) state.pending += state.src.slice(start, end);
  state.pos = end;
  return true;
}

export function createMarkdown(options: MarkdownOptions) {
  const md = new MarkdownIt({ html: true, typographer: true, linkify: false, highlight });
  md.inline.ruler.at('text', textRule);
  md.block.State = fastBlockState(md);
  md.normalizeLink = createNormalizeLink(md.normalizeLink);
  // markdown-it's first step turns CR and CRLF into LF and NUL into U+FFFD with two regex passes
  // over the whole text; sources come with LF already, so usually there is nothing to do.
  md.core.ruler.at('normalize', (state) => {
    if (state.src.includes('\r') || state.src.includes('\0')) state.src = state.src.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
  });
  md.use(footnote);
  md.core.ruler.push('folio_anchors', headingAnchors);
  const { basePath } = options;

  // Record links and images (for the link checker) with their lines, and make their URLs
  // site-absolute: relative ones resolved against the page (so excerpts shown on other pages
  // and feeds still point at the right place), root-relative ones under the base path.
  // Images get their width and height here too, when the caller can look them up (`dimensionsOf`,
  // see image-dimensions.ts): on the tokens, rather than by searching the whole page's HTML for
  // <img> tags afterwards.
  md.core.ruler.push('folio_links', (state) => {
    const links: LinkRef[] = state.env.links;
    const dimensionsOf: DimensionsOf | undefined = state.env.dimensionsOf;
    const rewrite = (url: string) => withBasePath(resolveRelative(url, state.env.pageUrl), basePath);
    const rewriteRaw = (html: string, line: number | undefined) => {
      const rewritten = rewriteHtml(html, line, links, rewrite);
      return dimensionsOf ? addImageDimensions(rewritten, basePath, dimensionsOf) : rewritten;
    };
    for (const block of state.tokens) {
      const blockLine = block.map ? block.map[0] + 1 : undefined;
      if (block.type === 'html_block') block.content = rewriteRaw(block.content, blockLine);
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
          const site = rewrite(url);
          t.attrSet(attr, site);
          // After the attributes markdown-it gave it (src, alt, title), as on a raw <img>.
          const size = t.type === 'image' && dimensionsOf && site.startsWith(basePath) ? dimensionsOf(`/${site.slice(basePath.length)}`) : undefined;
          if (size) t.attrs!.push(['width', String(size.width)], ['height', String(size.height)]);
        } else if (t.type === 'html_inline') {
          t.content = rewriteRaw(t.content, line);
        }
      }
    }
  });

  /**
   * `pageUrl` (site-relative, e.g. `/posts/x/`) is where relative links are resolved from;
   * `dimensionsOf` gives the size of a local image, by its site-relative URL.
   */
  return function renderMarkdown(text: string, pageUrl?: string, dimensionsOf?: DimensionsOf): RenderedMarkdown {
    const env = { links: [] as LinkRef[], pageUrl, dimensionsOf };
    const tokens = md.parse(text, env);
    const part = excerptOf(tokens);
    if (part === undefined || !part.inPage || options.excerptFromPage === false) {
      const html = md.renderer.render(tokens, md.options, env);
      return { html, excerptHtml: part ? renderExcerpt(tokens, part, env) : '', links: env.links };
    }
    const marks = { from: part.from, to: part.to, start: 0, end: 0 };
    const html = renderTokens(tokens, env, marks);
    return { html, excerptHtml: html.slice(marks.start, marks.end), links: env.links };
  };

  /**
   * markdown-it's Renderer#render (the same calls, in the same order), noting where in the HTML
   * the tokens `marks.from` to `marks.to` (excluded) begin and end: the excerpt is that part of
   * the page, not rendered a second time.
   */
  function renderTokens(tokens: Token[], env: object, marks: { from: number; to: number; start: number; end: number }): string {
    const { renderer, options } = md;
    const rules = renderer.rules;
    let html = '';
    for (let i = 0; i < tokens.length; i++) {
      if (i === marks.from) marks.start = html.length;
      if (i === marks.to) marks.end = html.length;
      const token = tokens[i];
      const rule = rules[token.type];
      if (token.type === 'inline') html += renderer.renderInline(token.children ?? [], options, env);
      else if (rule !== undefined) html += rule(tokens, i, options, env, renderer);
      else html += renderer.renderToken(tokens, i, options);
    }
    if (marks.to === tokens.length) marks.end = html.length;
    return html;
  }

  /**
   * Which tokens make the excerpt: those before `<!-- more -->`, else the first top-level
   * paragraph. `inPage`: rendered alone they give exactly their part of the page (a paragraph
   * with footnote references does not: the excerpt leaves them out; nor one after a hidden
   * token, which markdown-it renders with a line break before it).
   */
  function excerptOf(tokens: Token[]): Excerpt | undefined {
    const more = tokens.findIndex((t) => t.type === 'html_block' && t.level === 0 && MORE.test(t.content));
    if (more > 0) return { from: 0, to: more, more: true, inPage: true };
    const open = tokens.findIndex((t) => t.type === 'paragraph_open' && t.level === 0);
    if (open < 0) return undefined;
    const footnotes = tokens[open + 1]?.children?.some((c) => c.type === 'footnote_ref') ?? false;
    return { from: open, to: open + 3, more: false, inPage: !footnotes && !(open > 0 && tokens[open - 1].hidden) };
  }

  function renderExcerpt(tokens: Token[], { from, to, more }: Excerpt, env: object): string {
    if (more) return md.renderer.render(tokens.slice(0, to), md.options, env);
    // The first paragraph, without footnote references that would point at nothing.
    const para = tokens.slice(from, to).map((t) => {
      if (t.type !== 'inline' || !t.children) return t;
      const copy = Object.assign(Object.create(Object.getPrototypeOf(t)), t) as Token;
      copy.children = t.children.filter((c) => c.type !== 'footnote_ref');
      return copy;
    });
    return md.renderer.render(para, md.options, env);
  }
}

/**
 * Every heading gets an id from its text, unique in the page (`x`, `x-1`, `x-2`…), and its
 * content becomes a link to itself: `<h2 id="x"><a class="header-anchor" href="#x"><span>…</span></a></h2>`
 * (the span keeps Safari's reader view showing the heading). The same HTML as markdown-it-anchor's
 * headerLink, which took ~7 µs a heading where this takes ~2; tests/content/markdown.test.ts
 * compares the two.
 */
function headingAnchors(state: StateCore): void {
  const used = new Set<string>();
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== 'heading_open') continue;
    const inline = tokens[i + 1];
    const children = inline.children ?? [];
    let text = '';
    for (const child of children) if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    const slug = slugify(text);
    let id = slug;
    for (let n = 1; used.has(id); n++) id = `${slug}-${n}`;
    used.add(id);
    tokens[i].attrSet('id', id);
    const linkOpen = new state.Token('link_open', 'a', 1);
    linkOpen.attrs = [['class', 'header-anchor'], ['href', `#${id}`]];
    inline.children = [linkOpen, new state.Token('span_open', 'span', 1), ...children, new state.Token('span_close', 'span', -1), new state.Token('link_close', 'a', -1)];
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
