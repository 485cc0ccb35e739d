/**
 * The worker pool changes nothing but speed: every fixture built single-threaded
 * (FOLIO_WORKERS=0) and in worker threads writes the same files, byte for byte, and reports
 * the same problems in the same order.
 *
 * Worker threads cannot load TypeScript, so the pool runs the compiled worker in lib/:
 * tests/global-setup.ts compiles it before any file runs, so that lib/ is the code under test.
 */
import { existsSync } from 'node:fs';
import { cp, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../src/cli.js';
import { parseConfig } from '../src/config.js';
import { Diagnostics } from '../src/errors.js';
import { BuildPool, isPoolRefusal, POOL_MIN_FILES, workerThreads } from '../src/pool.js';
import { PostQueue } from '../src/content/parse-pool.js';
import { cleanTemp, FIXTURES, libCompiled, listFiles, post, tempDir, writeSite } from './helpers.js';

afterAll(cleanTemp);

beforeAll(() => expect(libCompiled()).toBe(true));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
}

/** `folio build` in-process with FOLIO_WORKERS set (undefined: Folio decides). */
async function buildWith(root: string, workers: string | undefined, args: string[] = []): Promise<Run> {
  const out = path.join(await tempDir('folio-parallel-out-'), 'dist');
  let stdout = '';
  let stderr = '';
  const code = await main(['build', '--root', root, '--out', out, ...args], {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd: root,
    env: workers === undefined ? {} : { FOLIO_WORKERS: workers },
  });
  return { code, stdout, stderr, out };
}

/** Every file of two builds, compared as bytes; returns how many files were compared. */
async function expectSameFiles(a: string, b: string): Promise<number> {
  const filesA = await listFiles(a);
  expect(await listFiles(b)).toEqual(filesA);
  for (const f of filesA) {
    const [x, y] = await Promise.all([readFile(path.join(a, f)), readFile(path.join(b, f))]);
    expect(x.equals(y), `${f} differs between the single-threaded and the pooled build`).toBe(true);
  }
  return filesA.length;
}

/** The summary line names the time taken and the (temporary) output folder. */
const withoutSeconds = (s: string) => s.replace(/ in \d+\.\d\d s -> .*$/m, ' in N s -> OUT');

async function expectSameBuild(root: string, pooled: string | undefined, args: string[] = []): Promise<number> {
  const single = await buildWith(root, '0', args);
  const pool = await buildWith(root, pooled, args);
  expect(single.code).toBe(0);
  expect(pool.code).toBe(0);
  expect(withoutSeconds(pool.stdout)).toBe(withoutSeconds(single.stdout));
  expect(pool.stderr).toBe(single.stderr);
  return expectSameFiles(single.out, pool.out);
}

const LANGS = ['js', 'ts', 'python', 'bash', 'nosuchlang', ''];
const SERIES = ['Notes on open badges', 'What is a learning technologist', 'Élan vital — a series'];
const TAGS = ['reflection', 'cmalt', 'accessibility', 'Open Education', 'café', 'assessment'];

/** A varied post: every Markdown feature the parse stage handles, and some problems. */
function generatedPost(i: number): string {
  const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000 * 3).toISOString().slice(0, 10);
  const front: Record<string, unknown> = {
    title: i % 7 === 0 ? `Réflexion n° ${i}: “quotes” & <angles>` : `Post number ${i}`,
    date: i % 5 === 0 ? `${day}T09:30:00+02:00` : day,
    tags: TAGS.filter((_, k) => (i + k) % 3 === 0),
  };
  if (i % 4 === 0) front.description = `Description of post ${i}, with "quotes".`;
  if (i % 3 === 0) {
    // Every third post, round-robin over the series: parts 1, 2, 3, … of each.
    front.series = SERIES[(i / 3) % SERIES.length];
    front.series_part = Math.floor(i / 9) + 1;
  }
  if (i % 23 === 0) front.draft = true;
  // An unlisted series post is no part of its series: its page stands alone.
  if (i % 39 === 0) front.visibility = 'unlisted';
  if (i % 29 === 0) front.updated = `${day} 18:00`;
  const lang = LANGS[i % LANGS.length];
  const body = [
    `Opening paragraph of post ${i} with *emphasis*, **strong**, \`code\` and a [link](https://example.org/${i}) — "smart quotes".`,
    i % 2 === 0 ? '<!-- more -->' : '',
    '## Background',
    `Text with a footnote.[^n${i}] And a [relative link](../post-number-${i + 1}/) and an [internal one](/tags/).`,
    '## Background',
    'The same heading twice, so anchors must be numbered within this post only.',
    '```' + lang,
    `const x${i} = ${i} < 2 && "a";`,
    'console.log(x);',
    '```',
    i % 3 === 0 ? '| a | b |\n|---|---|\n| 1 | 2 |' : '- one\n- two\n  - nested',
    i % 4 === 0 ? '![A photo of a whiteboard](/images/board.jpg)' : '',
    i % 11 === 0 ? '![](/images/no-alt.jpg)' : '',
    i % 6 === 0 ? '<p>Raw <a href="/posts/post-number-1/">HTML link</a> and <img src="pic.png" alt="a picture"></p>' : '',
    '> A quotation\n> over two lines.',
    `[^n${i}]: The footnote of post ${i}.`,
  ].join('\n\n');
  return post(front, `${body}\n`);
}

describe('single-threaded and pooled builds write the same bytes', () => {
  test.each(['basic', 'feeds', 'cpd', 'base-path', 'broken-links'])('the %s fixture, pool forced with FOLIO_WORKERS=2', async (name) => {
    const root = await tempDir();
    await cp(path.join(FIXTURES, name), root, { recursive: true });
    const files = await expectSameBuild(root, '2');
    expect(files).toBeGreaterThan(10);
  });

  test('a generated site of 420 varied posts, with drafts and future posts included', async () => {
    const files: Record<string, string> = {
      'site.yaml': 'title: Generated\nurl: "https://example.org/blog/"\ntimezone: "America/New_York"\npostsPerPage: 7\n',
      'series/notes-on-open-badges.md': '---\ntitle: "Notes on open badges"\ndescription: About badges\nstatus: ongoing\n---\nThe series *introduction*.\n',
      'posts/2021-05-05-folder-post/index.md': post({ title: 'A folder post', tags: ['reflection'] }, '![Beside me](beside.svg)\n'),
      'posts/2021-05-05-folder-post/beside.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    };
    // A series box that shows what other parts' bodies give (summary, reading time, links):
    // a thread making a part's page must have every part's body, whichever thread rendered it.
    files['templates/partials/series-box.njk'] =
      '<ol>{% for part in seriesNav.parts %}<li>{{ part.post.title }}: {{ part.post.summary }} ({{ part.post.readingMinutes }} min, {{ part.post.links.length }} links, {{ part.post.excerptHtml | length }})</li>{% endfor %}</ol>\n' +
      '{% if seriesNav.next %}<p>Next: {{ seriesNav.next.words }} words</p>{% endif %}\n';
    // Pages that list posts, showing what bodies give: the threaded build renders each of them
    // while other bodies are still rendering, so each must wait for exactly the bodies it shows.
    // (The theme's home, tag and series pages show excerpts and reading times already.)
    const words = (posts: string) => `{% for p in ${posts} %}{{ p.words }}/{{ p.summary }}/{{ p.html | length }} {% endfor %}`;
    files['templates/archive.njk'] = `{% extends "base.njk" %}{% block content %}{% for year in years %}<p>${words('year.posts')}</p>{% endfor %}{% endblock %}\n`;
    files['templates/tags.njk'] = `{% extends "base.njk" %}{% block content %}{% for tag in tags %}<p>${words('tag.posts')}</p>{% endfor %}{% endblock %}\n`;
    files['templates/series-index.njk'] =
      '{% extends "base.njk" %}{% block content %}{% for s in seriesList %}<p>{{ s.latest.readingMinutes }} {{ s.first.links.length }}</p>{% endfor %}{% endblock %}\n';
    for (let i = 1; i <= 420; i++) files[`posts/p${String(i).padStart(4, '0')}-post-number-${i}.md`] = generatedPost(i);
    // A long post in the last batch keeps a worker busy while the main thread renders the pages
    // already ready: a page rendered before this body is in, though it shows it, would differ.
    const paragraphs = Array.from({ length: 30_000 }, (_, k) => `Paragraph ${k} with *emphasis* and a [link](https://example.org/${k}).`);
    files['posts/p9999-a-long-post.md'] = post({ title: 'A long post', date: '2019-06-01', tags: TAGS }, `${paragraphs.join('\n\n')}\n`);
    const root = await writeSite(files);
    // One worker: bodies and post pages there and on the main thread; three: the same, more ways.
    expect(await expectSameBuild(root, '1', ['--drafts', '--future'])).toBeGreaterThan(420);
    expect(await expectSameBuild(root, '3')).toBeGreaterThan(400);
    const single = await buildWith(root, '0');
    const page = await readFile(path.join(single.out, 'posts/p0003-post-number-3/index.html'), 'utf8');
    expect(page).toMatch(/<li>Post number 12: Description of post 12, with &quot;quotes&quot;. \(1 min, 6 links, \d+\)<\/li>/);
  });
});

describe('problems found in worker threads', () => {
  /** Builds `root` on one thread and with two workers: the same exit code (`code`) and stderr. Returns the pooled run. */
  async function sameProblemsBothWays(root: string, code: number): Promise<Run> {
    const single = await buildWith(root, '0');
    const pool = await buildWith(root, '2');
    expect(single.code).toBe(code);
    expect(pool.code).toBe(code);
    expect(pool.stderr).toBe(single.stderr);
    return pool;
  }

  test('errors and warnings come back with the same text, order and exit code', async () => {
    const root = await writeSite({
      'posts/2024-01-01-ok.md': post({ title: 'Fine' }, '![](/missing.png)\n'),
      'posts/2024-01-02-bad-yaml.md': '---\ntitle: "unclosed\n---\nBody\n',
      'posts/2024-01-03-bad-fields.md': post({ title: 'Fields', date: '2024-02-30', series_part: 'two', colour: 'red' }),
      'posts/no-date.md': post({ title: 'No date' }),
      'series/nothing.md': '---\ntitle: Nothing\nstatsu: ongoing\n---\n',
    });
    const pool = await sameProblemsBothWays(root, 1);
    expect(pool.stderr).toContain('posts/2024-01-03-bad-fields.md:3:7 error: cannot read the date "2024-02-30"');
    expect(pool.stderr).toContain('posts/2024-01-03-bad-fields.md:5:1 warning: unknown front-matter field `colour`');
    expect(pool.stderr).toContain('posts/no-date.md:1 error: missing `date`');
    expect(pool.stderr).toMatch(/Build failed: \d+ errors?, \d+ warnings?; the previous output was left as it was\n$/);
    expect(existsSync(pool.out)).toBe(false);
  });

  test('links to nothing are reported as on the main thread, checked as each body comes back', async () => {
    const files: Record<string, string> = {
      'site.yaml': 'title: Links\nurl: "https://example.org/"\nnav: [{ title: "About", url: "/about/" }, { title: "Tags", url: "/tags/" }]\n',
    };
    for (let i = 1; i <= 30; i++) {
      const body = [
        `[The one before](/posts/p${i - 1}/) and [a tag](/tags/t${i % 3}/).`,
        i % 4 === 0 ? `[Nowhere](/posts/missing-${i}/) and ![A photo](/images/photo-${i}.jpg)` : 'Nothing broken here.',
      ].join('\n\n');
      files[`posts/2024-01-${String(i).padStart(2, '0')}-p${i}.md`] = post({ title: `P${i}`, slug: `p${i}`, tags: [`t${i % 3}`], ...(i === 5 ? { image: { src: '/gone.jpg', alt: 'Gone' } } : {}) }, `${body}\n`);
    }
    const root = await writeSite(files);
    const pool = await sameProblemsBothWays(root, 0);
    expect(pool.stderr).toContain('posts/2024-01-04-p4.md:8 warning: the link /posts/missing-4/ points at nothing in the built site');
    expect(pool.stderr).toContain('posts/2024-01-04-p4.md:8 warning: the image /images/photo-4.jpg points at nothing in the built site');
    expect(pool.stderr).toContain('posts/2024-01-01-p1.md:6 warning: the link /posts/p0/ points at nothing in the built site');
    expect(pool.stderr).toContain('the lead image /gone.jpg does not exist');
    expect(pool.stderr).toContain('site.yaml warning: the nav link "About" (/about/) points at nothing in the built site');
    expect(pool.stderr.match(/points at nothing/g)?.length).toBe(1 + 7 * 2 + 1);
  });

  test('a link to a page whose template failed is reported as on the main thread', async () => {
    const files: Record<string, string> = { 'templates/archive.njk': '{% extends "base.njk" %}\n{% block content %}{{ nothing.here() }}{% endblock %}\n' };
    for (let i = 1; i <= 30; i++) files[`posts/2024-01-${String(i).padStart(2, '0')}-p${i}.md`] = post({ title: `P${i}` }, 'See [the archive](/archive/).\n');
    const root = await writeSite(files);
    const pool = await sameProblemsBothWays(root, 1);
    expect(pool.stderr).toContain('posts/2024-01-01-p1.md:4 warning: the link /archive/ points at nothing in the built site');
    expect(pool.stderr).toMatch(/^templates\/archive\.njk:2:\d+ error: template error/m);
  });

  test('a template error met while rendering post pages in worker threads is reported once, as on the main thread', async () => {
    const files: Record<string, string> = {
      'templates/post.njk': '{% extends "base.njk" %}\n{% block content %}\n<h1>{{ post.title }}</h1>\n{{ post.notAFunction() }}\n{% endblock %}\n',
    };
    for (let i = 1; i <= 40; i++) files[`posts/2024-01-${String((i % 28) + 1).padStart(2, '0')}-p${i}.md`] = post({ title: `Post ${i}`, ...(i % 3 ? {} : { series: 'S' }) });
    const root = await writeSite(files);
    const pool = await sameProblemsBothWays(root, 1);
    expect(pool.stderr).toMatch(/^templates\/post\.njk:4:\d+ error: template error: .* and 39 other pages\) — /m);
  });

  test('FOLIO_WORKERS must be a whole number', async () => {
    const root = await writeSite({ 'posts/2024-01-01-a.md': post({ title: 'A' }) });
    const run = await buildWith(root, 'many');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: FOLIO_WORKERS must be a whole number of threads (0 = parse on the main thread), not "many"\n');
    expect(existsSync(run.out)).toBe(false);
  });
});

describe('batches the threads cannot take are done on the main thread', () => {
  test('a batch whose data cannot cross threads is rendered on the main thread instead', async () => {
    const config = parseConfig('', new Diagnostics());
    await using pool = new BuildPool(1);
    expect(pool.start(1)).toBe(true);
    const queue = new PostQueue(pool, config);
    const job = (n: number, extra?: unknown) => ({
      source: { path: `posts/p${n}.md`, absPath: `/nowhere/posts/p${n}.md`, kind: 'post' as const, ...(extra ? { extra } : {}) },
      body: `Post *${n}*.`,
      bodyLine: 5,
      url: `/posts/p${n}/`,
    });
    // A function cannot be cloned into a worker: the queue must not lose that batch.
    queue.addAlone(job(1, () => 'not cloneable'), null);
    queue.close();
    const finished = [];
    for (let done = await queue.next(); done; done = await queue.next()) finished.push(...done);
    expect(finished.map((f) => [f.index, f.body.html])).toEqual([[0, '<p>Post <em>1</em>.</p>\n']]);
    expect(queue.problemsInOrder()).toEqual([]);
  });

  test('the main thread renders waiting bodies itself only while more than `mainRendersAbove` wait', async () => {
    const config = parseConfig('', new Diagnostics());
    const job = (n: number) => ({
      source: { path: `posts/p${n}.md`, absPath: `/nowhere/posts/p${n}.md`, kind: 'post' as const },
      body: `Post *${n}*, with \`code\`.\n\n\`\`\`js\nconst n = ${n};\n\`\`\`\n`.repeat(20),
      bodyLine: 5,
      url: `/posts/p${n}/`,
    });
    const runQueue = async (mainRendersAbove: number) => {
      await using pool = new BuildPool(1);
      expect(pool.start(1)).toBe(true);
      const queue = new PostQueue(pool, config, undefined, { perWorker: 1, mainRendersAbove });
      for (let n = 0; n < 600; n++) queue.addAlone(job(n), null);
      queue.close();
      const finished = [];
      for (let done = await queue.next(); done; done = await queue.next()) finished.push(...done);
      // Every body once, whichever thread rendered it, and the same as rendered alone.
      expect(finished.map((f) => f.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, n) => n));
      for (const f of finished) expect(f.body.html).toContain(`<p>Post <em>${f.index}</em>, with <code>code</code>.</p>`);
      return queue.ranHere;
    };
    // 600 bodies in 12 batches of 50: the main thread takes some while more than 100 wait…
    const helped = await runQueue(100);
    expect(helped).toBeGreaterThan(0);
    expect(helped).toBeLessThanOrEqual(500);
    // …and none while fewer than the threshold wait.
    expect(await runQueue(600)).toBe(0);
  }, 60_000);

  test('the last 200 bodies go to the threads in batches of 10; a series stays one batch', async () => {
    const config = parseConfig('', new Diagnostics());
    const sent: number[][] = [];
    // A pool that records each batch and answers at once.
    const pool = {
      workers: 1,
      run: async (_name: string, task: { jobs: { url: string }[] }) => {
        sent.push(task.jobs.map((j) => Number(j.url.slice(8, -1))));
        return task.jobs.map(() => ({ body: { summary: '', excerptHtml: '', html: '', links: [] }, problems: [] }));
      },
    } as unknown as BuildPool;
    const job = (n: number) => ({ source: { path: `posts/p${n}.md`, absPath: `/nowhere/p${n}.md`, kind: 'post' as const }, body: 'x', bodyLine: 1, url: `/posts/p${n}/` });
    // One batch at a time in the thread: the rest wait in the queue, as they do on a large site.
    const queue = new PostQueue(pool, config, undefined, { perWorker: 1, mainRendersAbove: 1e9 });
    for (let n = 0; n < 437; n++) queue.addAlone(job(n), null);
    queue.addSeries([437, 438, 439].map(job), [], []);
    queue.close();
    for (let done = await queue.next(); done; done = await queue.next());
    // The first batch of 50 as it was read, the series (ahead of the batches waiting), then the
    // rest in fifties until the last 237 (the last 37 and the four fifties before them), in tens.
    expect(sent.map((b) => b.length)).toEqual([50, 3, 50, 50, 50, ...Array(23).fill(10), 7]);
    expect(sent.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 440 }, (_, n) => n));
    expect(sent.slice(-24).flat()).toEqual(Array.from({ length: 237 }, (_, n) => 200 + n));
  });

  test('a worker out of memory and uncloneable data count as refusals; other errors do not', async () => {
    const oom = await new Promise<unknown>((resolve) => {
      const w = new Worker('const a = []; for (;;) a.push(new Array(1e5).fill(1));', { eval: true, resourceLimits: { maxOldGenerationSizeMb: 8 } });
      w.on('error', resolve);
    });
    expect(isPoolRefusal(oom)).toBe(true);
    let cloneError: unknown;
    try {
      structuredClone({ f: () => 1 });
    } catch (e) {
      cloneError = e;
    }
    expect(isPoolRefusal(cloneError)).toBe(true);
    expect(isPoolRefusal(new Error('ENOSPC: no space left on device'))).toBe(false);
  });
});

describe('when the pool is used', () => {
  test('small sites build on the main thread; large ones use a worker per core beyond the first; FOLIO_WORKERS overrides both', () => {
    const cores = availableParallelism();
    expect(workerThreads(0)).toBe(0);
    expect(workerThreads(POOL_MIN_FILES - 1)).toBe(0);
    expect(workerThreads(POOL_MIN_FILES)).toBe(cores - 1);
    expect(workerThreads(10, 2)).toBe(2);
    expect(workerThreads(100_000, 0)).toBe(0);
    expect(workerThreads(0, 2)).toBe(0);
  });
});
