// markdown-it-footnote ships no types, and @types/markdown-it-footnote points at the CJS build.
declare module 'markdown-it-footnote' {
  import type { PluginSimple } from 'markdown-it';
  const footnote: PluginSimple;
  export default footnote;
}
