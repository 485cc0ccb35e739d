/** What the build's worker threads run (see pool.ts): the parse and render tasks, by name. */
export { parseBatch } from './content/parse-worker.js';
export { renderBatch } from './render/render-worker.js';
