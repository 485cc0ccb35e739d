/**
 * Which templates a page uses: its own, and every template it extends, includes, imports or
 * pulls in as a partial, read from the `{% extends "…" %}`-style tags of the effective files
 * (the site's templates/ over the built-in theme). `dev` re-renders only the pages whose
 * templates changed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILTIN_TEMPLATES, templateReferences, type TemplateRefs } from '../render/templates.js';
import { listFolder } from '../content/source.js';

export class TemplateGraph {
  private constructor(private readonly refs: Map<string, TemplateRefs>) {}

  /** Reads every template the site can use, its own first (as Nunjucks looks them up). */
  static async read(root: string): Promise<TemplateGraph> {
    const files = new Map([...(await listFolder(BUILTIN_TEMPLATES)), ...(await listFolder(path.join(root, 'templates')))]);
    const refs = new Map<string, TemplateRefs>();
    await Promise.all(
      [...files].map(async ([name, abs]) => {
        try {
          refs.set(name, templateReferences(await readFile(abs, 'utf8')));
        } catch {
          refs.set(name, { names: [], dynamic: true });
        }
      }),
    );
    return new TemplateGraph(refs);
  }

  /** A predicate: does a page rendered with `template` use any of the `changed` templates? */
  affectedBy(changed: Iterable<string>): (template: string) => boolean {
    const targets = new Set(changed);
    const memo = new Map<string, boolean>();
    const uses = (name: string, seen: Set<string>): boolean => {
      const known = memo.get(name);
      if (known !== undefined) return known;
      if (targets.has(name)) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      const refs = this.refs.get(name);
      const result = refs === undefined ? false : refs.dynamic || refs.names.some((n) => uses(n, seen));
      memo.set(name, result);
      return result;
    };
    return (template) => uses(template, new Set());
  }
}
