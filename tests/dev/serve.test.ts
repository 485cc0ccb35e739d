/** `folio dev` serves the site, and only the site: base path, redirects, types, HEAD, 404, traversal. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { cleanTemp } from '../helpers.js';
import { closeAll, startFixture, withoutDevSnippet } from './dev-helpers.js';

afterEach(closeAll);
afterAll(cleanTemp);

describe('serving', () => {
  test('serves the site under the path of its url, drafts included, with the live-reload script', async () => {
    const dev = await startFixture();
    expect(dev.base).toBe('/blog/');
    expect(dev.output.stdout).toMatch(
      /^Built \d+ pages from 5 posts \(1 series, 2 tags\) in \d+\.\d\d s\nServing http:\/\/127\.0\.0\.1:\d+\/blog\/ \(drafts included\) — watching posts\/, series\/, templates\/, public\/ and site\.yaml; press Ctrl-C to stop\n$/,
    );

    const home = await dev.get('/blog/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<title>Dev fixture</title>');
    expect(home.body).toContain('<script data-folio-dev>');
    expect(home.body).toContain('new EventSource(');
    // Links carry the base path; absolute URLs point at the preview.
    expect(home.body).toContain('href="/blog/posts/draft-idea/"');
    expect(home.body).toContain(`<link rel="canonical" href="${dev.origin}/blog/">`);

    const draft = await dev.get('/blog/posts/draft-idea/');
    expect(draft.status).toBe(200);
    expect(draft.body).toContain('Not ready yet.');
  });

  test('the pages are the ones `folio build` writes, apart from the live-reload script', async () => {
    const dev = await startFixture();
    const { build } = await import('../helpers.js');
    const built = await build(dev.root, ['--drafts', '--base-url', `${dev.origin}/blog/`]);
    expect(built.code).toBe(0);
    const files = (await built.files()).filter((f) => !f.startsWith('.folio'));
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const served = await dev.get(`/blog/${file}`);
      expect(served.status, file).toBe(200);
      const expected = await built.read(file);
      expect(file.endsWith('.html') ? withoutDevSnippet(served.body) : served.body, file).toBe(expected);
    }
  });

  test('--no-drafts leaves drafts out', async () => {
    const dev = await startFixture('dev-blog', { drafts: false });
    expect(dev.output.stdout).toContain('(drafts left out)');
    expect((await dev.get('/blog/posts/draft-idea/')).status).toBe(404);
    expect((await dev.get('/blog/archive/')).body).not.toContain('A draft idea');
  });

  test('redirects the root to the base path and a folder without its slash to the slash', async () => {
    const dev = await startFixture();
    for (const [target, location] of [
      ['/', '/blog/'],
      ['/blog', '/blog/'],
      ['/blog/posts/first-steps', '/blog/posts/first-steps/'],
      ['/blog/posts/first-steps?utm=x', '/blog/posts/first-steps/?utm=x'],
      ['/blog/series/learning-in-public', '/blog/series/learning-in-public/'],
    ]) {
      const reply = await dev.get(target);
      expect(reply.status, target).toBe(302);
      expect(reply.headers.location, target).toBe(location);
    }
    // The index file itself is served too.
    const index = await dev.get('/blog/posts/first-steps/index.html');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<h1>First steps</h1>');
  });

  test('content types', async () => {
    const dev = await startFixture();
    const types: [string, string][] = [
      ['/blog/', 'text/html; charset=utf-8'],
      ['/blog/404.html', 'text/html; charset=utf-8'],
      ['/blog/style.css', 'text/css; charset=utf-8'],
      ['/blog/favicon.svg', 'image/svg+xml'],
      ['/blog/feed.xml', 'application/atom+xml; charset=utf-8'],
      ['/blog/feed.json', 'application/feed+json; charset=utf-8'],
      ['/blog/series/learning-in-public/feed.xml', 'application/atom+xml; charset=utf-8'],
      ['/blog/sitemap.xml', 'application/xml; charset=utf-8'],
      ['/blog/robots.txt', 'text/plain; charset=utf-8'],
      ['/blog/notes.txt', 'text/plain; charset=utf-8'],
    ];
    for (const [target, type] of types) {
      const reply = await dev.get(target);
      expect(reply.status, target).toBe(200);
      expect(reply.headers['content-type'], target).toBe(type);
      expect(reply.headers['cache-control'], target).toBe('no-store');
      expect(Number(reply.headers['content-length']), target).toBe(Buffer.byteLength(reply.body));
    }
    expect((await dev.get('/blog/notes.txt')).body).toBe('Notes kept beside the site.\n');
    // Only HTML gets the script.
    expect((await dev.get('/blog/feed.xml')).body).not.toContain('folio-dev');
  });

  test('HEAD answers with the headers of GET and no body', async () => {
    const dev = await startFixture();
    for (const target of ['/blog/', '/blog/style.css', '/blog/posts/first-steps/', '/blog/no-such-page/']) {
      const get = await dev.get(target);
      const head = await dev.get(target, 'HEAD');
      expect(head.status, target).toBe(get.status);
      expect(head.body, target).toBe('');
      expect(head.headers['content-type'], target).toBe(get.headers['content-type']);
      expect(head.headers['content-length'], target).toBe(get.headers['content-length']);
    }
    const post = await dev.get('/blog/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  test("a missing page gets the site's 404 page with status 404", async () => {
    const dev = await startFixture();
    const page404 = await dev.get('/blog/404.html');
    for (const target of ['/blog/no-such-page/', '/blog/posts/nothing', '/blog/posts/first-steps/nothing.png', '/elsewhere/', '/__folio/other']) {
      const reply = await dev.get(target);
      expect(reply.status, target).toBe(404);
      expect(reply.headers['content-type'], target).toBe('text/html; charset=utf-8');
      expect(withoutDevSnippet(reply.body), target).toBe(withoutDevSnippet(page404.body));
    }
    expect(page404.body).toContain('<title>Page not found — Dev fixture</title>');
  });
});

describe('the server serves only the site', () => {
  const spellings = [
    '/blog/../site.yaml',
    '/blog/%2e%2e/site.yaml',
    '/blog/%2E%2E/%2E%2E/etc/passwd',
    '/blog/.%2e/site.yaml',
    '/blog/..%2fsite.yaml',
    '/blog/posts%2f..%2f..%2fsite.yaml',
    '/blog/%2fetc%2fpasswd',
    '/blog/..%5csite.yaml',
    '/blog/%5c..%5c..%5csite.yaml',
    '/blog/..\\site.yaml',
    '/blog/posts\\..\\..\\site.yaml',
    '/blog/%00',
    '/blog/style.css%00.html',
    '/blog/%252e%252e/site.yaml',
    '/blog/./style.css',
    '/blog/posts/../../site.yaml',
    '/blog/posts/2024-01-10-first-steps.md',
    '/blog/site.yaml',
    '/site.yaml',
    '/blog/%E0%A4%A',
    '//etc/passwd',
    '/blog//etc/passwd',
    '/blog/secret.txt',
    '/blog/../secret.txt',
    '/blog/%2e%2e/secret.txt',
    '/blog/%2e%2e%2f%2e%2e%2fsecret.txt',
  ];

  test('every spelling of a way out gets the 404 page and no file', async () => {
    const dev = await startFixture('dev-blog', {
      // In the site folder but not part of the site, like site.yaml and the Markdown sources.
      prepare: (root) => writeFile(path.join(root, 'secret.txt'), 'TOP SECRET'),
    });
    const page404 = withoutDevSnippet((await dev.get('/blog/404.html')).body);
    for (const target of spellings) {
      const reply = await dev.raw(target);
      expect(reply.status, target).toBe(404);
      expect(withoutDevSnippet(reply.body), target).toBe(page404);
      expect(reply.body, target).not.toContain('TOP SECRET');
      expect(reply.body, target).not.toContain('postsPerPage');
      expect(reply.body, target).not.toContain('root:');
    }
  });

  test('a raw NUL byte in the path never reaches a file', async () => {
    const dev = await startFixture();
    const reply = await dev.raw('/blog/style.css\0.html');
    expect(reply.status).not.toBe(200);
    expect(reply.body).not.toContain('body');
  });
});
