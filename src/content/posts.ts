/** SourceFile -> Post: front matter checked field by field, slug, URL, dates, Markdown. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Diagnostics } from '../errors.js';
import { calendarDay, parseDate, wallClock } from '../dates.js';
import { slugify } from '../slug.js';
import { closestName } from '../suggest.js';
import { isProblem } from '../yaml.js';
import { parseFrontMatter, type FrontMatter } from './front-matter.js';
import { htmlToText, resolveRelative, type DimensionsOf, type RenderedMarkdown } from './markdown.js';
import { localImageDimensions } from './image-dimensions.js';
import { countWords, wordsInTail } from './words.js';
import type { CpdRecord, LeadImage, Post, SeriesMeta, SiteConfig, SourceFile } from '../types.js';

export const POST_FIELDS = [
  'title', 'date', 'updated', 'description', 'tags', 'series', 'series_part', 'draft',
  'visibility', 'slug', 'image', 'cpd', 'extra',
] as const;

const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})-/;
const DATE_HINT = 'write it as YYYY-MM-DD, e.g. 2024-03-05 (a time is optional: 2024-03-05 14:30)';

export interface ParseContext {
  config: SiteConfig;
  renderMarkdown: (text: string, pageUrl?: string, dimensionsOf?: DimensionsOf) => RenderedMarkdown;
  now: Date;
  diag: Diagnostics;
}

/** Reports problems about one field at the position of its key (or value). */
class FieldReporter {
  constructor(
    private readonly file: string,
    private readonly fm: FrontMatter,
    private readonly diag: Diagnostics,
  ) {}

  private where(key: string | (string | number)[], value: boolean) {
    const pos = this.fm.positionOf(key, value) ?? this.fm.positionOf(key);
    return { file: this.file, line: pos?.line ?? 1, column: pos?.column };
  }

  error(key: string | (string | number)[], message: string, hint: string, atValue = true): void {
    this.diag.error({ ...this.where(key, atValue), message, hint });
  }

  warn(key: string | (string | number)[], message: string, hint: string, atValue = true): void {
    this.diag.warn({ ...this.where(key, atValue), message, hint });
  }
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A slug that could climb out of the output folder. */
export function isUnsafePath(s: string): boolean {
  return s.includes('..') || s.includes('\\') || s.includes('\0') || s.startsWith('/') || /^[a-z]:/i.test(s);
}

const CC_NAME = /^CC[\s-]+(BY(?:[\s-]+(?:NC|SA|ND))*)[\s-]+(\d\.\d)$/i;

/** "CC BY-NC-ND 2.0" -> its deed on creativecommons.org; "CC0 1.0" too. */
export function licenseUrl(license: string): string | undefined {
  const l = license.trim();
  if (/^CC0(\s+1\.0)?$/i.test(l)) return 'https://creativecommons.org/publicdomain/zero/1.0/';
  const m = CC_NAME.exec(l);
  if (!m) return undefined;
  const kind = m[1].toLowerCase().split(/[\s-]+/).join('-');
  return `https://creativecommons.org/licenses/${kind}/${m[2]}/`;
}

function resolveDate(
  key: 'date' | 'updated',
  value: unknown,
  report: FieldReporter,
  config: SiteConfig,
): Date | undefined {
  // YAML 1.1 readers give Date objects; ours gives strings, but accept both.
  if (value instanceof Date) return value;
  const s = text(value);
  const d = s === undefined ? undefined : parseDate(s, config.timezone);
  if (!d) report.error(key, `cannot read the ${key} "${s ?? JSON.stringify(value)}"`, DATE_HINT);
  return d;
}

function fallbackSlug(file: string): string {
  return `post-${createHash('sha1').update(file).digest('hex').slice(0, 8)}`;
}

export function expandPermalink(pattern: string, slug: string, day: string): string {
  const [year, month, date] = day.split('-');
  return pattern.replace(/:slug/g, slug).replace(/:year/g, year).replace(/:month/g, month).replace(/:day/g, date);
}

/** The folder of a folder post (`posts/a/my-post/index.md` -> `posts/a/my-post`), else undefined. */
export function folderOf(file: string): string | undefined {
  return path.posix.basename(file) === 'index.md' ? path.posix.dirname(file) : undefined;
}

/**
 * What the Markdown stage needs to render one post's body: everything else about the post
 * comes from its front matter (parsePostHead). Plain data, so that it can cross threads.
 */
export interface PostBodyJob {
  source: Pick<SourceFile, 'path' | 'absPath' | 'kind'>;
  body: string;
  /** 1-based line of the body's first line in the file. */
  bodyLine: number;
  url: string;
  description?: string;
}

/**
 * The fields of a Post that come from rendering its Markdown body. (Its words are counted in
 * the Markdown as written, as the file is read: content/words.ts.)
 */
export type PostBody = Pick<Post, 'summary' | 'excerptHtml' | 'html' | 'links'>;

/**
 * Parses one post. Returns undefined when a problem makes a page impossible
 * (problems are in `ctx.diag`); otherwise a Post, with lesser problems reported too.
 */
export function parsePost(source: SourceFile, ctx: ParseContext, colocated: string[] = []): Post | undefined {
  const head = parsePostHead(source, ctx, colocated);
  if (!head) return undefined;
  return Object.assign(head.post, renderPostBody(head.body, ctx));
}

/**
 * A post from its front matter alone (the Markdown body not yet rendered: `body` says what to
 * render, and the PostBody fields are empty until renderPostBody's result is assigned).
 * Undefined when a problem makes a page impossible (problems are in `ctx.diag`).
 */
export function parsePostHead(source: SourceFile, ctx: Omit<ParseContext, 'renderMarkdown'>, colocated: string[] = []): { post: Post; body: PostBodyJob } | undefined {
  const { config, diag } = ctx;
  const file = source.path;
  const fm = parseFrontMatter(source.text ?? '', file);
  if (isProblem(fm)) {
    diag.add([fm]);
    return undefined;
  }
  const data = fm.data;
  const report = new FieldReporter(file, fm, diag);
  let fatal = false;

  for (const key of Object.keys(data)) {
    if ((POST_FIELDS as readonly string[]).includes(key)) continue;
    const near = closestName(key, POST_FIELDS);
    report.warn(
      key,
      `unknown front-matter field \`${key}\``,
      near ? `did you mean \`${near}\`?` : 'Folio ignores it; put your own fields under `extra:` for templates',
      false,
    );
  }

  const title = text(data.title)?.trim();
  if (!title) {
    if (data.title === undefined) report.error('title', 'missing `title`', 'add a line such as title: "My reflection" to the front matter', false);
    else report.error('title', '`title` must be a non-empty string', 'write e.g. title: "My reflection"');
    fatal = true;
  }

  const folder = folderOf(file);
  const baseName = folder ? path.posix.basename(folder) : path.posix.basename(file, '.md');
  const namePrefix = DATE_PREFIX.exec(baseName);
  let date: Date | undefined;
  if (data.date !== undefined && data.date !== null) {
    date = resolveDate('date', data.date, report, config);
  } else if (namePrefix) {
    date = parseDate(namePrefix[1], config.timezone);
    if (!date) diag.error({ file, line: 1, message: `the file name starts with an impossible date "${namePrefix[1]}"`, hint: DATE_HINT });
  } else {
    report.error('date', 'missing `date`', `add a line such as date: 2024-03-05, or start the file name with the date (2024-03-05-${baseName}.md)`, false);
  }
  if (!date) fatal = true;
  const updated = data.updated == null ? undefined : resolveDate('updated', data.updated, report, config);

  let description: string | undefined;
  if (data.description != null) {
    description = text(data.description);
    if (description === undefined) report.error('description', '`description` must be a string', 'write e.g. description: "One sentence about the post"');
  }

  const tags: string[] = [];
  if (data.tags != null) {
    const raw = typeof data.tags === 'string' ? data.tags.split(',') : Array.isArray(data.tags) ? data.tags : undefined;
    if (!raw || raw.some((t) => text(t) === undefined)) {
      report.error('tags', '`tags` must be a list of words', 'write e.g. tags: [reflection, cmalt] or tags: "reflection, cmalt"');
    } else {
      const seen = new Set<string>();
      for (const t of raw.map((x) => text(x)!.trim()).filter(Boolean)) {
        const slug = slugify(t);
        if (!slug) report.error('tags', `the tag "${t}" has no letters or digits to make a URL from`, 'use a tag with Latin letters or digits');
        else if (!seen.has(slug)) {
          seen.add(slug);
          tags.push(t);
        }
      }
    }
  }

  let series: Post['series'];
  if (data.series != null) {
    const name = text(data.series)?.trim();
    const slug = name ? slugify(name) : '';
    if (!name || !slug) report.error('series', '`series` must be the name of the series', 'write e.g. series: "What is a learning technologist"');
    else series = { name, slug, line: fm.positionOf('series')?.line };
  }
  if (data.series_part != null) {
    const part = data.series_part;
    if (!Number.isSafeInteger(part) || (part as number) < 1) {
      report.error('series_part', `\`series_part\` must be a whole number from 1 up, not ${JSON.stringify(part)}`, 'write e.g. series_part: 3');
    } else if (!series) {
      report.warn('series_part', '`series_part` without `series` is ignored', 'add series: "Name of the series", or remove series_part', false);
    } else {
      series.part = part as number;
      // Errors about a part (duplicates, gaps) point at the series_part line.
      series.line = fm.positionOf('series_part')?.line ?? series.line;
    }
  }

  let draft = false;
  if (data.draft != null) {
    if (typeof data.draft === 'boolean') draft = data.draft;
    else report.error('draft', '`draft` must be true or false', 'write draft: true (or remove the line to publish)');
  }

  let unlisted = false;
  if (data.visibility != null) {
    if (data.visibility === 'unlisted') unlisted = true;
    else if (data.visibility !== 'listed') report.error('visibility', `\`visibility\` must be "listed" or "unlisted", not ${JSON.stringify(data.visibility)}`, 'write visibility: unlisted (or remove the line)');
  }

  let slug = slugify(baseName.replace(DATE_PREFIX, ''));
  if (data.slug != null) {
    const s = text(data.slug)?.trim();
    if (!s) report.error('slug', '`slug` must be a non-empty string', 'write e.g. slug: my-post');
    else if (isUnsafePath(s)) {
      report.error('slug', `the slug "${s}" would write outside the output folder`, 'use letters, digits and hyphens only, e.g. slug: my-post');
      fatal = true;
    } else slug = s.split('/').map(slugify).filter(Boolean).join('/');
  }
  if (!slug && title) slug = slugify(title);
  if (!slug) slug = fallbackSlug(file);

  const image = data.image == null ? undefined : parseImage(data.image, report);
  const cpd = data.cpd == null ? undefined : parseCpd(data.cpd, report, config);

  if (fatal || !date || !title) return undefined;

  const day = calendarDay(date, config.timezone);
  const url = expandPermalink(config.permalink, slug, day);
  if (image) {
    image.src = resolveRelative(image.src, url);
    image.line = fm.positionOf(['image', 'src'], true)?.line ?? fm.positionOf('image')?.line;
    // Images carry their real size (no layout shift); front-matter width and height win.
    if (!(image.width && image.height)) Object.assign(image, localImageDimensions(image.src, source, url));
  }

  const words = source.words === undefined ? countWords(fm.body) : wordsInTail(source.text ?? '', source.words, fm.body.length);
  const post: Post = {
    source: file,
    slug,
    url,
    title,
    date,
    updated,
    day,
    year: wallClock(date, config.timezone).year,
    description,
    summary: '',
    excerptHtml: '',
    html: '',
    tags,
    series,
    draft,
    future: date.getTime() > ctx.now.getTime(),
    unlisted,
    image,
    cpd,
    words,
    readingMinutes: Math.max(1, Math.round(words / 220)),
    links: [],
    assets: colocated.map((rel) => {
      const inFolder = rel.slice(folder!.length + 1);
      return { from: path.join(path.dirname(source.absPath), inFolder), to: url.slice(1) + inFolder };
    }),
    data,
  };
  const { path: sourcePath, absPath, kind } = source;
  return { post, body: { source: { path: sourcePath, absPath, kind }, body: fm.body, bodyLine: fm.bodyLine, url, description } };
}

/** A post's Markdown body -> its HTML, excerpt, summary, links and length; problems to `ctx.diag`. */
export function renderPostBody(job: PostBodyJob, ctx: Pick<ParseContext, 'config' | 'renderMarkdown' | 'diag'>): PostBody {
  const { diag } = ctx;
  const { source, url } = job;
  const file = source.path;
  // Images carry their real size (no layout shift).
  const rendered = ctx.renderMarkdown(job.body, url, (siteUrl) => localImageDimensions(siteUrl, source, url));
  for (const link of rendered.links) link.line = link.line === undefined ? undefined : link.line + job.bodyLine - 1;
  for (const link of rendered.links) {
    if (link.kind === 'image' && !link.alt?.trim()) {
      diag.warn({ file, line: link.line, message: `the image ${link.href} has no alt text`, hint: 'describe it for readers who cannot see it: ![what the image shows](…), or alt="…" on an <img>' });
    }
  }
  const { html, excerptHtml } = rendered;
  const summaryText = job.description ?? htmlToText(excerptHtml);
  return {
    summary: summaryText.length > 300 ? `${summaryText.slice(0, 297).trimEnd()}…` : summaryText,
    excerptHtml,
    html,
    links: rendered.links,
  };
}

function parseImage(value: unknown, report: FieldReporter): LeadImage | undefined {
  const v = typeof value === 'string' ? { src: value } : value;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { src?: unknown }).src !== 'string') {
    report.error('image', '`image` must have a `src`', 'write e.g. image: { src: photo.jpg, alt: "What it shows", credit: "Name", license: "CC BY 2.0" }');
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const image: LeadImage = { src: o.src as string, alt: text(o.alt)?.trim() ?? '' };
  for (const k of ['credit', 'license', 'source'] as const) {
    if (o[k] != null) image[k] = text(o[k]);
  }
  for (const k of ['width', 'height'] as const) {
    if (Number.isInteger(o[k]) && (o[k] as number) > 0) image[k] = o[k] as number;
  }
  if (image.license) image.licenseUrl = licenseUrl(image.license);
  if (!image.alt) report.warn(['image'], `the lead image ${image.src} has no alt text`, 'add alt: "what the image shows" under image', false);
  return image;
}

function parseCpd(value: unknown, report: FieldReporter, config: SiteConfig): CpdRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report.error('cpd', '`cpd` must have hours, activity and areas', 'write e.g. cpd: { hours: 1.5, activity: "Reading group", areas: [teaching] }');
    return undefined;
  }
  const o = value as Record<string, unknown>;
  let ok = true;
  const hours = o.hours;
  if (typeof hours !== 'number' || !(hours > 0) || !Number.isFinite(hours)) {
    report.error(o.hours === undefined ? ['cpd'] : ['cpd', 'hours'], `\`cpd.hours\` must be a number greater than 0, not ${typeof hours === 'number' ? String(hours) : JSON.stringify(hours ?? null)}`, 'write e.g. hours: 1.5');
    ok = false;
  }
  const activity = text(o.activity)?.trim() ?? '';
  if (!activity) {
    report.error(o.activity === undefined ? ['cpd'] : ['cpd', 'activity'], '`cpd.activity` must say what you did', 'write e.g. activity: "Reading group"');
    ok = false;
  }
  const rawAreas = typeof o.areas === 'string' ? o.areas.split(',').map((a) => a.trim()) : o.areas;
  const known = config.cpd.areas.map((a) => a.key);
  const areas: string[] = [];
  if (!Array.isArray(rawAreas) || rawAreas.length === 0) {
    report.error(o.areas === undefined ? ['cpd'] : ['cpd', 'areas'], '`cpd.areas` must list at least one area', `write e.g. areas: [${known[0]}] (known areas: ${known.join(', ')})`);
    ok = false;
  } else {
    rawAreas.forEach((a) => {
      const key = text(a) ?? '';
      if (!known.includes(key)) {
        report.error(['cpd', 'areas'], `unknown CPD area "${key}"`, `use one of: ${known.join(', ')} (set in site.yaml cpd.areas)`);
        ok = false;
      } else if (!areas.includes(key)) areas.push(key);
    });
  }
  return ok ? { hours: hours as number, activity, areas } : undefined;
}

/** series/<slug>.md: title, description, status and a body for the series page. */
export function parseSeriesMeta(source: SourceFile, ctx: ParseContext): SeriesMeta | undefined {
  const file = source.path;
  const fm = parseFrontMatter(source.text ?? '', file);
  if (isProblem(fm)) {
    ctx.diag.add([fm]);
    return undefined;
  }
  const report = new FieldReporter(file, fm, ctx.diag);
  const known = ['title', 'description', 'status'];
  for (const key of Object.keys(fm.data)) {
    if (!known.includes(key)) {
      const near = closestName(key, known);
      report.warn(key, `unknown series field \`${key}\``, near ? `did you mean \`${near}\`?` : `series files know ${known.join(', ')}`, false);
    }
  }
  const meta: SeriesMeta = {
    source: file,
    slug: slugify(path.posix.basename(file, '.md')),
    html: ctx.renderMarkdown(fm.body).html,
  };
  if (fm.data.title != null) meta.title = text(fm.data.title);
  if (fm.data.description != null) meta.description = text(fm.data.description);
  const status = fm.data.status;
  if (status != null) {
    if (status === 'ongoing' || status === 'complete') meta.status = status;
    else report.error('status', `\`status\` must be "ongoing" or "complete", not ${JSON.stringify(status)}`, 'write status: ongoing (or complete)');
  }
  return meta;
}
