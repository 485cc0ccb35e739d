/**
 * The CPD log's outputs, as pure string builders: the bar chart (inline SVG), the CSV and
 * JSON exports, and the self-contained HTML document `folio cpd --format html` writes.
 */
import { parseDate, readableDate } from '../dates.js';
import { absoluteUrl, escapeXml } from './feeds.js';
import type { CpdAreaHours, CpdEntry, CpdLog, SiteConfig } from '../types.js';

// escapeXml's entities (&amp; &lt; &gt; &quot; &apos;) are valid HTML too.
const esc = escapeXml;

/** One exported entry: the fields of /cpd/cpd.csv and /cpd/cpd.json, in that order. */
export interface CpdRow {
  date: string;
  title: string;
  /** Absolute URL of the post. */
  url: string;
  activity: string;
  hours: number;
  /** Area keys. */
  areas: string[];
}

export const CSV_HEADER = ['date', 'title', 'url', 'activity', 'hours', 'areas'] as const;

export function cpdRows(entries: CpdEntry[], config: SiteConfig): CpdRow[] {
  return entries.map((e) => ({
    date: e.date,
    title: e.post.title,
    url: absoluteUrl(e.post.url, config),
    activity: e.activity,
    hours: e.hours,
    areas: e.areas,
  }));
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RFC 4180 CSV: header row, CRLF after every record, areas as keys joined by `; `. */
export function cpdCsv(entries: CpdEntry[], config: SiteConfig): string {
  const records = [
    [...CSV_HEADER],
    ...cpdRows(entries, config).map((r) => [r.date, r.title, r.url, r.activity, String(r.hours), r.areas.join('; ')]),
  ];
  return records.map((fields) => fields.map(csvField).join(',') + '\r\n').join('');
}

export function cpdJson(entries: CpdEntry[], config: SiteConfig): string {
  return `${JSON.stringify(cpdRows(entries, config), null, 2)}\n`;
}

// Chart geometry, in SVG user units (1 unit = 1 CSS pixel at the chart's natural width).
const CHART_WIDTH = 320;
const LABEL_HEIGHT = 18;
const BAR_HEIGHT = 14;
const ROW_GAP = 11;
const ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP;
/** Room right of the longest bar for its value. */
const VALUE_ROOM = 56;
const FONT_SIZE = 14;
/** Longer area titles are shortened in the chart; the table beside it has them in full. */
const LABEL_CHARS = 42;

export interface ChartInput {
  /** Unique on the page; the chart's <title> gets the id `${id}-title`. */
  id: string;
  /** The accessible name, e.g. "CMALT hours by area in 2024". */
  title: string;
  byArea: CpdAreaHours[];
  /** Hours of a full-length bar; give charts on one page the same so their bars compare. */
  scaleMax?: number;
}

/**
 * A horizontal bar chart, one bar per area with its title above and its hours after it.
 * Colours come from `currentColor` (readable on any background) unless the page's CSS sets
 * `.cpd-bar` and `.cpd-chart text`. role="img" with a <title>: the numbers are in the table beside it.
 */
export function cpdChartSvg({ id, title, byArea, scaleMax }: ChartInput): string {
  const max = scaleMax ?? Math.max(0, ...byArea.map((a) => a.hours));
  const scale = max > 0 ? (CHART_WIDTH - VALUE_ROOM) / max : 0;
  const height = byArea.length * ROW_HEIGHT - ROW_GAP;
  const rows = byArea.map(({ area, hours }, i) => {
    const top = i * ROW_HEIGHT;
    const label = area.title.length > LABEL_CHARS ? `${area.title.slice(0, LABEL_CHARS - 1).trimEnd()}…` : area.title;
    const width = Math.round(hours * scale * 10) / 10;
    const barTop = top + LABEL_HEIGHT;
    const baseline = barTop + BAR_HEIGHT - 2;
    return [
      `<text class="cpd-label" x="0" y="${top + FONT_SIZE}">${esc(label)}</text>`,
      width > 0 ? `<rect class="cpd-bar" x="0" y="${barTop}" width="${width}" height="${BAR_HEIGHT}" rx="2" fill="currentColor"/>` : '',
      `<text class="cpd-value" x="${width + 6}" y="${baseline}">${hours}</text>`,
    ].join('');
  });
  return (
    `<svg class="cpd-chart" role="img" aria-labelledby="${esc(id)}-title" width="${CHART_WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${CHART_WIDTH} ${height}" fill="currentColor" font-size="${FONT_SIZE}">` +
    `<title id="${esc(id)}-title">${esc(title)}</title>` +
    rows.join('') +
    '</svg>'
  );
}

export const chartTitle = (framework: string, when: string) => `${framework} hours by area ${when}`;

/** Charts for the /cpd/ page, keyed by year, on one scale so a year's bars compare with another's. */
export function cpdYearCharts(log: CpdLog): Record<number, string> {
  const scaleMax = Math.max(0, ...log.years.flatMap((y) => y.byArea.map((a) => a.hours)));
  return Object.fromEntries(
    log.years.map((y) => [
      y.year,
      cpdChartSvg({ id: `cpd-chart-${y.year}`, title: chartTitle(log.framework, `in ${y.year}`), byArea: y.byArea, scaleMax }),
    ]),
  );
}

export interface DateRange {
  /** `YYYY-MM-DD`, both ends included. */
  from?: string;
  to?: string;
}

function dayText(day: string, language: string): string {
  const date = parseDate(day, 'UTC');
  return date ? readableDate(date, language, 'UTC') : day;
}

export function rangeText(range: DateRange, language: string): string {
  const { from, to } = range;
  if (from && to) return `${dayText(from, language)} to ${dayText(to, language)}`;
  if (from) return `from ${dayText(from, language)}`;
  if (to) return `up to ${dayText(to, language)}`;
  return 'all entries';
}

const DOCUMENT_CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f1d1a; --muted: #5c574f; --accent: #8a3f0f; --rule: #d9d3c7; }
@media (prefers-color-scheme: dark) { :root { --bg: #171614; --fg: #e9e5de; --muted: #b3aca1; --accent: #f0a36b; --rule: #3a3631; } }
@media print { :root { --bg: #fff; --fg: #000; --muted: #333; --accent: #444; --rule: #999; } a { color: inherit; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 1.8rem; line-height: 1.2; margin: 0 0 0.5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.75rem; }
a { color: var(--accent); }
.muted { color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 1rem 0; }
dt { font-weight: 700; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; }
caption { text-align: left; color: var(--muted); padding-bottom: 0.4rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.4rem 0.75rem 0.4rem 0; text-align: left; vertical-align: top; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.activity { white-space: pre-line; }
.chart-and-table { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.chart-and-table > * { flex: 1 1 18rem; }
.cpd-chart { width: 100%; max-width: 24rem; height: auto; }
.scroll { overflow-x: auto; }
.scroll:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.cpd-chart text { fill: var(--fg); }
.cpd-chart .cpd-bar { fill: var(--accent); }
tr { break-inside: avoid; }
`;

export interface CpdDocumentInput {
  /** The log of the entries in the range; null when there are none. */
  log: CpdLog | null;
  config: SiteConfig;
  range: DateRange;
}

/**
 * One self-contained HTML document for a portfolio: styles inline, no scripts, no images or
 * other requests (links to the posts are ordinary links). Title, framework, range, totals
 * by area (chart and table), hours by year, and the entries.
 */
export function cpdHtmlDocument({ log, config, range }: CpdDocumentInput): string {
  const framework = log?.framework ?? config.cpd.framework;
  const who = config.author.name;
  const period = rangeText(range, config.language);
  const entries = log?.entries ?? [];
  const byArea = log?.byArea ?? config.cpd.areas.map((area) => ({ area, hours: 0 }));
  const heading = `${framework} CPD record`;
  const out: string[] = [
    '<!doctype html>',
    `<html lang="${esc(config.language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`${heading}${who ? ` — ${who}` : ''} (${period})`)}</title>`,
    `<style>${DOCUMENT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${esc(heading)}</h1>`,
    '<dl>',
  ];
  if (who) out.push(`<dt>Name</dt><dd>${esc(who)}</dd>`);
  out.push(
    `<dt>Blog</dt><dd><a href="${esc(config.url)}">${esc(config.title)}</a></dd>`,
    `<dt>Framework</dt><dd>${esc(framework)}</dd>`,
    `<dt>Period</dt><dd>${esc(period.charAt(0).toUpperCase() + period.slice(1))}</dd>`,
    `<dt>Entries</dt><dd>${entries.length}</dd>`,
    `<dt>Total hours</dt><dd>${log?.total ?? 0}</dd>`,
    '</dl>',
  );
  if (!log) {
    out.push('<p>No CPD entries in this period.</p>');
  } else {
    const counts = new Map(log.areas.map((a) => [a.key, entries.filter((e) => e.areas.includes(a.key)).length]));
    out.push(
      '<h2>Hours by area</h2>',
      '<p class="muted">An entry that evidences several areas counts its full hours towards each of them, and once in the total.</p>',
      '<div class="chart-and-table">',
      cpdChartSvg({ id: 'cpd-chart', title: chartTitle(framework, period === 'all entries' ? 'for all entries' : `for ${period}`), byArea }),
      '<table>',
      '<caption>Hours and entries by area</caption>',
      '<thead><tr><th scope="col">Area</th><th scope="col" class="num">Hours</th><th scope="col" class="num">Entries</th></tr></thead>',
      '<tbody>',
      ...byArea.map(
        ({ area, hours }) =>
          `<tr><th scope="row">${esc(area.title)}${hours === 0 ? ' <span class="muted">(no evidence in this period)</span>' : ''}</th>` +
          `<td class="num">${hours}</td><td class="num">${counts.get(area.key) ?? 0}</td></tr>`,
      ),
      '</tbody>',
      `<tfoot><tr><th scope="row">Total (each entry once)</th><td class="num">${log.total}</td><td class="num">${entries.length}</td></tr></tfoot>`,
      '</table>',
      '</div>',
      '<h2>Hours by year</h2>',
      '<table>',
      '<caption>Total hours in each calendar year of the period</caption>',
      '<thead><tr><th scope="col">Year</th><th scope="col" class="num">Hours</th><th scope="col" class="num">Entries</th></tr></thead>',
      '<tbody>',
      ...[...log.years].reverse().map((y) => `<tr><th scope="row">${y.year}</th><td class="num">${y.total}</td><td class="num">${y.entries.length}</td></tr>`),
      '</tbody>',
      '</table>',
      '<h2 id="entries">Entries</h2>',
      // Five columns do not fit a phone: the table scrolls inside its own region, not the page.
      '<section class="scroll" aria-labelledby="entries" tabindex="0">',
      '<table>',
      '<caption>Every entry, oldest first, with a link to the reflection</caption>',
      '<thead><tr><th scope="col">Date</th><th scope="col">Reflection</th><th scope="col">Activity</th><th scope="col" class="num">Hours</th><th scope="col">Areas</th></tr></thead>',
      '<tbody>',
      ...entries.map(
        (e) =>
          `<tr><td><time datetime="${e.date}">${esc(readableDate(e.post.date, config.language, config.timezone))}</time></td>` +
          `<td><a href="${esc(absoluteUrl(e.post.url, config))}">${esc(e.post.title)}</a></td>` +
          `<td class="activity">${esc(e.activity)}</td><td class="num">${e.hours}</td><td>${esc(e.areaTitles.join('; '))}</td></tr>`,
      ),
      '</tbody>',
      '</table>',
      '</section>',
    );
  }
  out.push('</main>', '</body>', '</html>', '');
  return out.join('\n');
}
