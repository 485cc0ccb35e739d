/**
 * What `dev` adds to every HTML page it serves (never to a built site): a small script that
 * listens for Server-Sent Events — `reload`, `problems`, `clear` — and, while the last save
 * has errors, the error overlay itself, so the writer sees the message where they are looking.
 */
import { formatProblem, type Problem } from '../errors.js';

/** The live-reload event stream; outside any site path (a site lives under its base path). */
export const EVENTS_PATH = '/__folio/events';
export const OVERLAY_ID = 'folio-dev-overlay';

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A value as JavaScript source that is safe inside <script>. */
function scriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The overlay: every error in the `folio build` format, over the last good page. */
export function overlayHtml(problems: Problem[]): string {
  const errors = problems.length;
  const lines = problems.map((p) => escapeHtml(formatProblem(p))).join('\n');
  return (
    `<div id="${OVERLAY_ID}" role="alert" style="position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;` +
    `margin:0;padding:1rem 1.25rem;background:#2b0b0b;color:#fff;border-top:4px solid #ff6b6b;` +
    `font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left;box-shadow:0 -4px 24px rgba(0,0,0,.4)">` +
    `<p style="margin:0 0 .5rem;font-weight:bold;color:#ffd0d0">Folio could not rebuild the site (${errors} error${errors === 1 ? '' : 's'}). ` +
    `This is the last good version; fix the file and save, and this page reloads by itself.</p>` +
    `<pre style="margin:0;white-space:pre-wrap;color:#fff;background:none;font:inherit">${lines}</pre>` +
    `<button type="button" data-folio-dismiss style="margin-top:.75rem;font:inherit;color:#2b0b0b;background:#ffd0d0;border:0;padding:.25rem .75rem;cursor:pointer">Hide</button>` +
    `</div>`
  );
}

/** The script (and the overlay while there are errors) that goes before `</body>`. */
export function devSnippet(token: string, problems: Problem[] | undefined): string {
  const script = `<script data-folio-dev>(function () {
  var id = ${scriptLiteral(OVERLAY_ID)};
  var url = ${scriptLiteral(EVENTS_PATH)} + "?path=" + encodeURIComponent(location.pathname) + "&token=" + encodeURIComponent(${scriptLiteral(token)});
  var events = new EventSource(url);
  function hide() { var o = document.getElementById(id); if (o) o.remove(); }
  events.addEventListener("reload", function () { events.close(); location.reload(); });
  events.addEventListener("problems", function (e) { hide(); document.body.insertAdjacentHTML("beforeend", JSON.parse(e.data).html); });
  events.addEventListener("clear", hide);
  document.addEventListener("click", function (e) { if (e.target && e.target.closest && e.target.closest("[data-folio-dismiss]")) hide(); });
})();</script>`;
  return problems && problems.length > 0 ? `${overlayHtml(problems)}\n${script}` : script;
}

/** Puts the snippet before the last `</body>`, or at the end of a page that has none. */
export function injectSnippet(html: Buffer, snippet: string): Buffer {
  const at = Math.max(html.lastIndexOf('</body>'), html.lastIndexOf('</BODY>'));
  if (at < 0) return Buffer.concat([html, Buffer.from(`\n${snippet}\n`)]);
  return Buffer.concat([html.subarray(0, at), Buffer.from(`${snippet}\n`), html.subarray(at)]);
}
