import { afterAll, expect, test } from 'vitest';
import { build, cleanTemp, post, writeSite } from './helpers.js';

afterAll(cleanTemp);

test('a one-post site builds', async () => {
  const root = await writeSite({ 'posts/2024-01-05-hello.md': post({ title: 'Hello' }) });
  const site = await build(root);
  expect(site.stderr).toBe('');
  expect(site.code).toBe(0);
  const $ = await site.html('posts/hello/index.html');
  expect($('h1').text()).toBe('Hello');
});
