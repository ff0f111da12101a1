import { html } from 'hono/html';
import { DateTime, IANAZone } from 'luxon';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import { groupSlotsByDay, type Interval } from '../../lib/availability/index.js';
import { PRESET_NOTES } from '../../lib/booking-form.js';
import { googleCalendarUrl, outlookCalendarUrl } from '../../lib/calendar-links.js';
import type { BookingRow, InvitationContext } from '../services/bookings.js';
import type { PanelSnapshot } from '../services/panel-people.js';

const panelName = (ctx: InvitationContext) => (ctx.invitation.panel as PanelSnapshot | null)?.name;
import { banner, layout, type Html } from './layout.js';

const day = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('cccc, LLLL d, yyyy');
const time = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('h:mm a');
export const when = (ms: number, zone: string) => `${day(ms, zone)}, ${time(ms, zone)}`;

function offsetLabel(zone: string, now: number): string {
  return DateTime.fromMillis(now, { zone }).toFormat("'UTC'ZZ");
}

const ALL_ZONES = Intl.supportedValuesOf('timeZone');
const ZONE_SET = new Set(ALL_ZONES);
/** Any zone luxon knows (Intl lists only canonical names: "Asia/Calcutta", not "Asia/Kolkata"). */
export const isListedZone = (z: string) => z.length < 64 && IANAZone.isValidZone(z);

function zonePicker(current: string, now: number, hidden: Record<string, string>): Html {
  const zones = ZONE_SET.has(current) ? ALL_ZONES : [current, ...ALL_ZONES];
  return html`<form class="tz" method="get" id="tz-form">
  <label for="tz">Time zone</label>
  <select id="tz" name="tz">
    ${zones.map((z) => html`<option value="${z}" ${z === current ? 'selected' : ''}>${z.replaceAll('_', ' ')} (${offsetLabel(z, now)})</option>`)}
  </select>
  ${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
  <button class="button" type="submit">Show times</button>
</form>`;
}

/** Submits the zone picker on change, and on a first visit switches to the browser's zone. */
export function zoneScript(detect: boolean): string {
  return `(() => {
  const form = document.getElementById('tz-form'); const select = document.getElementById('tz');
  if (select) select.addEventListener('change', () => form.submit());
  ${detect ? `try { const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && select && tz !== select.value) {
      const u = new URL(location.href); u.searchParams.set('tz', tz); location.replace(u.toString()); } } catch {}` : ''}
})();`;
}

/** A panel's sessions in one line: "System design (60 min) · Coding (45 min)". */
function panelSummary(ctx: InvitationContext): Html | '' {
  const panel = ctx.invitation.panel as PanelSnapshot | null;
  if (!panel) return '';
  const who = (s: PanelSnapshot['sessions'][number]) => [...s.interviewers.map((m) => m.name), ...(s.pool.length ? ['one of ' + s.pool.map((m) => m.name).join(' / ')] : [])].join(', ');
  return html`<ol class="sessions" aria-label="Sessions">${panel.sessions.map((s) => html`<li><strong>${s.name}</strong> · ${s.durationMinutes} min · <span class="muted">${who(s)}</span></li>`)}</ol>
${panel.sessions.length > 1 ? html`<p class="muted">${panel.order === 'free' ? 'In the order that fits everyone' : 'One after the other'}${panel.gapMinutes ? `, with ${panel.gapMinutes} minutes between sessions` : ''}.</p>` : ''}`;
}

/** Where each session of a booked loop sits, for the confirmation page. */
export interface BookedSession { name: string; start: number; end: number; interviewers: string[] }

export function messagePage(title: string, text: string): Html {
  return layout({ title, body: html`<h1>${title}</h1><p>${text}</p>` });
}

export function bookingPage(o: {
  ctx: InvitationContext; token: string; slots: Interval[]; timeZone: string; now: number; nonce?: string;
  detectZone: boolean; mode: 'book' | 'reschedule'; notice?: Html; calendarError?: string;
}): Html {
  const { ctx, token, timeZone } = o;
  const name = ctx.recruiter.name;
  const days = groupSlotsByDay(o.slots, timeZone);
  const q = (start: number) => {
    const p = new URLSearchParams({ start: new Date(start).toISOString(), tz: timeZone });
    if (o.mode === 'reschedule') p.set('reschedule', '1');
    return `/b/${token}/confirm?${p}`;
  };
  const empty = o.calendarError
    ? banner('info', `${name}'s calendar cannot be read right now, so no times can be offered. Please try again later, or reply to ${name}'s message to find a time.`)
    : banner('info', `There are no times left on ${name}'s calendar. Please reply to ${name}'s message to find another time.`);
  const body = html`
<h1>${o.mode === 'reschedule' ? `Pick a new time with ${name}` : `Book a time with ${name}`}</h1>
<p class="muted">${panelName(ctx) ? `${panelName(ctx)} · ` : ''}${ctx.invitation.duration_minutes} minutes${ctx.invitation.recipient_name ? html` · for ${ctx.invitation.recipient_name}` : ''}</p>
${panelSummary(ctx)}
${o.notice ?? ''}
${zonePicker(timeZone, o.now, o.mode === 'reschedule' ? { reschedule: '1' } : {})}
${days.length === 0
    ? empty
    : html`<ol class="days" aria-label="Available times">
${days.map((d) => {
  const label = DateTime.fromISO(d.date).toFormat('cccc, LLLL d');
  return html`<li class="day"><h2>${label}</h2><ul class="slots">
${d.slots.map((s) => html`<li><a class="slot" href="${q(s.start)}" aria-label="${label} at ${time(s.start, timeZone)}${panelName(ctx) ? ` until ${time(s.end, timeZone)}` : ''}">${time(s.start, timeZone)}</a></li>`)}
</ul></li>`;
})}
</ol>`}
${o.mode === 'reschedule' ? html`<p><a href="/b/${token}?tz=${encodeURIComponent(timeZone)}">Keep my current time</a></p>` : ''}`;
  return layout({ title: `Book a time with ${name}`, nonce: o.nonce, body, script: zoneScript(o.detectZone) });
}

export interface ConfirmValues { name: string; country: string; phone: string; email: string; note: string; customNote: string }

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
const COUNTRIES = getCountries()
  .map((code) => ({ code, label: `${countryNames.of(code) ?? code} (+${getCountryCallingCode(code)})` }))
  .sort((a, b) => a.label.localeCompare(b.label));

function fieldError(errors: Record<string, string>, key: string): Html {
  return errors[key] ? html`<span class="error" id="${key}-error">${errors[key]}</span>` : html``;
}
const invalid = (errors: Record<string, string>, key: string) =>
  errors[key] ? html`aria-invalid="true" aria-describedby="${key}-error"` : html``;

export function confirmPage(o: {
  ctx: InvitationContext; token: string; start: number; timeZone: string; values: ConfirmValues; errors: Record<string, string>;
}): Html {
  const { ctx, token, start, timeZone, values: v, errors } = o;
  const name = ctx.recruiter.name;
  const noteChoice = (value: string, label: string) =>
    html`<label class="choice"><input type="radio" name="note" value="${value}" ${v.note === value ? 'checked' : ''}> ${label}</label>`;
  const body = html`
<h1>Confirm details</h1>
<p><strong>${panelName(ctx) ? `${panelName(ctx)} with ${name}` : `Talk with ${name}`} for ${ctx.invitation.duration_minutes} minutes on ${when(start, timeZone)} – ${time(start + ctx.invitation.duration_minutes * 60_000, timeZone)}</strong>
<span class="muted">(${timeZone.replaceAll('_', ' ')})</span></p>
${panelSummary(ctx)}
${Object.keys(errors).length ? banner('error', errors._ ?? 'Please correct the highlighted fields.') : ''}
<form method="post" action="/b/${token}/book" novalidate>
  <input type="hidden" name="start" value="${new Date(start).toISOString()}">
  <input type="hidden" name="timeZone" value="${timeZone}">
  <fieldset><legend>1. Add your contact information</legend>
    <div class="field"><label for="name">Your name</label>
      <input id="name" name="name" autocomplete="name" required value="${v.name}" ${invalid(errors, 'name')}>${fieldError(errors, 'name')}</div>
    <div class="row">
      <div class="field"><label for="country">Country code</label>
        <select id="country" name="country" ${invalid(errors, 'country')}>
          ${COUNTRIES.map((c) => html`<option value="${c.code}" ${c.code === v.country ? 'selected' : ''}>${c.label}</option>`)}
        </select>${fieldError(errors, 'country')}</div>
      <div class="field"><label for="phone">Phone number</label>
        <input id="phone" name="phone" type="tel" autocomplete="tel-national" required value="${v.phone}" ${invalid(errors, 'phone')}>${fieldError(errors, 'phone')}</div>
      <div class="field"><label for="email">E-mail (optional)</label>
        <input id="email" name="email" type="email" autocomplete="email" value="${v.email}" ${invalid(errors, 'email')}>${fieldError(errors, 'email')}</div>
    </div>
  </fieldset>
  <fieldset><legend>2. Add a note to send with your confirmation</legend>
    ${noteChoice('excited', `“${PRESET_NOTES.excited}”`)}
    ${noteChoice('thanks', `“${PRESET_NOTES.thanks}”`)}
    ${noteChoice('none', 'No note')}
    ${noteChoice('custom', 'Custom')}
    <div class="field"><label for="customNote">Your note</label>
      <textarea id="customNote" name="customNote" rows="3" maxlength="500" ${invalid(errors, 'customNote')}>${v.customNote}</textarea>${fieldError(errors, 'customNote')}</div>
    <p class="muted">Note: we'll send these details to ${name} on your behalf.</p>
  </fieldset>
  <div class="actions">
    <a class="button" href="/b/${token}?tz=${encodeURIComponent(timeZone)}">Cancel</a>
    <button class="button primary" type="submit">Confirm</button>
  </div>
</form>`;
  return layout({ title: 'Confirm details', body });
}

export function rescheduleConfirmPage(o: { ctx: InvitationContext; token: string; start: number; timeZone: string }): Html {
  const { ctx, token, start, timeZone } = o;
  const current = ctx.booking!;
  const body = html`
<h1>Move your interview?</h1>
<dl><dt>From</dt><dd>${when(current.starts_at.getTime(), timeZone)}</dd><dt>To</dt><dd><strong>${when(start, timeZone)}</strong> (${timeZone.replaceAll('_', ' ')})</dd></dl>
<p class="muted">We'll tell ${ctx.recruiter.name} about the new time.</p>
<form method="post" action="/b/${token}/reschedule">
  <input type="hidden" name="start" value="${new Date(start).toISOString()}">
  <input type="hidden" name="timeZone" value="${timeZone}">
  <div class="actions"><a class="button" href="/b/${token}?reschedule=1&tz=${encodeURIComponent(timeZone)}">Back</a>
  <button class="button primary" type="submit">Confirm new time</button></div>
</form>`;
  return layout({ title: 'Move your interview', body });
}

export function confirmationPage(o: {
  ctx: InvitationContext; booking: BookingRow; token: string; timeZone: string; now: number; publicUrl: string; notice?: Html;
  video?: { url: string; code: string | null; provider: string; trouble?: string };
  sessions?: BookedSession[];
}): Html {
  const { ctx, booking, token, timeZone } = o;
  const name = ctx.recruiter.name;
  const start = booking.starts_at.getTime();
  const end = booking.ends_at.getTime();
  const link = `${o.publicUrl}/b/${token}`;
  const event = {
    title: `Interview with ${name}`,
    start: booking.starts_at,
    end: booking.ends_at,
    details: `Your interview with ${name} (${ctx.recruiter.email}).${o.video ? ` Join: ${o.video.url}${o.video.code ? ` (access code ${o.video.code})` : ''}.` : ''} Details, reschedule or cancel: ${link}`,
    location: o.video?.url ?? link,
  };
  const changeable = start > o.now;
  const body = html`
<h1>Your interview is scheduled</h1>
${o.notice ?? ''}
<p><strong>${when(start, timeZone)} – ${time(end, timeZone)}</strong> <span class="muted">(${timeZone.replaceAll('_', ' ')})</span></p>
<p class="muted">${panelName(ctx) ? `${panelName(ctx)} · ` : ''}${ctx.invitation.duration_minutes} minutes with ${name}</p>
${o.sessions?.length
    ? html`<ol class="sessions" aria-label="Your sessions">${o.sessions.map((s) => html`<li><strong>${time(s.start, timeZone)} – ${time(s.end, timeZone)}</strong> ${s.name} <span class="muted">with ${s.interviewers.join(', ')}</span></li>`)}</ol>`
    : ''}
${o.video
    ? html`<h2>Video interview</h2>
${o.video.trouble ? banner('error', o.video.trouble) : ''}
<p>${o.video.provider} · <a href="${o.video.url}">${o.video.url}</a></p>
${o.video.code ? html`<p>Access code: <strong class="code">${o.video.code}</strong></p>` : ''}
<p class="muted">This link is yours alone and opens shortly before the interview.</p>`
    : ''}
<h2>Your contact</h2>
<dl><dt>Name</dt><dd>${name}</dd><dt>E-mail</dt><dd><a href="mailto:${ctx.recruiter.email}">${ctx.recruiter.email}</a></dd></dl>
<h2>Add to your calendar</h2>
<div class="actions">
  <a class="button" href="${googleCalendarUrl(event)}" target="_blank" rel="noopener noreferrer">Add to Google Calendar</a>
  <a class="button" href="${outlookCalendarUrl(event)}" target="_blank" rel="noopener noreferrer">Add to Outlook</a>
  <a class="button" href="/b/${token}/interview.ics?tz=${encodeURIComponent(timeZone)}" download="interview.ics">Download .ics</a>
</div>
${changeable
    ? html`<h2>Need to change it?</h2>
<div class="actions"><a class="button" href="/b/${token}?reschedule=1&tz=${encodeURIComponent(timeZone)}">Reschedule</a></div>
<details><summary>Cancel the interview</summary>
  <form method="post" action="/b/${token}/cancel"><p>${name} will be told that you cancelled.</p>
  <button class="button danger" type="submit">Cancel interview</button></form>
</details>`
    : html`<p class="muted">This interview has started; to change anything, contact ${name}.</p>`}`;
  return layout({ title: 'Your interview is scheduled', body });
}
