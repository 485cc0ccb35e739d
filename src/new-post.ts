/** `folio new`: a new post from a scaffold, with the series' spelling and next part filled in. */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Diagnostics, UsageError } from './errors.js';
import { loadConfig } from './config.js';
import { loadSources } from './content/source.js';
import { parseFrontMatter } from './content/front-matter.js';
import { calendarDay } from './dates.js';
import { slugify } from './slug.js';
import { PACKAGE_ROOT } from './render/templates.js';
import { isProblem } from './yaml.js';

export interface NewPostOptions {
  root: string;
  title: string;
  series?: string;
  tags?: string[];
  /** Scaffold name: scaffolds/<name>.md in the site, else the built-in one. */
  template?: string;
  date?: string;
  now?: Date;
}

export interface NewPostResult {
  file: string;
  series?: { name: string; part: number };
}

const yamlString = (s: string) => JSON.stringify(s);

/** The series' existing spelling and one more than the highest part claimed (drafts included). */
export async function nextSeriesPart(root: string, name: string): Promise<{ name: string; part: number }> {
  const slug = slugify(name);
  const sources = await loadSources(root, new Diagnostics());
  let spelling: string | undefined;
  let earliest = '';
  let highest = 0;
  let count = 0;
  for (const s of sources) {
    if (s.kind !== 'post') continue;
    const fm = parseFrontMatter(s.text ?? '', s.path);
    if (isProblem(fm) || typeof fm.data.series !== 'string' || slugify(fm.data.series) !== slug) continue;
    count++;
    const when = String(fm.data.date ?? path.posix.basename(s.path));
    if (spelling === undefined || when < earliest) {
      spelling = fm.data.series;
      earliest = when;
    }
    const part = fm.data.series_part;
    if (Number.isInteger(part)) highest = Math.max(highest, part as number);
  }
  return { name: spelling ?? name, part: Math.max(highest, count) + 1 };
}

async function readScaffold(root: string, name: string): Promise<string> {
  for (const dir of [path.join(root, 'scaffolds'), path.join(PACKAGE_ROOT, 'scaffolds')]) {
    try {
      return await readFile(path.join(dir, `${name}.md`), 'utf8');
    } catch {
      // try the next folder
    }
  }
  throw new UsageError(`there is no scaffold "${name}" — add scaffolds/${name}.md to your site, or use one of the built-in scaffolds: default, reflection`);
}

export async function newPost(options: NewPostOptions): Promise<NewPostResult> {
  const { root } = options;
  const diag = new Diagnostics();
  const config = await loadConfig(root, diag);
  const day = options.date ?? calendarDay(options.now ?? new Date(), config.timezone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) {
    throw new UsageError(`--date must be YYYY-MM-DD, not "${day}"`);
  }
  const slug = slugify(options.title);
  if (!slug) throw new UsageError(`cannot make a file name from the title "${options.title}" — use a title with Latin letters or digits, then change the title in the file`);
  const file = `posts/${day}-${slug}.md`;
  const abs = path.join(root, file);
  let exists = true;
  try {
    await access(abs);
  } catch {
    exists = false;
  }
  if (exists) {
    const err = new Error(`${file} already exists — choose another title, or edit that file`);
    err.name = 'ExistsError';
    throw err;
  }

  const series = options.series ? await nextSeriesPart(root, options.series) : undefined;
  const lines = ['---', `title: ${yamlString(options.title)}`, `date: ${day}`];
  if (options.tags?.length) lines.push(`tags: [${options.tags.map(yamlString).join(', ')}]`);
  if (series) lines.push(`series: ${yamlString(series.name)}`, `series_part: ${series.part}`);
  lines.push('description: ""', 'draft: true', '---', '');
  const body = (await readScaffold(root, options.template ?? 'default')).replace(/\{\{\s*title\s*\}\}/g, options.title);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, lines.join('\n') + body, { flag: 'wx' });
  return { file, series };
}
