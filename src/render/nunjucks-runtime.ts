/**
 * Faster stand-ins for three of Nunjucks' runtime functions, with the same results. Rendering
 * the 4,000-post benchmark site's pages calls them about 1.2 million times: every `{{ value }}`
 * is escaped (353,000 times, and not one value needed escaping), every `{% for %}` turn sets
 * seven `loop.*` variables (460,000 sets; Nunjucks splits each name at its dot every time),
 * and every `a.b` in a template is a member lookup. Together they were a third of the time
 * spent rendering pages. tests/render/nunjucks-runtime.test.ts holds each to Nunjucks' own.
 *
 * Installed once, on the Nunjucks module every environment shares (its templates call these
 * through the runtime and lib objects at render time).
 */
import nunjucks from 'nunjucks';

type SetVariable = (this: FrameLike, name: string, value: unknown, resolveUp?: boolean) => void;
type Escape = (value: string) => string;
type MemberLookup = (obj: unknown, key: string) => unknown;

interface FrameLike {
  variables: Record<string, unknown>;
}

/** The parts of Nunjucks' runtime and lib this replaces (its type definitions leave them out). */
interface NunjucksInternals {
  runtime: { Frame: { prototype: { set: SetVariable } }; memberLookup: MemberLookup };
  lib: { escape: Escape };
}

const internals = nunjucks as unknown as NunjucksInternals;

/** Nunjucks' own functions, as they were before install (the tests compare with them). */
export const nunjucksOwn = {
  set: internals.runtime.Frame.prototype.set,
  escape: internals.lib.escape,
  memberLookup: internals.runtime.memberLookup,
};

const MUST_ESCAPE = /[&"'<>\\]/;

/** lib.escape: most values have nothing to escape, and a test is cheaper than a replace. */
export const escape: Escape = (value) => (MUST_ESCAPE.test(value) ? nunjucksOwn.escape(value) : value);

/** A dotted name (`loop.index`) -> its two parts; names with more dots are left to Nunjucks. */
const twoParts = new Map<string, readonly [string, string] | null>();

function partsOf(name: string): readonly [string, string] | null {
  let parts = twoParts.get(name);
  if (parts === undefined) {
    const split = name.split('.');
    parts = split.length === 2 ? [split[0], split[1]] : null;
    // Template variable names are few; a template made of generated names must not grow this.
    if (twoParts.size < 10_000) twoParts.set(name, parts);
  }
  return parts;
}

/** Frame#set: a plain name is one store; `a.b` splits once per name rather than once per set. */
export const setVariable: SetVariable = function (name, value, resolveUp) {
  if (resolveUp) return nunjucksOwn.set.call(this, name, value, resolveUp);
  if (!name.includes('.')) {
    this.variables[name] = value;
    return;
  }
  const parts = partsOf(name);
  if (!parts) return nunjucksOwn.set.call(this, name, value, resolveUp);
  let inner = this.variables[parts[0]] as Record<string, unknown> | undefined;
  if (!inner) inner = this.variables[parts[0]] = {};
  inner[parts[1]] = value;
};

/** runtime.memberLookup: reads the member once (Nunjucks reads it twice when it is not a function). */
export const memberLookup: MemberLookup = (obj, key) => {
  if (obj === undefined || obj === null) return undefined;
  const value = (obj as Record<string, unknown>)[key];
  if (typeof value !== 'function') return value;
  const owner = obj as Record<string, (...args: unknown[]) => unknown>;
  return (...args: unknown[]) => owner[key].apply(obj, args);
};

let installed = false;

/** Puts the stand-ins in place (once; every later call does nothing). */
export function installFastRuntime(): void {
  if (installed) return;
  installed = true;
  internals.runtime.Frame.prototype.set = setVariable;
  internals.lib.escape = escape;
  internals.runtime.memberLookup = memberLookup;
}
