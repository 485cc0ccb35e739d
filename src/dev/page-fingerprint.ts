/**
 * A page's data as a string, to tell whether it must be rendered again: two routes with the
 * same fingerprint render to the same page. A parsed post is never changed after parsing,
 * so it stands for itself by a number given when it was parsed; re-parsing gives a new number.
 */
import type { Route } from '../types.js';

/** Numbers for parsed posts and series files (held weakly: old parses are dropped). */
export class ParseIds {
  private readonly ids = new WeakMap<object, number>();
  private next = 0;

  mark(parsed: object): void {
    this.ids.set(parsed, ++this.next);
  }

  of(value: object): number | undefined {
    return this.ids.get(value);
  }
}

/** One per rebuild: objects shared by many pages (a series, a tag) are walked once. */
export class Fingerprinter {
  private readonly memo = new Map<object, string>();

  constructor(private readonly ids: ParseIds) {}

  route(route: Extract<Route, { kind: 'page' }>): string {
    return `${route.template}|${this.of(route.data)}`;
  }

  private of(value: unknown): string {
    if (value === null || typeof value !== 'object') {
      return typeof value === 'function' ? 'fn' : value === undefined ? 'u' : JSON.stringify(value);
    }
    if (value instanceof Date) return `D${value.getTime()}`;
    const id = this.ids.of(value);
    if (id !== undefined) return `#${id}`;
    const seen = this.memo.get(value);
    if (seen !== undefined) return seen;
    this.memo.set(value, '~'); // a cycle reads as a marker instead of recursing forever
    let out: string;
    if (Array.isArray(value)) out = `[${value.map((v) => this.of(v)).join(',')}]`;
    else if (value instanceof Map) out = `M[${[...value].map(([k, v]) => `${this.of(k)}=${this.of(v)}`).join(',')}]`;
    else if (value instanceof Set) out = `S[${[...value].map((v) => this.of(v)).join(',')}]`;
    else out = `{${Object.entries(value).map(([k, v]) => `${k}:${this.of(v)}`).join(',')}}`;
    this.memo.set(value, out);
    return out;
  }
}
