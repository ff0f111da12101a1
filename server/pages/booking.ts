import { html } from 'hono/html';
import { DateTime, IANAZone } from 'luxon';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import { IANA_ALIAS_MAP, WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { groupSlotsByDay, type Interval } from '../../lib/availability/index.js';
import { PRESET_NOTES } from '../../lib/booking-form.js';
import { googleCalendarUrl, outlookCalendarUrl } from '../../lib/calendar-links.js';
import { VIDEO_PROVIDER_NAMES } from '../../lib/schemas.js';
import type { BookingRow, InvitationContext } from '../services/bookings.js';
import type { PanelSnapshot } from '../services/panel-people.js';
import { BOOKING_JS_PATH } from './booking-client.js';
import { banner, initials, layout, type Html } from './layout.js';

const panelName = (ctx: InvitationContext) => (ctx.invitation.panel as PanelSnapshot | null)?.name;

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

/**
 * Where each zone is, from CLDR's time zone ids (via windows-iana): "Kolkata, India" and IN for
 * Asia/Kolkata. The place makes the zone picker searchable by city or country; the country is the
 * confirm step's default phone country code when the browser language names no region.
 */
const ZONE_PLACES = new Map<string, { place: string; country?: string }>();
{
  // The CLDR id starts with the country ("inccu" = IN, Kolkata), except these few.
  const odd: Record<string, string | undefined> = { gazastrp: 'PS', hebron: 'PS', jeruslm: 'IL', unk: undefined, utc: undefined, gmt: undefined };
  for (const entry of IANA_ALIAS_MAP) {
    const country = entry.name in odd ? odd[entry.name] : /^[a-z]{5,8}$/.test(entry.name) ? entry.name.slice(0, 2).toUpperCase() : undefined;
    for (const zone of entry.alias) ZONE_PLACES.set(zone, { place: entry.description, ...(country ? { country } : {}) });
  }
  // Zones newer than that table: the territory of Windows' mapping.
  for (const entry of WINDOWS_TO_IANA_MAP) {
    if (!/^[A-Z]{2}$/.test(entry.territory)) continue;
    for (const zone of entry.iana) if (!ZONE_PLACES.has(zone)) ZONE_PLACES.set(zone, { place: zone.split('/').pop()!.replaceAll('_', ' '), country: entry.territory });
  }
}
/** The country a time zone is in ("Europe/Berlin" → "DE"), when it is in one. */
export const countryOfZone = (zone: string): string | undefined => ZONE_PLACES.get(zone)?.country;

const zoneName = (z: string) => z.replaceAll('_', ' ');

const zoneOption = (z: string, now: number) => html`<option value="${z}" label="${ZONE_PLACES.get(z)?.place ?? zoneName(z)} · ${offsetLabel(z, now)}"></option>`;

/**
 * The picker's ~420 options with their UTC offsets, rendered once an hour rather than on every page
 * view (offsets change on the hour, at DST changes): they were most of a booking page's CPU time.
 */
let zoneOptions: { hour: number; options: Html[] } | undefined;
function allZoneOptions(now: number): Html[] {
  const hour = Math.floor(now / 3_600_000);
  if (zoneOptions?.hour !== hour) zoneOptions = { hour, options: ALL_ZONES.map((z) => zoneOption(z, now)) };
  return zoneOptions.options;
}

function zonePicker(current: string, now: number, hidden: Record<string, string>, action: string): Html {
  const options = ZONE_SET.has(current) ? allZoneOptions(now) : [zoneOption(current, now), ...allZoneOptions(now)];
  return html`<form class="tz" method="get" action="${action}" id="tz-form">
  <label for="tz">Time zone</label>
  <input id="tz" name="tz" list="tz-list" value="${current}" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="tz-hint">
  ${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
  <button class="button" type="submit" id="tz-submit">Show times</button>
  <datalist id="tz-list">
    ${options}
  </datalist>
  <p class="tz-hint muted" id="tz-hint">${offsetLabel(current, now)} · now ${time(now, current)}. Type a city or country to change it.</p>
</form>`;
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

const ICONS = {
  clock: html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/></svg>`,
  video: html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="3" y="6" width="13" height="12" rx="2"/><path d="m16 10 5-3v10l-5-3"/></svg>`,
  case: html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="3" y="7" width="18" height="13" rx="2"/><path d="M9 7V5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2v2"/></svg>`,
  person: html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/></svg>`,
};

/** The recruiter (initials avatar), the heading, and what the interview is: name, length, video. */
function hostHeader(ctx: InvitationContext, heading: string): Html {
  const name = ctx.recruiter.name;
  const video = ctx.invitation.video_provider ? VIDEO_PROVIDER_NAMES[ctx.invitation.video_provider] : undefined;
  return html`<header class="host">
  <span class="avatar" aria-hidden="true">${initials(name)}</span>
  <div>
    <h1>${heading}</h1>
    <ul class="facts" aria-label="About the interview">
      <li>${ICONS.case}<span>${panelName(ctx) ?? 'Interview'}</span></li>
      <li>${ICONS.clock}<span>${ctx.invitation.duration_minutes} minutes</span></li>
      ${video ? html`<li>${ICONS.video}<span>${video} video call</span></li>` : ''}
      ${ctx.invitation.recipient_name ? html`<li>${ICONS.person}<span>for ${ctx.invitation.recipient_name}</span></li>` : ''}
    </ul>
  </div>
</header>`;
}

/** Where the candidate got the link, to tell them where to reply. */
function replyWhere(ctx: InvitationContext): string {
  const site = ctx.invitation.recipient_key.split(':')[0];
  const name = ctx.recruiter.name;
  if (site === 'linkedin') return `reply to ${name} on LinkedIn`;
  if (site === 'talentio') return `reply to ${name} on talent.io`;
  return `reply to ${name}'s message`;
}

export function bookingPage(o: {
  ctx: InvitationContext; token: string; slots: Interval[]; timeZone: string; now: number; nonce?: string;
  detectZone: boolean; mode: 'book' | 'reschedule'; notice?: Html; calendarError?: string;
}): Html {
  const { ctx, token, timeZone } = o;
  const name = ctx.recruiter.name;
  const panel = Boolean(panelName(ctx));
  const days = groupSlotsByDay(o.slots, timeZone);
  const q = (start: number) => {
    const p = new URLSearchParams({ start: new Date(start).toISOString(), tz: timeZone });
    if (o.mode === 'reschedule') p.set('reschedule', '1');
    return `/b/${token}/confirm?${p}`;
  };
  const horizon = ctx.settings.horizonDays;
  const emptyText = `No times left in the next ${horizon} ${horizon === 1 ? 'day' : 'days'} — ${replyWhere(ctx)} to find another time.`;
  const errorText = `${name}'s calendar cannot be read right now, so no times can be offered. Please try again later, or ${replyWhere(ctx)} to find a time.`;
  const body = html`
${hostHeader(ctx, o.mode === 'reschedule' ? `Pick a new time with ${name}` : `Book a time with ${name}`)}
${o.mode === 'reschedule' && ctx.booking ? html`<p class="current-booking">Your current time: <strong data-when="${ctx.booking.starts_at.toISOString()}">${when(ctx.booking.starts_at.getTime(), timeZone)}</strong></p>` : ''}
${panelSummary(ctx)}
${o.notice ?? ''}
<div class="scheduler" id="scheduler" data-token="${token}" data-mode="${o.mode}" data-zone="${timeZone}" data-detect="${o.detectZone ? '1' : '0'}"
  data-panel="${panel ? '1' : '0'}" data-empty="${emptyText}" data-error="${errorText}">
<div class="zone-bar">
${zonePicker(timeZone, o.now, o.mode === 'reschedule' ? { reschedule: '1' } : {}, `/b/${token}`)}
</div>
<div id="plain">
${days.length === 0
    ? banner(o.calendarError ? 'error' : 'info', o.calendarError ? errorText : emptyText)
    : html`<ol class="days" aria-label="Available times">
${days.map((d) => {
  const label = DateTime.fromISO(d.date).toFormat('cccc, LLLL d');
  return html`<li class="day" data-date="${d.date}"><h2>${label}</h2><ul class="slots">
${d.slots.map((s) => html`<li><a class="slot" href="${q(s.start)}" data-start="${new Date(s.start).toISOString()}" data-end="${new Date(s.end).toISOString()}" aria-label="${label} at ${time(s.start, timeZone)}${panel ? ` until ${time(s.end, timeZone)}` : ''}">${time(s.start, timeZone)}</a></li>`)}
</ul></li>`;
})}
</ol>`}
</div>
<p class="visually-hidden" id="announce" role="status" aria-live="polite"></p>
</div>
${o.mode === 'reschedule' ? html`<p><a data-tz-link href="/b/${token}?tz=${encodeURIComponent(timeZone)}">Keep my current time</a></p>` : ''}`;
  return layout({ title: o.mode === 'reschedule' ? `Pick a new time with ${name}` : `Book a time with ${name}`, nonce: o.nonce, body, scriptSrc: BOOKING_JS_PATH, wide: true });
}

export interface ConfirmValues { name: string; country: string; phone: string; email: string; note: string; customNote: string }

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
const COUNTRIES = getCountries()
  .map((code) => ({ code, label: `${countryNames.of(code) ?? code} (+${getCountryCallingCode(code)})` }))
  .sort((a, b) => a.label.localeCompare(b.label));
/** The countries the phone field knows (ISO 3166 alpha-2). */
export const PHONE_COUNTRIES: ReadonlySet<string> = new Set(getCountries());

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
  const video = ctx.invitation.video_provider ? VIDEO_PROVIDER_NAMES[ctx.invitation.video_provider] : undefined;
  const noteChoice = (value: string, label: string) =>
    html`<label class="choice"><input type="radio" name="note" value="${value}" ${v.note === value ? 'checked' : ''}> ${label}</label>`;
  const body = html`
<h1>Confirm details</h1>
<div class="summary">
<p><strong>${panelName(ctx) ? `${panelName(ctx)} with ${name}` : `Talk with ${name}`} for ${ctx.invitation.duration_minutes} minutes on ${when(start, timeZone)} – ${time(start + ctx.invitation.duration_minutes * 60_000, timeZone)}</strong>
<span class="muted">(${timeZone.replaceAll('_', ' ')})</span></p>
${video ? html`<p class="muted">${video} video call · the join link comes with your confirmation</p>` : ''}
</div>
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
        <select id="country" name="country" autocomplete="tel-country-code" ${invalid(errors, 'country')}>
          ${PHONE_COUNTRIES.has(v.country) ? '' : html`<option value="" selected>Choose your country</option>`}
          ${COUNTRIES.map((c) => html`<option value="${c.code}" ${c.code === v.country ? 'selected' : ''}>${c.label}</option>`)}
        </select>${fieldError(errors, 'country')}</div>
      <div class="field"><label for="phone">Phone number</label>
        <input id="phone" name="phone" type="tel" autocomplete="tel-national" required value="${v.phone}" ${invalid(errors, 'phone')}>${fieldError(errors, 'phone')}</div>
      <div class="field"><label for="email">E-mail (optional)</label>
        <input id="email" name="email" type="email" autocomplete="email" value="${v.email}" ${invalid(errors, 'email')}>${fieldError(errors, 'email')}</div>
    </div>
  </fieldset>
  <fieldset class="note-choices"><legend>2. Add a note to send with your confirmation</legend>
    ${noteChoice('excited', `“${PRESET_NOTES.excited}”`)}
    ${noteChoice('thanks', `“${PRESET_NOTES.thanks}”`)}
    ${noteChoice('none', 'No note')}
    ${noteChoice('custom', 'Custom')}
    <div class="field custom-note"><label for="customNote">Your note</label>
      <textarea id="customNote" name="customNote" rows="3" maxlength="500" ${invalid(errors, 'customNote')}>${v.customNote}</textarea>${fieldError(errors, 'customNote')}</div>
    <p class="muted">Note: we'll send these details to ${name} on your behalf.</p>
  </fieldset>
  <div class="actions">
    <a class="button" href="/b/${token}?tz=${encodeURIComponent(timeZone)}">Pick another time</a>
    <button class="button primary" type="submit">Confirm</button>
  </div>
</form>`;
  // The title names the chosen time: it is what a screen reader announces on arriving here.
  return layout({ title: `Confirm ${when(start, timeZone)}`, body });
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
  return layout({ title: `Move your interview to ${when(start, timeZone)}`, body });
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
