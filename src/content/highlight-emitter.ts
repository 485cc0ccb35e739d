/**
 * A highlight.js emitter that writes HTML as the highlighter goes. highlight.js's own builds a
 * tree of every token, then walks it to write the same HTML, escaping each piece of text with
 * five replace passes: a third of its time on a build's code blocks. The output is the same,
 * byte for byte (tests/content/highlight-emitter.test.ts compares the two).
 *
 * highlight.js calls it through its private emitter interface (`__emitter`; core.js documents
 * it): addText, startScope/endScope and openNode/closeNode, __addSublanguage, finalize, toHTML.
 */

interface EmitterOptions {
  classPrefix: string;
}

const ESCAPED = /[&<>"']/;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };

/** highlight.js's escapeHTML: the same five characters, the same entities. */
function escapeText(text: string): string {
  return ESCAPED.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]) : text;
}

/** highlight.js's class names for a scope: `title.function` -> `hljs-title function_`, `language:xml` -> `language-xml`. */
function cssClass(scope: string, prefix: string): string {
  if (scope.startsWith('language:')) return scope.replace('language:', 'language-');
  if (!scope.includes('.')) return `${prefix}${scope}`;
  const [first, ...rest] = scope.split('.');
  return [`${prefix}${first}`, ...rest.map((piece, i) => `${piece}${'_'.repeat(i + 1)}`)].join(' ');
}

/** Opening tags by prefix and scope: a build asks for the same few dozen thousands of times. */
const openingTags = new Map<string, Map<string, string>>();

function openingTag(scope: string, prefix: string): string {
  let tags = openingTags.get(prefix);
  if (!tags) openingTags.set(prefix, (tags = new Map()));
  let tag = tags.get(scope);
  if (tag === undefined) tags.set(scope, (tag = `<span class="${cssClass(scope, prefix)}">`));
  return tag;
}

export class HtmlEmitter {
  private html = '';
  /** Per open node: whether it wrote a <span> (a node without a scope writes none). */
  private readonly open: boolean[] = [];

  constructor(private readonly options: EmitterOptions) {}

  addText(text: string): void {
    this.html += escapeText(text);
  }

  startScope(scope: string): void {
    this.openNode(scope);
  }

  endScope(): void {
    this.closeNode();
  }

  openNode(scope: string): void {
    const wraps = Boolean(scope);
    this.open.push(wraps);
    if (wraps) this.html += openingTag(scope, this.options.classPrefix);
  }

  closeNode(): void {
    if (this.open.pop()) this.html += '</span>';
  }

  /** A sub-language's highlighting, in a span naming its language (when it has one). */
  __addSublanguage(emitter: HtmlEmitter, name: string | undefined): void {
    const inner = emitter.closedHtml();
    this.html += name ? `${openingTag(`language:${name}`, this.options.classPrefix)}${inner}</span>` : inner;
  }

  finalize(): boolean {
    this.html = this.closedHtml();
    this.open.length = 0;
    return true;
  }

  toHTML(): string {
    return this.html;
  }

  /** The HTML with every node still open closed (highlight.js's tree closes them when it is walked). */
  private closedHtml(): string {
    let html = this.html;
    for (const wraps of this.open) if (wraps) html += '</span>';
    return html;
  }
}
