import { html } from 'hono/html';
import { DateTime } from 'luxon';
import { banner, layout, type Html } from './layout.js';

const when = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('cccc, LLLL d, yyyy, h:mm a');
const time = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('h:mm a');

export interface JoinView {
  token: string;
  title: string;
  start: number;
  end: number;
  timeZone: string;
  provider: string;
  withCode: boolean;
  state: 'open' | 'early' | 'ended' | 'cancelled' | 'preparing' | 'failed' | 'hidden';
  opensAt: number;
  failure?: string;
  error?: string;
}

/** Parley's join page: what the interview is, whether it is open, and the access code when there is one. */
export function joinPage(v: JoinView, nonce?: string): Html {
  const zoneNote = html`<span class="muted">(${v.timeZone.replaceAll('_', ' ')})</span>`;
  let body: Html;
  switch (v.state) {
    case 'hidden':
      body = html`<h1>Interview link</h1><p>This link opens on the day of the interview. Come back then.</p>`;
      break;
    case 'cancelled':
      body = html`<h1>${v.title}</h1><p>This interview was cancelled, so this link no longer opens a meeting.</p>`;
      break;
    default:
      body = html`
<h1>${v.title}</h1>
<p><strong>${when(v.start, v.timeZone)} – ${time(v.end, v.timeZone)}</strong> ${zoneNote}</p>
<p class="muted">Video conference by ${v.provider}. This link is yours alone: please do not share it.</p>
${v.error ? banner('error', v.error) : ''}
${v.state === 'early' ? banner('info', `The interview opens at ${when(v.opensAt, v.timeZone)}. Come back then to join.`) : ''}
${v.state === 'ended' ? banner('info', 'This interview has ended.') : ''}
${v.state === 'preparing' ? banner('info', 'The video conference is being prepared. Please try again in a minute.') : ''}
${v.state === 'failed' ? banner('error', v.failure ?? 'Something went wrong with the video conference.') : ''}
${v.state === 'open'
    ? html`<form method="post" action="/j/${v.token}" class="stack">
  ${v.withCode
    ? html`<div class="field"><label for="code">Access code</label>
      <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required ${v.error ? html`aria-invalid="true"` : ''}></div>`
    : ''}
  <div class="actions"><button class="button primary" type="submit">Join interview</button></div>
</form>`
    : ''}`;
  }
  return layout({
    title: v.state === 'hidden' ? 'Interview link' : v.title,
    nonce,
    body,
    script: `(() => { try { const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; const u = new URL(location.href);
      if (!u.searchParams.get('tz') && tz && tz !== ${JSON.stringify(v.timeZone)}) { u.searchParams.set('tz', tz); location.replace(u.toString()); } } catch {} })();`,
  });
}
