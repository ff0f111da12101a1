import { createHash, randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { csrf } from 'hono/csrf';
import { z } from 'zod';
import { defaultSettings, SchedulerSettingsSchema, TimeZoneSchema, WEEKDAYS, WEEKDAY_NAMES } from '../../lib/schemas.js';
import { connectProblemFrom } from '../connections.js';
import type { Sql } from '../db.js';
import type { AppEnv, Deps } from '../deps.js';
import { zodFields } from '../http.js';
import { clientFor, SCOPES, type OAuthProvider } from '../oauth.js';
import { banner, layout, type Html } from '../pages/layout.js';
import { messagePage } from '../pages/booking.js';
import { hashToken, TOKEN_PATTERN } from '../secrets.js';
import { clientIp, LIMITS, rateLimit } from '../rate-limit.js';
import { CaldavBody, connectCaldav, connectWithCode } from './connections.js';
import { loadSettings } from './settings.js';

/*
 * An interviewer's one-time page (/i/:token, mailed when a recruiter adds them): connect a calendar
 * (Google, Microsoft 365, CalDAV) or mark working hours, so panels can find times they are free.
 * What they share lives in a Parley account of their own e-mail address; the link is used up once
 * they have shared something, and the recruiter can send a new one.
 */

type C = Context<AppEnv & { Variables: { secureHeadersNonce?: string } }>;

interface InviteRow { id: string; email: string; name: string; recruiter_name: string; recruiter_email: string; recruiter_id: string; invite_expires_at: Date }

async function findInvite(deps: Deps, token: string): Promise<InviteRow | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await deps.db.query<InviteRow>(
    `select i.id, i.email, i.name, i.invite_expires_at, r.name as recruiter_name, r.email as recruiter_email, r.id as recruiter_id
       from interviewers i join recruiters r on r.id = i.recruiter_id where i.invite_token_hash = $1`, [hashToken(token)]);
  if (!row || row.invite_expires_at.getTime() <= deps.clock()) return undefined;
  return row;
}

/** The interviewer's own account (made on first use, without a password: signing up with this address claims it). */
async function ensureAccount(tx: Sql, invite: InviteRow, timeZone: string): Promise<string> {
  await tx.query(`insert into recruiters (email, name, password_hash) values ($1, $2, '') on conflict (email) do nothing`, [invite.email, invite.name]);
  const [row] = await tx.query<{ id: string }>(`select id from recruiters where email = $1`, [invite.email]);
  await tx.query(`insert into scheduler_settings (recruiter_id, settings) values ($1, $2) on conflict (recruiter_id) do nothing`,
    [row!.id, JSON.stringify(defaultSettings(timeZone))]);
  return row!.id;
}

async function finish(deps: Deps, invite: InviteRow, what: string) {
  await deps.db.transaction(async (tx) => {
    await tx.query(`update interviewers set invite_token_hash = null, invite_token_sealed = null where email = $1`, [invite.email]);
    await tx.query(`insert into notifications (recruiter_id, kind, message) values ($1, 'interviewer-ready', $2)`,
      [invite.recruiter_id, `${invite.name} ${what}: panels with ${invite.name} can now be booked`]);
  });
}

const HoursForm = z.object({
  timeZone: TimeZoneSchema,
  days: z.array(z.enum(WEEKDAYS)).min(1, 'Choose at least one day'),
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Choose a start time'),
  end: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Choose an end time'),
}).refine((v) => v.start < v.end, { path: ['end'], message: 'The day must end after it starts' });

function invitePage(deps: Deps, invite: InviteRow, token: string, o: { zone: string; nonce?: string; notice?: Html; errors?: Record<string, string> }): Html {
  const { config } = deps;
  const google = !!(config.google.clientId && config.google.clientSecret);
  const microsoft = !!(config.microsoft.clientId && config.microsoft.clientSecret);
  const e = o.errors ?? {};
  const zones = Intl.supportedValuesOf('timeZone');
  const body = html`
<h1>When can you interview, ${invite.name}?</h1>
<p>${invite.recruiter_name} (${invite.recruiter_email}) adds you to interview panels scheduled with Parley.
Candidates will only see times when you are free; you get an invitation with your own join link for each interview.</p>
${o.notice ?? ''}
<h2>Connect your calendar</h2>
<p class="muted">Parley reads when you are busy (never what your events say) and adds the interviews you are booked for.</p>
<div class="actions">
  ${google ? html`<a class="button primary" href="/i/${token}/connect/google">Connect Google Calendar</a>` : ''}
  ${microsoft ? html`<a class="button primary" href="/i/${token}/connect/microsoft">Connect Microsoft 365</a>` : ''}
</div>
<details ${e.serverUrl || e.username || e.password ? 'open' : ''}><summary>Another calendar (iCloud, Fastmail, Nextcloud… through CalDAV)</summary>
<form method="post" action="/i/${token}/caldav">
  <div class="field"><label for="serverUrl">Server address</label><input id="serverUrl" name="serverUrl" type="url" required placeholder="https://caldav.fastmail.com">${e.serverUrl ? html`<span class="error">${e.serverUrl}</span>` : ''}</div>
  <div class="field"><label for="username">User name</label><input id="username" name="username" required autocomplete="username">${e.username ? html`<span class="error">${e.username}</span>` : ''}</div>
  <div class="field"><label for="password">App password</label><input id="password" name="password" type="password" required autocomplete="current-password">${e.password ? html`<span class="error">${e.password}</span>` : ''}</div>
  <button class="button primary" type="submit">Connect calendar</button>
</form></details>
<h2>Or mark your working hours</h2>
<form method="post" action="/i/${token}/hours">
  <div class="field"><label for="tz">Your time zone</label>
    <select id="tz" name="timeZone">${zones.map((z) => html`<option value="${z}" ${z === o.zone ? 'selected' : ''}>${z.replaceAll('_', ' ')}</option>`)}</select></div>
  <fieldset><legend>Days</legend>
    ${WEEKDAYS.map((d) => html`<label class="choice"><input type="checkbox" name="days" value="${d}" ${Number(d) <= 5 ? 'checked' : ''}> ${WEEKDAY_NAMES[d]}</label>`)}
    ${e.days ? html`<span class="error">${e.days}</span>` : ''}
  </fieldset>
  <div class="row">
    <div class="field"><label for="start">From</label><input id="start" name="start" type="time" value="09:00" required></div>
    <div class="field"><label for="end">To</label><input id="end" name="end" type="time" value="17:00" required>${e.end ? html`<span class="error">${e.end}</span>` : ''}</div>
  </div>
  <button class="button primary" type="submit">Save my hours</button>
</form>`;
  const script = `(() => { try { const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; const s = document.getElementById('tz');
    if (tz && s && ${JSON.stringify(o.errors ? '' : 'detect')} && [...s.options].some((x) => x.value === tz)) s.value = tz; } catch {} })();`;
  return layout({ title: 'When can you interview?', body, nonce: o.nonce, script });
}

const gone = () => messagePage('This link has been used or has expired', 'Ask the recruiter who invited you to send you a new one.');

export function interviewerPageRoutes(deps: Deps) {
  const { config } = deps;
  const redirectUri = () => `${config.publicUrl}/i/oauth/callback`;
  const app = new Hono<AppEnv>();
  // In Postgres, so the limits hold across processes: per client address, and per link.
  const inviteToken = (c: Context) => { const t = c.req.param('token'); return t && TOKEN_PATTERN.test(t) ? t : undefined; };
  app.use('*', rateLimit(deps, [[LIMITS.interviewerPerIp, clientIp]], { as: 'html' }));
  app.use('/:token/*', rateLimit(deps, [[LIMITS.interviewerPerToken, inviteToken]], { as: 'html' })); // also matches /:token
  app.use('*', csrf());

  // Back from Google or Microsoft (registered before /:token, which it would otherwise match).
  app.get('/oauth/callback', async (c) => {
    const q = c.req.query();
    let state: { t: string; v: string; p: OAuthProvider };
    try {
      state = z.object({ t: z.string(), v: z.string(), p: z.enum(['google', 'microsoft']) }).parse(JSON.parse(deps.sealer.open(q.state ?? '')));
    } catch {
      return c.html(messagePage('This sign-in did not come from Parley', 'Open the link from your invitation e-mail again.'), 400);
    }
    const invite = await findInvite(deps, state.t);
    if (!invite) return c.html(gone(), 410);
    if (q.error || !q.code) {
      const retry = q.error === 'access_denied' ? 'You chose not to give Parley access.' : `The sign-in failed (${q.error ?? 'no code'}).`;
      return c.html(invitePage(deps, invite, state.t, { zone: 'UTC', nonce: c.get('secureHeadersNonce' as never), notice: banner('error', `${retry} You can try again, or mark your hours instead.`) }), 400);
    }
    try {
      await connectWithCode(deps, () => deps.db.transaction((tx) => ensureAccount(tx, invite, 'UTC')), state.p, { code: q.code, codeVerifier: state.v, redirectUri: redirectUri() });
    } catch (err) {
      const problem = connectProblemFrom(err);
      return c.html(invitePage(deps, invite, state.t, { zone: 'UTC', nonce: c.get('secureHeadersNonce' as never), notice: banner('error', `${problem.title}. ${problem.whatToDo}`) }), 422);
    }
    await finish(deps, invite, `connected ${state.p === 'google' ? 'Google Calendar' : 'Microsoft 365'}`);
    return c.html(messagePage('You are all set', `Parley now checks your calendar before offering times. Interviews you are booked for will appear on it, with your own join link.`));
  });

  app.get('/:token', async (c) => {
    const invite = await findInvite(deps, c.req.param('token'));
    if (!invite) return c.html(gone(), 410);
    const recruiterZone = (await loadSettings(deps.db, invite.recruiter_id)).timeZone;
    return c.html(invitePage(deps, invite, c.req.param('token'), { zone: recruiterZone, nonce: (c as C).get('secureHeadersNonce') }));
  });

  app.get('/:token/connect/:provider', async (c) => {
    const token = c.req.param('token');
    const provider = z.enum(['google', 'microsoft']).safeParse(c.req.param('provider'));
    const invite = await findInvite(deps, token);
    if (!invite) return c.html(gone(), 410);
    if (!provider.success) return c.html(messagePage('Unknown calendar provider', 'Go back and choose Google or Microsoft 365.'), 400);
    let client;
    try {
      client = clientFor(config, provider.data);
    } catch {
      return c.html(messagePage('Not available on this Parley server', 'Connect another calendar, or mark your hours instead.'), 400);
    }
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const url = new URL(client.authorizeUrl);
    for (const [k, v] of Object.entries({
      client_id: client.clientId, redirect_uri: redirectUri(), response_type: 'code', scope: SCOPES[provider.data].request.join(' '),
      state: deps.sealer.seal(JSON.stringify({ t: token, v: verifier, p: provider.data })), code_challenge: challenge, code_challenge_method: 'S256',
      login_hint: invite.email, ...SCOPES[provider.data].params,
    })) url.searchParams.set(k, v);
    return c.redirect(url.toString(), 302);
  });

  app.post('/:token/caldav', async (c) => {
    const token = c.req.param('token');
    const invite = await findInvite(deps, token);
    if (!invite) return c.html(gone(), 410);
    const nonce = (c as C).get('secureHeadersNonce');
    const raw = await c.req.parseBody().catch(() => null);
    const parsed = CaldavBody.safeParse(raw ?? {});
    if (!parsed.success) return c.html(invitePage(deps, invite, token, { zone: 'UTC', nonce, errors: zodFields(parsed.error) }), 400);
    try {
      const zone = (await loadSettings(deps.db, invite.recruiter_id)).timeZone;
      await connectCaldav(deps, () => deps.db.transaction((tx) => ensureAccount(tx, invite, zone)), parsed.data);
    } catch (err) {
      const problem = connectProblemFrom(err);
      return c.html(invitePage(deps, invite, token, { zone: 'UTC', nonce, notice: banner('error', `${problem.title}. ${problem.whatToDo}`) }), 422);
    }
    await finish(deps, invite, 'connected a calendar');
    return c.html(messagePage('You are all set', 'Parley now checks your calendar before offering times. Interviews you are booked for will appear on it, with your own join link.'));
  });

  app.post('/:token/hours', async (c) => {
    const token = c.req.param('token');
    const invite = await findInvite(deps, token);
    if (!invite) return c.html(gone(), 410);
    const body = await c.req.parseBody({ all: true }).catch(() => null);
    const raw = body ? { ...body, days: ([] as unknown[]).concat(body.days ?? []) } : {};
    const parsed = HoursForm.safeParse(raw);
    if (!parsed.success) return c.html(invitePage(deps, invite, token, { zone: 'UTC', nonce: (c as C).get('secureHeadersNonce'), errors: zodFields(parsed.error) }), 400);
    const { timeZone, days, start, end } = parsed.data;
    await deps.db.transaction(async (tx) => {
      const accountId = await ensureAccount(tx, invite, timeZone);
      const current = await loadSettings(tx, accountId);
      const hours = Object.fromEntries(WEEKDAYS.map((d) => [d, days.includes(d) ? [{ start, end }] : []]));
      const settings = SchedulerSettingsSchema.parse({ ...current, timeZone, workingHours: hours });
      await tx.query(`update scheduler_settings set settings = $2, updated_at = now() where recruiter_id = $1`, [accountId, JSON.stringify(settings)]);
    });
    await finish(deps, invite, 'marked their working hours');
    return c.html(messagePage('Thank you: your hours are saved', `Candidates will only be offered times inside them (${start}–${end}, ${timeZone.replaceAll('_', ' ')}). Interview invitations will come by e-mail with your own join link.`));
  });

  return app;
}

/** The mail that carries an interviewer's one-time link. */
export async function mailInterviewerInvite(deps: Omit<Deps, 'jobs'>, interviewerId: string): Promise<void> {
  const [row] = await deps.db.query<{ email: string; name: string; invite_token_sealed: string | null; recruiter_name: string; invite_expires_at: Date | null }>(
    `select i.email, i.name, i.invite_token_sealed, i.invite_expires_at, r.name as recruiter_name
       from interviewers i join recruiters r on r.id = i.recruiter_id where i.id = $1`, [interviewerId]);
  if (!row?.invite_token_sealed || !row.invite_expires_at || row.invite_expires_at.getTime() <= deps.clock()) return;
  const link = `${deps.config.publicUrl}/i/${deps.sealer.open(row.invite_token_sealed)}`;
  const lines = [
    `Hi ${row.name},`, '',
    `${row.recruiter_name} schedules interview panels with Parley and would like to include you.`,
    'So that candidates are only offered times when you are free, connect your calendar or mark your working hours here:', '',
    link, '',
    'The link works once and for 14 days. Each interview you are booked for comes with your own join link.',
  ];
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  await deps.mailer.send({
    to: row.email,
    subject: `${row.recruiter_name} invites you to interview panels`,
    text: lines.join('\n'),
    html: lines.map((l) => (l === link ? `<p><a href="${esc(link)}">${esc(link)}</a></p>` : `<p>${esc(l)}</p>`)).join(''),
  });
}
