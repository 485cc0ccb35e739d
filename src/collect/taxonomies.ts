/** Pure: posts -> tags and the archive by year. */
import { slugify } from '../slug.js';
import type { ArchiveYear, Post, Tag } from '../types.js';

/** `posts` newest first; a tag is shown in the spelling of its oldest post. */
export function collectTags(posts: Post[]): Tag[] {
  const tags = new Map<string, Tag>();
  for (let i = posts.length - 1; i >= 0; i--) {
    for (const name of posts[i].tags) {
      const slug = slugify(name);
      let tag = tags.get(slug);
      if (!tag) tags.set(slug, (tag = { name, slug, url: `/tags/${slug}/`, posts: [] }));
      tag.posts.push(posts[i]);
    }
  }
  for (const tag of tags.values()) tag.posts.reverse();
  return [...tags.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

/** `posts` newest first -> years newest first, each newest first. */
export function collectArchive(posts: Post[]): ArchiveYear[] {
  const years: ArchiveYear[] = [];
  for (const post of posts) {
    const last = years[years.length - 1];
    if (last?.year === post.year) last.posts.push(post);
    else years.push({ year: post.year, posts: [post] });
  }
  return years;
}
