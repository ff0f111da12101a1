import { createHash } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A short content hash for asset URLs, so a changed stylesheet or script is never served from a stale cache. */
export const assetVersion = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 10);

/**
 * The shell of every public page. Every interpolation through `html` is escaped. `script` is inline
 * (allowed by the page's CSP nonce); `scriptSrc` loads a same-origin file with that nonce.
 */
export function layout(opts: { title: string; nonce?: string; body: Html; script?: string; scriptSrc?: string; wide?: boolean }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${opts.title} · Parley</title>
<link rel="stylesheet" href="/assets/parley.css?v=${CSS_VERSION}">
</head>
<body>
<main class="card${opts.wide ? ' card-wide' : ''}">
${opts.body}
</main>
<footer class="footer">Scheduling by Parley</footer>
${opts.script && opts.nonce ? html`<script nonce="${opts.nonce}">${raw(inlineScript(opts.script))}</script>` : ''}
${opts.scriptSrc && opts.nonce ? html`<script src="${opts.scriptSrc}" nonce="${opts.nonce}" defer></script>` : ''}
</body>
</html>`;
}

/**
 * An inline script's text, safe inside <script>: a `</script` or `<!--` in it (only ever inside a
 * string, e.g. JSON built from a value) would end the element early, so its `<` becomes the \u003c
 * escape, which means the same inside a JavaScript string.
 */
export function inlineScript(js: string): string {
  return js.replace(/<(?=\/script|!--)/gi, '\\u003c');
}

export function banner(kind: 'info' | 'error' | 'success', text: string): Html {
  return html`<p class="banner banner-${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}

/** Initials for the CSS-only avatar: "Rita Recruiter" → "RR", "Cher" → "C". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => /\p{L}/u.test(w));
  const first = words[0]?.match(/\p{L}/u)?.[0] ?? '';
  const last = words.length > 1 ? (words[words.length - 1]!.match(/\p{L}/u)?.[0] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}

export const CSS = `
:root { color-scheme: light; --fg:#1d2226; --muted:#5e6a73; --accent:#0a66c2; --accent-dark:#004182; --accent-soft:#e8f1fb; --line:#dfe3e8; --bg:#f4f2ee; --danger:#b3261e; --ok:#0f7b3f; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
.card { max-width: 720px; margin: 32px auto; background:#fff; border:1px solid var(--line); border-radius:12px; padding:28px; }
.card-wide { max-width: 1000px; }
a { color: var(--accent); }
.card a, .card dd, .code { overflow-wrap: anywhere; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.visually-hidden { position:absolute !important; width:1px; height:1px; padding:0; margin:-1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; border:0; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 4px; } h2 { font-size: 1.05rem; margin: 24px 0 8px; }
.muted { color: var(--muted); }
.banner { padding: 10px 14px; border-radius: 8px; margin: 16px 0; }
.banner-info { background:#eef3f8; } .banner-error { background:#fdecea; color: var(--danger); } .banner-success { background:#e8f5ec; color: var(--ok); }
.tz { display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin: 16px 0; }
select, input, textarea { font: inherit; padding: 8px 10px; border:1px solid #8c959f; border-radius:6px; max-width:100%; background-color:#fff; color:inherit; }
.days { list-style:none; padding:0; margin:0; }
.day { border-top:1px solid var(--line); padding: 12px 0; } .day:first-child { border-top: 0; }
.slots { display:flex; flex-wrap:wrap; gap:8px; list-style:none; padding:0; margin: 8px 0 0; }
.slot, .button { display:inline-block; padding:8px 14px; border:1px solid var(--accent); border-radius:18px; color:var(--accent); text-decoration:none; background:#fff; font: inherit; cursor:pointer; }
.slot, .button { overflow-wrap: normal; } .slot { white-space: nowrap; }
.slot:hover, .button:hover { background:#eef3f8; }
.primary { background: var(--accent); color:#fff; } .primary:hover { background:var(--accent-dark); }
.danger { border-color: var(--danger); color: var(--danger); }
.field { margin: 12px 0; display:flex; flex-direction:column; gap:4px; min-width: 0; }
.field > input, .field > select, .field > textarea { width: 100%; }
.row { display:flex; gap:0 12px; flex-wrap:wrap; } .row .field { flex: 1 1 180px; }
.error { color: var(--danger); font-size: .9rem; }
[aria-invalid="true"] { border-color: var(--danger); }
fieldset { border:1px solid var(--line); border-radius:8px; margin: 16px 0; padding: 12px 16px; min-width: 0; }
.choice { display:flex; gap:8px; align-items:center; margin: 6px 0; }
.actions { display:flex; gap:12px; flex-wrap:wrap; margin-top: 20px; }
.footer { text-align:center; color: var(--muted); font-size:.85rem; margin-bottom: 32px; }
dl { display:grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; } dt { color: var(--muted); } dd { margin: 0; min-width: 0; }
details { margin-top: 16px; }
.sessions { padding-left: 20px; margin: 8px 0; } .sessions li { margin: 4px 0; }

/* The candidate's booking pages: who, what, and when. */
.host { display:flex; gap:16px; align-items:center; }
.avatar { flex:none; width:56px; height:56px; border-radius:50%; background:var(--accent); color:#fff; display:flex; align-items:center; justify-content:center; font-weight:600; font-size:1.2rem; letter-spacing:.03em; user-select:none; }
.host h1 { margin: 0; }
.facts { list-style:none; display:flex; flex-wrap:wrap; gap:2px 16px; padding:0; margin:4px 0 0; color:var(--muted); }
.facts li { display:inline-flex; align-items:center; gap:6px; }
.facts svg { width:16px; height:16px; flex:none; fill:none; stroke:currentColor; stroke-width:2; stroke-linecap:round; stroke-linejoin:round; }
.zone-bar { margin: 20px 0 8px; padding-top: 16px; border-top: 1px solid var(--line); }
.zone-bar .tz { margin: 0; }
.zone-bar label { font-weight: 600; }
.zone-bar input { flex: 1 1 200px; min-width: 0; max-width: 360px; }
.tz-hint { flex-basis: 100%; margin: 0; font-size: .875rem; }
.cal-layout { display:grid; grid-template-columns: minmax(0, 1fr); gap: 16px 32px; margin-top: 8px; }
.cal-head { display:flex; align-items:center; justify-content:space-between; gap:8px; margin-bottom: 4px; }
.cal-head h2 { margin: 0; font-size: 1.05rem; }
.icon-button { width:40px; height:40px; border-radius:50%; border:1px solid var(--line); background:#fff; color:var(--accent); cursor:pointer; display:inline-flex; align-items:center; justify-content:center; padding:0; }
.icon-button svg { width:18px; height:18px; fill:none; stroke:currentColor; stroke-width:2.5; stroke-linecap:round; stroke-linejoin:round; }
.icon-button:hover:not(:disabled) { background: var(--accent-soft); }
.icon-button:disabled { color:#8c959f; cursor:default; opacity:.6; }
.month { width:100%; border-collapse:separate; border-spacing:0 2px; table-layout:fixed; }
.month th { font-size:.75rem; font-weight:600; color:var(--muted); padding:4px 0; text-align:center; }
.month td { padding:2px 0; text-align:center; }
.month td[data-date] { position:relative; height:44px; border-radius:50%; cursor:default; color:var(--muted); }
.month td[data-date] > span[aria-hidden] { display:inline-flex; width:42px; height:42px; max-width:100%; align-items:center; justify-content:center; border-radius:50%; }
.month td.open { cursor:pointer; color:var(--accent-dark); font-weight:700; }
.month td.open > span[aria-hidden] { background: var(--accent-soft); }
.month td.open:hover > span[aria-hidden] { background:#d3e4f7; }
.month td.today > span[aria-hidden] { box-shadow: inset 0 0 0 1px var(--muted); }
.month td[aria-selected="true"] > span[aria-hidden] { background: var(--accent); color:#fff; }
.month td:focus { outline: none; }
.month td:focus-visible > span[aria-hidden] { outline: 3px solid var(--accent); outline-offset: 2px; }
.times-head { display:flex; align-items:center; justify-content:space-between; gap:8px; flex-wrap:wrap; min-height:40px; }
.times-head h2 { margin: 0; }
.hour-toggle { display:inline-flex; border:1px solid var(--line); border-radius:999px; padding:2px; }
.hour-toggle button { border:0; background:none; font:inherit; font-size:.875rem; padding:4px 12px; border-radius:999px; color:var(--fg); cursor:pointer; }
.hour-toggle button[aria-pressed="true"] { background: var(--accent); color:#fff; }
.day-times .slots { display:grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap:8px; margin-top: 12px; }
.day-times .slot { display:block; text-align:center; font-weight:600; border-radius:8px; padding:10px 6px; }
.scheduler[aria-busy="true"] .day-times, .scheduler[aria-busy="true"] .month { opacity:.55; }
@media (min-width: 760px) {
  .cal-layout { grid-template-columns: minmax(0, 3fr) minmax(220px, 2fr); }
  .day-times .slots { display:flex; flex-direction:column; flex-wrap:nowrap; max-height: 330px; overflow-y:auto; padding: 2px 6px 2px 2px; }
}
@media (max-width: 600px) {
  body { background:#fff; }
  .card { margin: 0; border-radius: 0; border-width: 0 0 1px; padding: 16px; }
  .footer { margin: 16px 0; }
  h1 { font-size: 1.3rem; }
  .avatar { width:44px; height:44px; font-size:1rem; }
  .host { gap: 12px; align-items: flex-start; }
  .zone-bar { margin-top: 12px; padding-top: 12px; }
}
.summary { border-left: 4px solid var(--accent); padding: 2px 0 2px 12px; margin: 12px 0; } .summary p { margin: 4px 0; }
.current-booking { margin: 12px 0 0; }
.note-choices:has(input[name="note"][value="custom"]:not(:checked)) .custom-note { display: none; }
`;

export const CSS_VERSION = assetVersion(CSS);
