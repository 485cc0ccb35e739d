/** site.yaml: defaults, every setting checked, errors naming the key at its line. */
import { afterAll, expect, test } from 'vitest';
import { build, cleanTemp, post, writeSite } from './helpers.js';
import { parseConfig } from '../src/config.js';
import { Diagnostics, formatProblem, sortProblems } from '../src/errors.js';

afterAll(cleanTemp);

function problems(yaml: string): string[] {
  const diag = new Diagnostics();
  parseConfig(yaml, diag);
  return sortProblems(diag.problems).map(formatProblem);
}

test('defaults when site.yaml is empty', () => {
  const diag = new Diagnostics();
  const c = parseConfig('', diag);
  expect(diag.problems).toEqual([]);
  expect(c).toMatchObject({ title: 'Folio', url: 'http://localhost:4000/', basePath: '/', language: 'en', postsPerPage: 10, permalink: '/posts/:slug/', timezone: 'UTC' });
  expect(c.cpd.framework).toBe('CMALT');
  expect(c.cpd.areas.map((a) => a.key)).toEqual(['operational', 'teaching', 'wider-context', 'communication']);
});

test('url gets a trailing slash and its path part becomes the base path', () => {
  const c = parseConfig('url: https://example.org/blog\n', new Diagnostics());
  expect(c.url).toBe('https://example.org/blog/');
  expect(c.basePath).toBe('/blog/');
});

test('wrong types name the key, its line and the fix', () => {
  expect(problems('title: [a]\nauthor: 5\npermalink: "/:year/"\ncpd: { framework: [x] }\n')).toEqual([
    'site.yaml:1:8 error: `title` must be a string — write e.g. title: "…"',
    'site.yaml:2:9 error: `author` must be a mapping with name, email and url — write e.g. author: { name: "Sam" }',
    'site.yaml:3:12 error: `permalink` must start and end with "/" and contain :slug — write e.g. permalink: "/posts/:slug/" (also :year, :month, :day)',
    'site.yaml:4:19 error: `cpd.framework` must be a string — write e.g. framework: "…"',
  ]);
});

test('CPD areas must have unique keys', () => {
  expect(problems('cpd:\n  areas:\n    - { key: a, title: A }\n    - { key: a, title: B }\n')).toEqual([
    'site.yaml:3:5 error: the CPD area key "a" is listed twice — give every area its own key',
  ]);
});

test('an unknown setting is a warning with a suggestion; the build goes on', async () => {
  const root = await writeSite({ 'site.yaml': 'title: T\npostPerPage: 3\n', 'posts/2024-01-01-a.md': post({ title: 'A' }) });
  const site = await build(root);
  expect(site.code).toBe(0);
  expect(site.stderr).toBe('site.yaml:2:1 warning: unknown setting `postPerPage` — did you mean `postsPerPage`?\n');
});

test('cpd hours that are not a finite number are named as written', async () => {
  const root = await writeSite({ 'posts/2024-01-01-a.md': post('title: A\ncpd: { hours: .nan, activity: x, areas: [teaching] }') });
  const site = await build(root);
  expect(site.code).toBe(1);
  expect(site.stderr).toContain('posts/2024-01-01-a.md:3:15 error: `cpd.hours` must be a number greater than 0, not NaN — write e.g. hours: 1.5');
});
