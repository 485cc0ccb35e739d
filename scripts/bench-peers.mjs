#!/usr/bin/env node
/**
 * Folio beside its peers, interleaved in one session:
 *
 *   node scripts/bench-peers.mjs --bench ../shared/bench [--peers-dir /tmp/peers]
 *     [--sizes 1000,4000,16000] [--runs 5] [--runs-for eleventy@16000=3] [--tools folio,hugo,eleventy]
 *     [--wait-idle 1.0] [--json FILE]
 *
 * --bench is the peers' benchmark folder (gen-corpus.mjs, peers/<peer>/{prepare,run}.sh); the
 * peers must be installed as its README says (Hugo from Debian, Eleventy with install.sh into
 * PEERS_DIR). For every corpus size: the corpus is generated if missing, each tool's site is
 * prepared once (not timed), then one warm-up round and N counted rounds, each round running
 * every tool once (the order rotating from round to round), every run a cold build into a fresh
 * output folder: Folio's content cache deleted first, the peers' run.sh deleting theirs.
 * Outputs are deleted after the last round of a size, then nothing runs for --settle seconds
 * (default 40; see bench.mjs on ext4 and recently deleted inodes).
 * Prints a Markdown table; --json writes every run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, rssMethod, summarise } from './bench-measure.mjs';
import { checkCompiled, prepareSite } from './bench.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FOLIO = path.join(REPO, 'bin', 'folio.js');

function parseArgs(argv) {
  const o = { bench: undefined, peersDir: process.env.PEERS_DIR || '/tmp/peers', sizes: [1000, 4000, 16000], runs: 5, runsFor: {}, tools: ['folio', 'hugo', 'eleventy'], waitIdle: undefined, json: undefined, settle: 40 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--bench') o.bench = path.resolve(next());
    else if (a === '--peers-dir') o.peersDir = path.resolve(next());
    else if (a === '--sizes') o.sizes = next().split(',').map(Number);
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--runs-for') {
      const m = /^(\w+)@(\d+)=(\d+)$/.exec(next());
      if (!m) throw new Error('--runs-for takes TOOL@POSTS=RUNS, e.g. eleventy@16000=3');
      o.runsFor[`${m[1]}@${m[2]}`] = Number(m[3]);
    } else if (a === '--tools') o.tools = next().split(',');
    else if (a === '--wait-idle') o.waitIdle = Number(next());
    else if (a === '--json') o.json = path.resolve(next());
    else if (a === '--settle') o.settle = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.bench || !existsSync(path.join(o.bench, 'gen-corpus.mjs'))) throw new Error('--bench must name the folder holding gen-corpus.mjs and peers/');
  return o;
}

/**
 * `folio-lite`: Folio with templates that make the peers' pages (their markup, from
 * ../shared/bench/peers/*): no Open Graph tags, navigation, reading time or styles. Folio
 * still highlights code, anchors headings, and writes what the peers do not (paginated home,
 * archive, tag and series indexes, series feeds, JSON Feed, sitemap, 404).
 */
const LITE_THEME = {
  'site.yaml': 'title: "Reflections"\nauthor: { name: "A. Writer" }\npostsPerPage: 20\n',
  'templates/base.njk': `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if page.title != site.title %}{{ page.title }} · {% endif %}{{ site.title }}</title>
{% if page.description %}<meta name="description" content="{{ page.description }}">{% endif %}
<link rel="alternate" type="application/atom+xml" href="/feed.xml" title="{{ site.title }}">
</head>
<body>
<header><a href="/">{{ site.title }}</a></header>
<main>
{% block content %}{% endblock %}
</main>
<footer><p>© {{ site.author.name }}</p></footer>
</body>
</html>
`,
  'templates/post.njk': `{% extends "base.njk" %}
{% block content %}
<article>
<h1>{{ post.title }}</h1>
<p class="meta"><time datetime="{{ post.date | isoDate }}">{{ post.day }}</time></p>
<ul class="tags">{% for tag in post.tags %}<li><a href="/tags/{{ tag | slugify }}/">{{ tag }}</a></li>{% endfor %}</ul>
{% if seriesNav %}
<aside class="series">
<p>Part {{ seriesNav.number }} of {{ seriesNav.total }} in <a href="{{ seriesNav.series.url }}">{{ seriesNav.series.title }}</a></p>
<ol>{% for part in seriesNav.parts %}<li>{% if part.post.url == post.url %}<strong>{{ part.post.title }}</strong>{% else %}<a href="{{ part.post.url }}">{{ part.post.title }}</a>{% endif %}</li>{% endfor %}</ol>
<p class="series-nav">{% if seriesNav.prev %}<a rel="prev" href="{{ seriesNav.prev.url }}">← {{ seriesNav.prev.title }}</a>{% endif %}{% if seriesNav.next %} <a rel="next" href="{{ seriesNav.next.url }}">{{ seriesNav.next.title }} →</a>{% endif %}</p>
</aside>
{% endif %}
<div class="content">
{{ post.html | safe }}
</div>
</article>
{% endblock %}
`,
  'templates/home.njk': `{% extends "base.njk" %}
{% block content %}
<h1>Latest posts</h1>
<ul class="posts">
{% for post in posts %}<li><a href="{{ post.url }}">{{ post.title }}</a> <time datetime="{{ post.date | isoDate }}">{{ post.day }}</time><p>{{ post.description }}</p></li>
{% endfor %}</ul>
{% endblock %}
`,
  'templates/tag.njk': `{% extends "base.njk" %}
{% block content %}
<h1>Posts tagged “{{ tag.name }}”</h1>
<ul class="posts">
{% for post in tag.posts %}<li><a href="{{ post.url }}">{{ post.title }}</a> <time datetime="{{ post.date | isoDate }}">{{ post.day }}</time></li>
{% endfor %}</ul>
{% endblock %}
`,
  'templates/series.njk': `{% extends "base.njk" %}
{% block content %}
<h1>Series: {{ series.title }}</h1>
<ol class="series-parts">
{% for part in series.parts %}<li><a href="{{ part.post.url }}">{{ part.post.title }}</a> <time datetime="{{ part.post.date | isoDate }}">{{ part.post.day }}</time></li>
{% endfor %}</ol>
{% endblock %}
`,
};

async function writeLiteTheme(site) {
  for (const [rel, text] of Object.entries(LITE_THEME)) {
    await mkdir(path.dirname(path.join(site, rel)), { recursive: true });
    await writeFile(path.join(site, rel), text);
  }
}

const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
};

function versions(o) {
  const v = { node: process.version };
  v.folio = JSON.parse(sh('cat', [path.join(REPO, 'package.json')])).version;
  if (o.tools.includes('hugo')) v.hugo = sh('hugo', ['version']).trim();
  if (o.tools.includes('eleventy')) v.eleventy = sh('node', [path.join(o.peersDir, 'eleventy-install/node_modules/@11ty/eleventy/cmd.cjs'), '--version']).trim();
  return v;
}

/** Waits (polling every minute, up to 30) for the 1-minute load average to fall below `limit`. */
async function waitIdle(limit) {
  for (let minute = 0; minute <= 30; minute++) {
    const [one] = loadavg();
    if (one < limit) return one;
    console.error(`load average ${one.toFixed(2)} >= ${limit}: waiting (${minute} min so far)`);
    await new Promise((r) => setTimeout(r, 60_000));
  }
  return loadavg()[0];
}

/** Counts what a build wrote: HTML pages and XML files (feeds, sitemap), and all bytes. */
async function countOutput(dir) {
  let html = 0;
  let xml = 0;
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    files++;
    if (e.name.endsWith('.html')) html++;
    if (e.name.endsWith('.xml')) xml++;
    bytes += (await stat(path.join(e.parentPath ?? e.path, e.name))).size;
  }
  return { html, xml, files, bytes };
}

async function runTool(o, tool, site, out) {
  if (existsSync(out)) throw new Error(`${out} exists: every run needs a fresh output folder`);
  let r;
  if (tool.startsWith('folio')) {
    await rm(path.join(site, '.folio-cache'), { recursive: true, force: true });
    r = await measure(process.execPath, [FOLIO, 'build', '--root', site, '--out', out, '--quiet'], { scratch: out });
  } else {
    r = await measure('bash', [path.join(o.bench, 'peers', tool, 'run.sh'), site, out], { scratch: out, env: { ...process.env, PEERS_DIR: o.peersDir } });
  }
  if (r.code !== 0) throw new Error(`${tool} failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
  return r;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.tools.some((t) => t.startsWith('folio'))) await checkCompiled();
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model.trim(), memGiB: +(totalmem() / 2 ** 30).toFixed(1), nproc: sh('nproc', []).trim(), free: sh('free', ['-g']).trim() };
  const v = versions(o);
  const idleLoad = o.waitIdle === undefined ? undefined : await waitIdle(o.waitIdle);
  const session = { started: new Date().toISOString(), machine, versions: v, rssMethod: rssMethod(), loadAtStart: loadavg(), idleLoad, sizes: [] };
  console.log(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memGiB} GiB; ${Object.entries(v).map(([k, x]) => `${k} ${x}`).join('; ')}`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  for (const n of o.sizes) {
    const corpus = path.join(o.peersDir, `corpus-${n}`);
    if (!existsSync(path.join(corpus, 'posts'))) sh('node', [path.join(o.bench, 'gen-corpus.mjs'), '--posts', String(n), '--out', corpus]);
    const manifest = JSON.parse(await readFile(path.join(corpus, 'manifest.json'), 'utf8'));
    const sites = {};
    for (const tool of o.tools) {
      const dir = path.join(o.peersDir, 'work', `${tool}-${n}`);
      if (tool.startsWith('folio')) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        sites[tool] = (await prepareSite(corpus, dir)).site;
        if (tool === 'folio-lite') await writeLiteTheme(sites[tool]);
      } else {
        sh('bash', [path.join(o.bench, 'peers', tool, 'prepare.sh'), corpus, dir], { env: { ...process.env, PEERS_DIR: o.peersDir } });
        sites[tool] = dir;
      }
    }
    const runs = Object.fromEntries(o.tools.map((t) => [t, []]));
    const output = {};
    const maxRuns = Math.max(...o.tools.map((t) => o.runsFor[`${t}@${n}`] ?? o.runs));
    const loads = [];
    const runsDir = path.join(o.peersDir, 'runs', `${process.pid}-${n}`);
    await rm(runsDir, { recursive: true, force: true });
    await mkdir(runsDir, { recursive: true });
    for (let round = 0; round <= maxRuns; round++) {
      loads.push(loadavg()[0]);
      const order = o.tools.map((_, k) => o.tools[(k + round) % o.tools.length]);
      for (const tool of order) {
        if (round > (o.runsFor[`${tool}@${n}`] ?? o.runs)) continue;
        const out = path.join(runsDir, `${tool}-${round}`);
        const r = await runTool(o, tool, sites[tool], out);
        if (round === 0) output[tool] = await countOutput(out);
        console.log(`${n} ${round === 0 ? 'warm-up' : `run ${round}`} ${tool}: wall ${r.wall.toFixed(2)} s, cpu ${r.cpu?.toFixed(2)} s, peak ${r.rssMiB?.toFixed(0)} MiB`);
        if (round > 0) runs[tool].push({ wall: r.wall, cpu: r.cpu, rssMiB: r.rssMiB });
      }
    }
    // Outputs are deleted only now, then the file system is left alone for a while (see bench.mjs).
    await rm(runsDir, { recursive: true, force: true });
    if (n !== o.sizes.at(-1)) await new Promise((r) => setTimeout(r, o.settle * 1000));
    const summary = {};
    for (const tool of o.tools) {
      summary[tool] = { runs: runs[tool].length, wall: summarise(runs[tool], 'wall'), cpu: summarise(runs[tool], 'cpu'), rssMiB: summarise(runs[tool], 'rssMiB'), output: output[tool] };
    }
    session.sizes.push({ posts: n, manifest: { published: manifest.published ?? undefined, expectedHtmlPages: manifest.expectedHtmlPages }, loads, summary, runs });
  }
  session.loadAtEnd = loadavg();
  if (o.json) {
    await mkdir(path.dirname(o.json), { recursive: true });
    await writeFile(o.json, `${JSON.stringify(session, null, 2)}\n`);
  }
  console.log(`\nload average at end: ${session.loadAtEnd.map((x) => x.toFixed(2)).join(' ')}\n`);
  console.log(table(session));
}

const f2 = (x) => (x === undefined ? '—' : x.toFixed(2));
const int = (x) => Math.round(x).toLocaleString('en');

export function table(session) {
  const rows = ['| posts | tool | median wall s | min–max s | CPU s | peak RSS MiB (median) | posts/s | vs Hugo | vs Eleventy | files written (HTML + XML) | output bytes |', '|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|'];
  for (const size of session.sizes) {
    const s = size.summary;
    for (const [tool, r] of Object.entries(s)) {
      const ratio = (peer) => (s[peer] && tool !== peer ? `${(r.wall.median / s[peer].wall.median).toFixed(2)}×` : '');
      rows.push(
        `| ${int(size.posts)} | ${tool} | ${f2(r.wall.median)} | ${f2(r.wall.min)}–${f2(r.wall.max)} | ${f2(r.cpu?.median)} | ${r.rssMiB ? int(r.rssMiB.median) : '—'} | ${int(size.posts / r.wall.median)} | ${ratio('hugo')} | ${ratio('eleventy')} | ${r.output ? `${int(r.output.files)} (${int(r.output.html)} + ${r.output.xml})` : ''} | ${r.output ? int(r.output.bytes) : ''} |`,
      );
    }
  }
  return rows.join('\n');
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
