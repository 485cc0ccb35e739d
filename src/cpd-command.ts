/**
 * `folio cpd`: the CPD log for a date range (a renewal window) as CSV, JSON or one
 * self-contained HTML document. Arguments are checked before anything is read, and the
 * site is loaded in full before anything is written, so a mistake never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSite } from './build.js';
import { collectCpd } from './collect/cpd.js';
import { parseDate } from './dates.js';
import { UsageError, type Problem } from './errors.js';
import { cpdCsv, cpdHtmlDocument, cpdJson, rangeText, type DateRange } from './render/cpd.js';

export const CPD_FORMATS = ['csv', 'json', 'html'] as const;
export type CpdFormat = (typeof CPD_FORMATS)[number];

export interface CpdCommandOptions {
  /** Site folder (absolute). */
  root: string;
  /** `YYYY-MM-DD`, as typed; both ends included, compared with each post's day in the site's time zone. */
  from?: string;
  to?: string;
  /** As typed; when absent, taken from the extension of `output`, else csv. */
  format?: string;
  /** Absolute path of the file to write; undefined prints to stdout. */
  output?: string;
  /** Decides which posts are in the future (left out); defaults to the current time. */
  now?: Date;
}

export interface CpdExport {
  format: CpdFormat;
  text: string;
  entries: number;
  hours: number;
  /** "1 September 2022 to 31 August 2025", "all entries", … */
  period: string;
  /** Warnings from loading the site, and one when the range holds no entries. */
  warnings: Problem[];
}

function checkDay(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !parseDate(value, 'UTC')) {
    throw new UsageError(`${flag} must be a day written YYYY-MM-DD, not "${value}" — e.g. ${flag} 2024-09-01`);
  }
  return value;
}

function chooseFormat(format: string | undefined, output: string | undefined): CpdFormat {
  if (format !== undefined) {
    if (!(CPD_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be csv, json or html, not "${format}"`);
    }
    return format as CpdFormat;
  }
  const ext = output ? path.extname(output).toLowerCase().slice(1) : '';
  if (ext === 'htm') return 'html';
  return (CPD_FORMATS as readonly string[]).includes(ext) ? (ext as CpdFormat) : 'csv';
}

/** The folder must exist and the path must not be one: refused before any work is done. */
async function checkOutput(output: string): Promise<void> {
  const dir = path.dirname(output);
  const folder = await stat(dir).catch(() => undefined);
  if (!folder?.isDirectory()) throw new UsageError(`cannot write --output ${output}: the folder ${dir} does not exist — create it first or choose another file`);
  const target = await stat(output).catch(() => undefined);
  if (target?.isDirectory()) throw new UsageError(`--output ${output} is a folder — give a file name, e.g. ${path.join(output, 'cpd.html')}`);
}

/**
 * Checks the arguments (UsageError), loads the site without drafts or future posts
 * (SiteError on content errors) and returns the export; writes nothing.
 */
export async function exportCpd(options: CpdCommandOptions): Promise<CpdExport> {
  const range: DateRange = { from: checkDay('--from', options.from), to: checkDay('--to', options.to) };
  if (range.from && range.to && range.from > range.to) {
    throw new UsageError(`--from ${range.from} is after --to ${range.to} — the range runs from the earlier day to the later one`);
  }
  const format = chooseFormat(options.format, options.output);
  if (options.output) await checkOutput(options.output);

  const now = options.now ?? new Date();
  const { site, diag } = await loadSite({ root: options.root, out: path.join(options.root, 'dist'), drafts: false, future: false, strict: false, now });
  diag.throwIfErrors();

  const inRange = site.posts.filter((p) => (!range.from || p.day >= range.from) && (!range.to || p.day <= range.to));
  const log = collectCpd(inRange, site.config, now);
  const entries = log?.entries ?? [];
  const period = rangeText(range, site.config.language);
  const warnings = [...diag.warnings];
  if (!log) {
    warnings.push({
      severity: 'warning',
      message: `no CPD entries ${range.from || range.to ? `in the range ${period}` : 'in this site'}`,
      hint: 'check --from and --to, and that posts have a `cpd` block (drafts and future posts are left out)',
    });
  }
  const text =
    format === 'csv' ? cpdCsv(entries, site.config) : format === 'json' ? cpdJson(entries, site.config) : cpdHtmlDocument({ log, config: site.config, range });
  return { format, text, entries: entries.length, hours: log?.total ?? 0, period, warnings };
}

/** Writes beside the target and renames, so an existing file is replaced whole or not at all. */
export async function writeCpdExport(output: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(output), `.${path.basename(output)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, output);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
