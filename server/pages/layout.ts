import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The shell of every public page. Every interpolation through `html` is escaped. */
export function layout(opts: { title: string; nonce?: string; body: Html; script?: string }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${opts.title} · Parley</title>
<link rel="stylesheet" href="/assets/parley.css">
</head>
<body>
<main class="card">
${opts.body}
</main>
<footer class="footer">Scheduling by Parley</footer>
${opts.script && opts.nonce ? html`<script nonce="${opts.nonce}">${raw(opts.script)}</script>` : ''}
</body>
</html>`;
}

export function banner(kind: 'info' | 'error' | 'success', text: string): Html {
  return html`<p class="banner banner-${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}

export const CSS = `
:root { color-scheme: light; --fg:#1d2226; --muted:#5e6a73; --accent:#0a66c2; --line:#dfe3e8; --bg:#f4f2ee; --danger:#b3261e; --ok:#0f7b3f; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
.card { max-width: 720px; margin: 32px auto; background:#fff; border:1px solid var(--line); border-radius:12px; padding:28px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.05rem; margin: 24px 0 8px; }
.muted { color: var(--muted); }
.banner { padding: 10px 14px; border-radius: 8px; margin: 16px 0; }
.banner-info { background:#eef3f8; } .banner-error { background:#fdecea; color: var(--danger); } .banner-success { background:#e8f5ec; color: var(--ok); }
.tz { display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin: 16px 0; }
select, input, textarea { font: inherit; padding: 8px 10px; border:1px solid #8c959f; border-radius:6px; max-width:100%; }
.days { list-style:none; padding:0; margin:0; }
.day { border-top:1px solid var(--line); padding: 12px 0; }
.slots { display:flex; flex-wrap:wrap; gap:8px; list-style:none; padding:0; margin: 8px 0 0; }
.slot, .button { display:inline-block; padding:8px 14px; border:1px solid var(--accent); border-radius:18px; color:var(--accent); text-decoration:none; background:#fff; font: inherit; cursor:pointer; }
.slot:hover, .button:hover { background:#eef3f8; }
.primary { background: var(--accent); color:#fff; } .primary:hover { background:#004182; }
.danger { border-color: var(--danger); color: var(--danger); }
.field { margin: 12px 0; display:flex; flex-direction:column; gap:4px; }
.row { display:flex; gap:12px; flex-wrap:wrap; } .row .field { flex: 1 1 180px; }
.error { color: var(--danger); font-size: .9rem; }
[aria-invalid="true"] { border-color: var(--danger); }
fieldset { border:1px solid var(--line); border-radius:8px; margin: 16px 0; padding: 12px 16px; }
.choice { display:flex; gap:8px; align-items:center; margin: 6px 0; }
.actions { display:flex; gap:12px; flex-wrap:wrap; margin-top: 20px; }
.footer { text-align:center; color: var(--muted); font-size:.85rem; margin-bottom: 32px; }
dl { display:grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dt { color: var(--muted); }
details { margin-top: 16px; }
.sessions { padding-left: 20px; margin: 8px 0; } .sessions li { margin: 4px 0; }
`;
