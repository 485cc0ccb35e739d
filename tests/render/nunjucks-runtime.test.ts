/**
 * The stand-ins for Nunjucks' runtime functions (src/render/nunjucks-runtime.ts) give the same
 * results as Nunjucks' own, on generated input, and templates render the same with them.
 */
import fc from 'fast-check';
import nunjucks from 'nunjucks';
import { describe, expect, test } from 'vitest';
import { escape, installFastRuntime, memberLookup, nunjucksOwn, setVariable } from '../../src/render/nunjucks-runtime.js';

interface TestFrame {
  variables: Record<string, unknown>;
  parent?: TestFrame;
  isolateWrites?: boolean;
  set(name: string, value: unknown, resolveUp?: boolean): void;
  resolve(name: string, forWrite: boolean): TestFrame | undefined;
  push(isolateWrites?: boolean): TestFrame;
}
const Frame = (nunjucks as unknown as { runtime: { Frame: new () => TestFrame } }).runtime.Frame;

/** Text with every character Nunjucks escapes, often. */
const text = fc.string({ unit: fc.oneof(fc.constantFrom('&', '"', "'", '<', '>', '\\', 'a', ' ', 'é', '\u2019'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })), maxLength: 40 });

describe('escape', () => {
  test('is Nunjucks’ own escape on any text', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(escape(s)).toBe(nunjucksOwn.escape(s));
      }),
      { numRuns: 5000 },
    );
  });

  test('returns text with nothing to escape as it is, and escapes the rest', () => {
    expect(escape('Part 2 of 5 in Notes')).toBe('Part 2 of 5 in Notes');
    expect(escape(`Tom's <b>"x" & y\\`)).toBe('Tom&#39;s &lt;b&gt;&quot;x&quot; &amp; y&#92;');
  });
});

/** Frames in a chain, each a snapshot of what its variables hold after the same operations. */
function frameChain(): TestFrame[] {
  const top = new Frame();
  const middle = top.push();
  const inner = middle.push(true);
  return [top, middle, inner];
}

const names = fc.constantFrom('post', 'loop.index', 'loop.first', 'a.b', 'a.b.c', 'x', 'part', 'a', 'loop', '.', 'a.', '.b');
const ops = fc.array(fc.record({ frame: fc.integer({ min: 0, max: 2 }), name: names, value: fc.oneof(fc.integer(), fc.constant(0), fc.constant('')), resolveUp: fc.boolean() }), { maxLength: 30 });

describe('Frame#set', () => {
  test('leaves every frame of a chain as Nunjucks’ own set does, for any sequence of sets', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const theirs = frameChain();
        const ours = frameChain();
        // A set under a name holding a number fails (strict mode): the same failure both ways.
        const outcome = (set: () => void) => {
          try {
            set();
            return 'set';
          } catch (e) {
            return String(e);
          }
        };
        for (const op of sequence) {
          const theirOutcome = outcome(() => nunjucksOwn.set.call(theirs[op.frame], op.name, op.value, op.resolveUp));
          expect(outcome(() => setVariable.call(ours[op.frame], op.name, op.value, op.resolveUp))).toBe(theirOutcome);
        }
        expect(ours.map((f) => f.variables)).toEqual(theirs.map((f) => f.variables));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('memberLookup', () => {
  test('reads values, and calls methods on their object, as Nunjucks’ own does', () => {
    const post = { title: 'A', n: 0, none: null, list: [1, 2], greet(this: { title: string }, who: string) { return `${this.title} to ${who}`; } };
    for (const key of ['title', 'n', 'none', 'missing', 'list', 'length']) {
      expect(memberLookup(post, key)).toEqual(nunjucksOwn.memberLookup(post, key));
    }
    expect(memberLookup(undefined, 'title')).toBe(undefined);
    expect(memberLookup(null, 'title')).toBe(undefined);
    const ours = memberLookup(post, 'greet') as (who: string) => string;
    const theirs = nunjucksOwn.memberLookup(post, 'greet') as (who: string) => string;
    expect(ours('B')).toBe('A to B');
    expect(ours('B')).toBe(theirs('B'));
  });

  test('reads a getter once', () => {
    let reads = 0;
    const lazy = {
      get feed() {
        reads++;
        return 'made';
      },
    };
    expect(memberLookup(lazy, 'feed')).toBe('made');
    expect(reads).toBe(1);
  });
});

describe('installed', () => {
  const template = [
    '{% for p in posts %}{{ loop.index }}/{{ loop.length }}{% if loop.first %} first{% endif %}{% if loop.last %} last{% endif %}: {{ p.title }} {{ p.tags | join(", ") }}',
    '{% set outer = p.title %}{% for t in p.tags %}[{{ loop.revindex }} {{ t }} in {{ outer }}]{% endfor %}\n{% endfor %}',
    '{{ upper("x") }} {{ obj.method() }} {{ missing.deep }} {% set a = 1 %}{% if true %}{% set a = 2 %}{% endif %}{{ a }}',
  ].join('');
  const data = {
    posts: [
      { title: 'Tom\'s <first> & "best"', tags: ['a&b', 'c'] },
      { title: 'Plain', tags: [] },
      { title: 'Back\\slash', tags: ["it's"] },
    ],
    upper: (s: string) => s.toUpperCase(),
    obj: { name: 'o', method(this: { name: string }) { return `<${this.name}>`; } },
  };

  test('templates render the same with the stand-ins as with Nunjucks’ own functions', () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    const internals = nunjucks as unknown as { runtime: { Frame: { prototype: { set: unknown } }; memberLookup: unknown }; lib: { escape: unknown } };
    const installed = { set: internals.runtime.Frame.prototype.set, escape: internals.lib.escape, memberLookup: internals.runtime.memberLookup };
    // Nunjucks' own, for the reference rendering, then the stand-ins (whatever was in place before).
    Object.assign(internals.runtime.Frame.prototype, { set: nunjucksOwn.set });
    Object.assign(internals.lib, { escape: nunjucksOwn.escape });
    Object.assign(internals.runtime, { memberLookup: nunjucksOwn.memberLookup });
    let reference: string;
    try {
      reference = env.renderString(template, data);
    } finally {
      Object.assign(internals.runtime.Frame.prototype, { set: installed.set });
      Object.assign(internals.lib, { escape: installed.escape });
      Object.assign(internals.runtime, { memberLookup: installed.memberLookup });
    }
    installFastRuntime();
    expect(internals.lib.escape).toBe(escape);
    expect(internals.runtime.Frame.prototype.set).toBe(setVariable);
    expect(internals.runtime.memberLookup).toBe(memberLookup);
    const rendered = env.renderString(template, data);
    expect(rendered).toBe(reference);
    expect(rendered).toContain('1/3 first: Tom&#39;s &lt;first&gt; &amp; &quot;best&quot; a&amp;b, c[2 a&amp;b in Tom&#39;s');
    expect(rendered).toContain('3/3 last: Back&#92;slash');
    expect(rendered).toContain('X &lt;o&gt;  2');
  });
});
