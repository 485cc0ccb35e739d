/** The data every stage hands to the next. Stages depend on these types, not on each other. */

export interface Author {
  name?: string;
  email?: string;
  url?: string;
}

export interface NavLink {
  title: string;
  url: string;
}

export interface CpdArea {
  key: string;
  title: string;
}

export interface SiteConfig {
  title: string;
  description: string;
  /** Absolute base URL, always ending in `/`. */
  url: string;
  /** The path part of `url`, always starting and ending in `/` (`/` or `/blog/`). */
  basePath: string;
  language: string;
  author: Author;
  postsPerPage: number;
  permalink: string;
  timezone: string;
  nav: NavLink[];
  cpd: { framework: string; areas: CpdArea[] };
}

export interface BuildOptions {
  /** Site folder (absolute). */
  root: string;
  /** Output folder (absolute). */
  out: string;
  drafts: boolean;
  future: boolean;
  /** Overrides site.yaml `url`. */
  baseUrl?: string;
  strict: boolean;
  /** Fixed "now" for deciding future posts (tests); defaults to the current time. */
  now?: Date;
  /** Worker threads besides the main one: undefined = by site size and cores, 0 = none, n = n even for a small site. */
  workers?: number;
  /** Told how far the long stages are (the CLI shows it on a terminal). */
  onProgress?: (progress: BuildProgress) => void;
}

/** `done` of `total` posts parsed, or pages and files written. */
export interface BuildProgress {
  stage: 'parse' | 'write';
  done: number;
  total: number;
}

/** A file read from the site folder. */
export interface SourceFile {
  /** Path relative to the site root, with forward slashes. */
  path: string;
  absPath: string;
  kind: 'post' | 'series' | 'asset';
  /** Decoded text for posts and series files (BOM removed, CRLF -> LF); undefined for assets. */
  text?: string;
  /** Words in `text` (content/words.ts), counted as it was read. */
  words?: number;
}

export interface LeadImage {
  src: string;
  alt: string;
  credit?: string;
  license?: string;
  /** Deed URL when `license` names a Creative Commons licence, else undefined. */
  licenseUrl?: string;
  source?: string;
  width?: number;
  height?: number;
  /** Line of `image` in the post's front matter, for messages. */
  line?: number;
}

export interface CpdRecord {
  hours: number;
  activity: string;
  areas: string[];
}

export interface LinkRef {
  /** The URL as written in the Markdown. */
  href: string;
  kind: 'link' | 'image';
  line?: number;
  alt?: string;
}

export interface Post {
  /** Source path relative to the root (`posts/2024-01-05-hello.md`). */
  source: string;
  slug: string;
  /** Site-relative URL without the base path (`/posts/hello/`). */
  url: string;
  title: string;
  date: Date;
  updated?: Date;
  /** `YYYY-MM-DD` of `date` in the site's time zone. */
  day: string;
  year: number;
  description?: string;
  /** Plain-text summary: description, else the excerpt's text (for meta tags and feeds). */
  summary: string;
  excerptHtml: string;
  html: string;
  tags: string[];
  /** As written in the front matter; `title` is the series' title as shown, filled in by collect. */
  series?: { name: string; slug: string; part?: number; line?: number; title?: string };
  draft: boolean;
  future: boolean;
  unlisted: boolean;
  image?: LeadImage;
  cpd?: CpdRecord;
  words: number;
  readingMinutes: number;
  links: LinkRef[];
  /** Colocated files of a folder post: absolute source path -> output path (relative to the output root). */
  assets: { from: string; to: string }[];
  /** Every front-matter field as written, for templates. */
  data: Record<string, unknown>;
}

export interface SeriesMeta {
  source: string;
  slug: string;
  title?: string;
  description?: string;
  status?: 'ongoing' | 'complete';
  html: string;
}

export interface SeriesPart {
  post: Post;
  /** 1-based position among the parts shown. */
  number: number;
}

export interface Series {
  slug: string;
  title: string;
  url: string;
  feedUrl: string;
  description?: string;
  status?: 'ongoing' | 'complete';
  html: string;
  parts: SeriesPart[];
  first: Post;
  latest: Post;
}

/** What a series post's templates see as `seriesNav`. */
export interface SeriesNav {
  series: Series;
  number: number;
  total: number;
  parts: SeriesPart[];
  prev?: Post;
  next?: Post;
}

export interface Tag {
  name: string;
  slug: string;
  url: string;
  posts: Post[];
}

export interface ArchiveYear {
  year: number;
  posts: Post[];
}

export interface CpdEntry {
  post: Post;
  /** `YYYY-MM-DD` of the post in the site's time zone. */
  date: string;
  hours: number;
  activity: string;
  /** Area keys as written (duplicates removed). */
  areas: string[];
  /** The same areas' titles from site.yaml, for display. */
  areaTitles: string[];
}

export interface CpdAreaHours {
  area: CpdArea;
  hours: number;
}

export interface CpdYear {
  year: number;
  /** Each entry counted once, however many areas it has. */
  total: number;
  /** Every area of site.yaml, in its order; an entry counts in full towards each of its areas. */
  byArea: CpdAreaHours[];
  /** Oldest first. */
  entries: CpdEntry[];
}

export interface CpdStaleArea {
  area: CpdArea;
  /** The area's latest entry up to `asOf`, if it has any. */
  lastEntry?: CpdEntry;
}

export interface CpdLog {
  framework: string;
  areas: CpdArea[];
  /** Oldest first. */
  entries: CpdEntry[];
  /** Newest year first. */
  years: CpdYear[];
  /** All entries: each counted once in `total`, in full in each of its areas in `byArea`. */
  total: number;
  byArea: CpdAreaHours[];
  /** The build's `now` as a day in the site's time zone: the end of the three-year window. */
  asOf: string;
  /** Areas with no entry dated in the three years up to `asOf` (after the same day three years before). */
  staleAreas: CpdStaleArea[];
}

export interface Site {
  config: SiteConfig;
  /** Every post that gets a page, newest first (listed and unlisted). */
  posts: Post[];
  /** Posts shown in lists, feeds and the sitemap, newest first. */
  listed: Post[];
  series: Series[];
  /** Post source -> its series navigation. */
  seriesNav: Map<string, SeriesNav>;
  tags: Tag[];
  archive: ArchiveYear[];
  cpd: CpdLog | null;
  /** Files to copy: absolute source path -> output path (relative to the output root). */
  assets: { from: string; to: string }[];
  drafts: boolean;
}

export type Route =
  | {
      kind: 'page';
      url: string;
      template: string;
      data: Record<string, unknown>;
      /** The source file that produced this page, for error messages. */
      source?: string;
    }
  | { kind: 'file'; url: string; body: string | Buffer; source?: string };

export interface Page {
  url: string;
  body: string | Buffer;
}
