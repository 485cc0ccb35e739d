/**
 * The renderer's {% partialCached %}: a build keeps the theme's partial HTML for the same post
 * object and reuses it; dev (no reuse) and a site that overrides the partial render it each time.
 * The built-in theme compiled ahead: used only where its text is the template's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Diagnostics } from '../../src/errors.js';
import { parseConfig } from '../../src/config.js';
import { BUILTIN_TEMPLATES, createRenderer, precompileTheme, PRECOMPILED_THEME, templateReferences } from '../../src/render/templates.js';
import type { Problem } from '../../src/errors.js';
import type { Page, Route } from '../../src/types.js';
import { cleanTemp, libCompiled, writeSite } from '../helpers.js';

afterAll(cleanTemp);

const config = parseConfig('title: "Cache test"\n', new Diagnostics());

function listPage(posts: object[], url: string): Extract<Route, { kind: 'page' }> {
  return { kind: 'page', url, template: 'list.njk', data: { page: { url, title: 'List' }, posts } };
}

function body(result: Page | Problem): string {
  if (!('body' in result)) throw new Error(`not rendered: ${JSON.stringify(result)}`);
  return String(result.body);
}

function makePost(title: string) {
  return { title, url: '/posts/x/', date: new Date('2024-03-05T10:00:00Z'), readingMinutes: 3, tags: ['travel'], excerptHtml: '<p>Excerpt.</p>' };
}

async function siteWith(extra: Record<string, string> = {}) {
  return writeSite({
    // A page of the site's own that lists posts through the theme's post list.
    'templates/list.njk': '{% partial "partials/post-list.njk" %}\n',
    ...extra,
  });
}

describe('{% partialCached %}', () => {
  test('a build renders the theme\'s post summary once per post object and reuses it on every list', async () => {
    const render = createRenderer({ root: await siteWith(), config, reusePartials: true });
    const post = makePost('First title');
    const other = makePost('Other post');
    expect(body(render(listPage([post], '/')))).toContain('First title');
    // The same object with a changed title: the kept HTML is used (a build never changes a post it has shown).
    post.title = 'Changed title';
    const tagPage = body(render(listPage([post, other], '/tags/travel/')));
    expect(tagPage).toContain('First title');
    expect(tagPage).not.toContain('Changed title');
    // Another object is rendered for itself, even when it is equal to one seen before.
    expect(body(render(listPage([{ ...post }], '/page/2/')))).toContain('Changed title');
  });

  test('without reuse (folio dev) it is rendered every time', async () => {
    const render = createRenderer({ root: await siteWith(), config });
    const post = makePost('First title');
    expect(body(render(listPage([post], '/')))).toContain('First title');
    post.title = 'Changed title';
    expect(body(render(listPage([post], '/')))).toContain('Changed title');
  });

  test('a site overriding the partial, or a partial it pulls in, gets it rendered every time, with the page and the loop', async () => {
    for (const override of ['partials/post-summary.njk', 'partials/post-meta.njk']) {
      const render = createRenderer({
        root: await siteWith({ [`templates/${override}`]: '<p>{{ loop.index }}. {{ post.title }} on {{ page.url }}</p>\n' }),
        config,
        reusePartials: true,
      });
      const post = makePost('First title');
      expect(body(render(listPage([post], '/')))).toContain('1. First title on /');
      post.title = 'Changed title';
      expect(body(render(listPage([makePost('Other'), post], '/tags/travel/'))), override).toContain('2. Changed title on /tags/travel/');
    }
  });
});

describe('the theme pages a threaded build renders without waiting for bodies', () => {
  test('show no body, excerpt, summary or links, in their own text or any template they pull in', async () => {
    const { readFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const { BUILTIN_TEMPLATES, THEME_PAGES_WITHOUT_BODIES, templateReferences } = await import('../../src/render/templates.js');
    // A field read inside {{ }} or {% %} (not a URL ending in .html, nor the markup).
    const BODY_FIELD = /\.(excerptHtml|summary|links|html)\b(?!['"])/;
    const seen = new Set<string>();
    const visit = async (name: string): Promise<void> => {
      if (seen.has(name)) return;
      seen.add(name);
      const text = await readFile(path.join(BUILTIN_TEMPLATES, name), 'utf8');
      for (const tag of text.match(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g) ?? []) expect(tag, `${name}: ${tag}`).not.toMatch(BODY_FIELD);
      const refs = templateReferences(text);
      expect(refs.dynamic, name).toBe(false);
      for (const ref of refs.names) await visit(ref);
    };
    expect([...THEME_PAGES_WITHOUT_BODIES].sort()).toEqual(['archive.njk', 'series-index.njk', 'tags.njk']);
    for (const name of THEME_PAGES_WITHOUT_BODIES) await visit(name);
    expect(seen.has('base.njk')).toBe(true);
    // The check finds what it looks for: the home page shows excerpts.
    seen.clear();
    await expect(visit('home.njk')).rejects.toThrow(/excerptHtml/);
  });
});

describe('the built-in theme compiled ahead (npm run compile)', () => {
  beforeAll(() => expect(libCompiled()).toBe(true));
  const notFound: Extract<Route, { kind: 'page' }> = { kind: 'page', url: '/404.html', template: '404.njk', data: { page: { url: '/404.html', title: 'Not found' } } };
  /** Compiled code of a template that renders `text`, in the shape Nunjucks compiles to. */
  const renders = (text: string) => `function root(env, context, frame, runtime, cb) { cb(null, ${JSON.stringify(text)}); }\nreturn { root: root };`;

  test('holds every template of the theme, with its text, as lib/theme-templates.json does', () => {
    const theme = precompileTheme();
    const files = readdirSync(BUILTIN_TEMPLATES, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.njk'));
    expect(Object.keys(theme).sort()).toEqual(files.map((f) => f.split(path.sep).join('/')).sort());
    for (const [name, { source, code }] of Object.entries(theme)) {
      expect(source).toBe(readFileSync(path.join(BUILTIN_TEMPLATES, name), 'utf8'));
      expect(code).toMatch(/^function root\(env, context, frame, runtime, cb\)/);
      // The compiled code names its own file only for relative references, which the theme has none of.
      expect(templateReferences(source).names.filter((n) => n.startsWith('.'))).toEqual([]);
    }
    expect(JSON.parse(readFileSync(PRECOMPILED_THEME, 'utf8'))).toEqual(theme);
  });

  test('renders the same pages as the theme compiled as it loads', async () => {
    const root = await siteWith();
    const [ahead, onLoad] = [precompileTheme(), null].map((precompiled) => createRenderer({ root, config, precompiled }));
    const post = makePost('First title');
    for (const route of [notFound, listPage([post, makePost('Other')], '/')]) {
      expect(body(ahead(route))).toBe(body(onLoad(route)));
    }
    expect(body(ahead(notFound))).toContain('Not found');
  });

  test('is used for a template whose text it holds, and not for one whose text changed or that the site overrides with its own', async () => {
    const theme = precompileTheme();
    const marked = { ...theme, '404.njk': { source: theme['404.njk'].source, code: renders('PRECOMPILED') } };
    expect(body(createRenderer({ root: await siteWith(), config, precompiled: marked })(notFound))).toBe('PRECOMPILED');
    const stale = { ...marked, '404.njk': { source: 'an older text', code: renders('PRECOMPILED') } };
    expect(body(createRenderer({ root: await siteWith(), config, precompiled: stale })(notFound))).toContain('Not found');
    const overridden = await siteWith({ 'templates/404.njk': 'The site’s own 404.\n' });
    expect(body(createRenderer({ root: overridden, config, precompiled: marked })(notFound))).toBe('The site’s own 404.\n');
  });
});
