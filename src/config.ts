/** site.yaml -> SiteConfig: defaults, then every key checked, errors naming the key. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Diagnostics } from './errors.js';
import { isValidTimeZone } from './dates.js';
import { closestName } from './suggest.js';
import { isProblem, parseYaml, type ParsedYaml } from './yaml.js';
import type { CpdArea, SiteConfig } from './types.js';

export const CMALT_AREAS: CpdArea[] = [
  { key: 'operational', title: 'Operational issues' },
  { key: 'teaching', title: 'Learning, teaching and assessment' },
  { key: 'wider-context', title: 'The wider context' },
  { key: 'communication', title: 'Communication and working with others' },
];

export const DEFAULT_CONFIG: Omit<SiteConfig, 'basePath'> = {
  title: 'Folio',
  description: '',
  url: 'http://localhost:4000/',
  language: 'en',
  author: {},
  postsPerPage: 10,
  permalink: '/posts/:slug/',
  timezone: 'UTC',
  nav: [],
  cpd: { framework: 'CMALT', areas: CMALT_AREAS },
};

const KNOWN_KEYS = Object.keys(DEFAULT_CONFIG);
const FILE = 'site.yaml';

/** Reads ROOT/site.yaml (optional) and returns the config; problems go to `diag`. */
export async function loadConfig(root: string, diag: Diagnostics, baseUrl?: string): Promise<SiteConfig> {
  let text: string | undefined;
  try {
    text = await readFile(path.join(root, FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      diag.error({ file: FILE, message: `cannot read site.yaml (${(e as Error).message})`, hint: 'check the file permissions' });
    }
  }
  return parseConfig(text ?? '', diag, baseUrl);
}

export function parseConfig(text: string, diag: Diagnostics, baseUrl?: string): SiteConfig {
  const parsed = parseYaml(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), FILE);
  if (isProblem(parsed)) {
    diag.add([parsed]);
    return withBase({ ...DEFAULT_CONFIG }, baseUrl);
  }
  const raw = parsed.data ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    diag.error({ file: FILE, line: 1, message: 'site.yaml must be a mapping of settings (key: value)', hint: 'see the site.yaml reference in the README' });
    return withBase({ ...DEFAULT_CONFIG }, baseUrl);
  }
  const data = raw as Record<string, unknown>;
  const config: Omit<SiteConfig, 'basePath'> = { ...DEFAULT_CONFIG, cpd: { ...DEFAULT_CONFIG.cpd } };
  const check = new ConfigChecker(parsed, diag);

  for (const key of Object.keys(data)) {
    if (!KNOWN_KEYS.includes(key)) {
      const near = closestName(key, KNOWN_KEYS);
      check.warn([key], `unknown setting \`${key}\``, near ? `did you mean \`${near}\`?` : `known settings: ${KNOWN_KEYS.join(', ')}`);
    }
  }
  config.title = check.string(data, 'title') ?? config.title;
  config.description = check.string(data, 'description') ?? config.description;
  config.language = check.string(data, 'language') ?? config.language;
  const url = check.string(data, 'url');
  if (url !== undefined) {
    if (/^https?:\/\/[^/\s]+/.test(url)) config.url = url.endsWith('/') ? url : `${url}/`;
    else check.error(['url'], '`url` must be an absolute http(s) URL', 'write e.g. url: "https://example.org/blog/"');
  }
  const perPage = data.postsPerPage;
  if (perPage !== undefined) {
    if (Number.isInteger(perPage) && (perPage as number) > 0) config.postsPerPage = perPage as number;
    else check.error(['postsPerPage'], '`postsPerPage` must be a positive whole number', 'write e.g. postsPerPage: 10');
  }
  const permalink = check.string(data, 'permalink');
  if (permalink !== undefined) {
    if (!permalink.startsWith('/') || !permalink.endsWith('/') || !permalink.includes(':slug')) {
      check.error(['permalink'], '`permalink` must start and end with "/" and contain :slug', 'write e.g. permalink: "/posts/:slug/" (also :year, :month, :day)');
    } else if (/\.\.|\\|\0|\/\//.test(permalink)) {
      check.error(['permalink'], `\`permalink\` "${permalink}" would write outside the output folder`, 'remove "..", "//" and backslashes');
    } else config.permalink = permalink;
  }
  const tz = check.string(data, 'timezone');
  if (tz !== undefined) {
    if (isValidTimeZone(tz)) config.timezone = tz;
    else check.error(['timezone'], `unknown time zone "${tz}"`, 'use an IANA name such as "Europe/London" or "UTC"');
  }
  const author = data.author;
  if (author !== undefined) {
    if (typeof author === 'string') config.author = { name: author };
    else if (isRecord(author)) {
      config.author = {};
      for (const k of ['name', 'email', 'url'] as const) {
        const v = check.string(author, k, ['author']);
        if (v !== undefined) config.author[k] = v;
      }
    } else check.error(['author'], '`author` must be a mapping with name, email and url', 'write e.g. author: { name: "Sam" }');
  }
  const nav = data.nav;
  if (nav !== undefined) {
    if (Array.isArray(nav) && nav.every((n) => isRecord(n) && typeof n.title === 'string' && typeof n.url === 'string')) {
      config.nav = nav.map((n) => ({ title: n.title as string, url: n.url as string }));
    } else check.error(['nav'], '`nav` must be a list of { title, url }', 'write e.g. nav: [{ title: "About", url: "/about/" }]');
  }
  const cpd = data.cpd;
  if (cpd !== undefined) {
    if (!isRecord(cpd)) check.error(['cpd'], '`cpd` must be a mapping with framework and areas', 'see the CPD section of the README');
    else {
      const framework = check.string(cpd, 'framework', ['cpd']);
      if (framework !== undefined) config.cpd.framework = framework;
      const areas = cpd.areas;
      if (areas !== undefined) {
        if (
          Array.isArray(areas) &&
          areas.length > 0 &&
          areas.every((a) => isRecord(a) && typeof a.key === 'string' && a.key !== '' && typeof a.title === 'string')
        ) {
          config.cpd.areas = areas.map((a) => ({ key: a.key as string, title: a.title as string }));
          const keys = config.cpd.areas.map((a) => a.key);
          const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
          if (repeated) check.error(['cpd', 'areas'], `the CPD area key "${repeated}" is listed twice`, 'give every area its own key');
        } else {
          check.error(['cpd', 'areas'], '`cpd.areas` must be a non-empty list of { key, title }', 'write e.g. areas: [{ key: teaching, title: "Learning and teaching" }]');
        }
      }
    }
  }
  return withBase(config, baseUrl);
}

function withBase(config: Omit<SiteConfig, 'basePath'>, baseUrl?: string): SiteConfig {
  let url = config.url;
  if (baseUrl) url = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  let basePath = '/';
  try {
    basePath = new URL(url).pathname;
  } catch {
    // `--base-url` is validated by the CLI; a bad site.yaml url was already reported.
  }
  if (!basePath.endsWith('/')) basePath += '/';
  return { ...config, url, basePath };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

class ConfigChecker {
  constructor(
    private readonly yaml: ParsedYaml,
    private readonly diag: Diagnostics,
  ) {}

  private where(keyPath: string[], atValue: boolean) {
    const pos = (atValue ? this.yaml.positionOf(keyPath, true) : undefined) ?? this.yaml.positionOf(keyPath);
    return { file: FILE, line: pos?.line, column: pos?.column };
  }

  error(keyPath: string[], message: string, hint: string): void {
    this.diag.error({ ...this.where(keyPath, true), message, hint });
  }

  warn(keyPath: string[], message: string, hint: string): void {
    this.diag.warn({ ...this.where(keyPath, false), message, hint });
  }

  string(obj: Record<string, unknown>, key: string, parent: string[] = []): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    const name = [...parent, key].join('.');
    this.error([...parent, key], `\`${name}\` must be a string`, `write e.g. ${key}: "…"`);
    return undefined;
  }
}
