import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { bootParley, type Parley } from '../server/boot';
import { loadConfig } from '../server/config';
import { openPglite } from '../server/db';
import { createMailer } from '../server/mail';
import { startFakeGoogle } from '../tests/fakes/google';
import { connectThroughConsent } from '../tests/support/oauth';
import { prng, type BenchResult } from './engine';

/**
 * The candidate's booking page of a five-person panel (`GET /b/:token/slots`): five interviewers in
 * five zones, each with a connected Google calendar (a local fake of the API) holding 40 events over
 * the next 30 days, and a back-to-back loop of three sessions (two together, two together, one) in
 * free order. Measured twice: with the busy time served from Parley's short-lived cache (warmed by
 * one view first), and with the cache off so that every view asks Google for all five calendars.
 */

type Call = (p: string, init?: RequestInit & { token?: string; json?: unknown }) => Promise<Response>;
type Json = Record<string, any>;

const DAY = 86_400_000;
const VIEWER_ZONE = 'Asia/Kolkata';

/**
 * The interviewers. Kolkata and Los Angeles keep shifted (still 8-hour) days, as people on global
 * panels do, so that one loop can reach everyone: Kolkata 14:00–22:00 IST and Los Angeles
 * 06:00–14:00 local overlap Berlin, London and New York between about 13:30 and 17:00 UTC.
 */
const PEOPLE = [
  { email: 'nadia@example.com', name: 'Nadia NewYork', zone: 'America/New_York', hours: { start: '09:00', end: '17:00' } },
  { email: 'liam@example.com', name: 'Liam London', zone: 'Europe/London', hours: { start: '09:00', end: '17:00' } },
  { email: 'berta@example.com', name: 'Berta Berlin', zone: 'Europe/Berlin', hours: { start: '09:00', end: '17:00' } },
  { email: 'kiran@example.com', name: 'Kiran Kolkata', zone: 'Asia/Kolkata', hours: { start: '14:00', end: '22:00' } },
  { email: 'lupe@example.com', name: 'Lupe LosAngeles', zone: 'America/Los_Angeles', hours: { start: '06:00', end: '14:00' } },
] as const;

function callerOf(parley: Parley): Call {
  return (p, init = {}) =>
    Promise.resolve(parley.app.request(`http://bench.test${p}`, {
      ...init,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.json ? { 'content-type': 'application/json' } : {}) },
      body: init.json ? JSON.stringify(init.json) : init.body,
    }));
}

async function ok(res: Response, what: string, status = 201): Promise<Json> {
  if (res.status !== status) throw new Error(`${what} failed (${res.status}): ${await res.text()}`);
  return (await res.json()) as Json;
}

async function measure(call: Call, link: string, warmup: number, runs: number): Promise<{ times: number[]; slots: number }> {
  const times: number[] = [];
  let slots = 0;
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    const res = await call(`/b/${link}/slots?tz=${encodeURIComponent(VIEWER_ZONE)}`);
    const body = (await res.json()) as { slots?: unknown[]; calendarError?: string };
    const t = performance.now() - t0;
    if (res.status !== 200) throw new Error(`the booking page answered ${res.status}: ${JSON.stringify(body)}`);
    if (body.calendarError) throw new Error(`a calendar failed: ${body.calendarError}`);
    slots = body.slots?.length ?? 0;
    // Never measure an empty page: the engine would have nothing to do.
    if (slots === 0) throw new Error('the panel booking page offered no times');
    if (i >= warmup) times.push(t);
  }
  return { times, slots };
}

function result(name: string, times: number[], budget?: number): BenchResult {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2));
  return { name, median_ms: q(0.5), p95_ms: q(0.95), runs: sorted.length, ...(budget !== undefined ? { budget_ms: budget } : {}) };
}

export async function benchPanelBookingPage(): Promise<BenchResult[]> {
  const google = await startFakeGoogle();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-panel-'));
  const env = {
    DATA_DIR: dataDir, PUBLIC_URL: 'http://bench.test',
    GOOGLE_CLIENT_ID: google.clientId, GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_AUTH_URL: `${google.url}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${google.url}/token`, GOOGLE_REVOKE_URL: `${google.url}/revoke`,
    GOOGLE_USERINFO_URL: `${google.url}/v1/userinfo`, GOOGLE_CALENDAR_URL: `${google.url}/calendar/v3`,
  };
  const mailer = createMailer({ from: 'bench@parley.test', outbox: () => undefined });
  const db = await openPglite();
  const started: Parley[] = [];
  try {
    const cached = await bootParley(loadConfig(env), { db, startJobs: false, mailer });
    started.push(cached);
    const call = callerOf(cached);

    // The recruiter, and five interviewers with their own accounts, hours and Google calendars.
    const rita = await ok(await call('/api/auth/register', { method: 'POST', json: { email: 'rita@example.com', name: 'Rita Recruiter', password: 'benchmark password', timeZone: 'Europe/London' } }), 'registering the recruiter');
    const random = prng(20260302);
    const horizonStart = Math.ceil(Date.now() / DAY) * DAY;
    const ids: string[] = [];
    for (const p of PEOPLE) {
      const me = await ok(await call('/api/auth/register', { method: 'POST', json: { email: p.email, name: p.name, password: 'benchmark password', timeZone: p.zone } }), `registering ${p.name}`);
      const { settings } = await ok(await call('/api/settings', { token: me.token }), `reading ${p.name}'s settings`, 200);
      const day = [{ start: p.hours.start, end: p.hours.end }];
      settings.workingHours = { '1': day, '2': day, '3': day, '4': day, '5': day, '6': [], '7': [] };
      await ok(await call('/api/settings', { method: 'PUT', token: me.token, json: settings }), `saving ${p.name}'s hours`, 200);

      google.account.email = p.email;
      await ok(await connectThroughConsent(call, me.token, 'google'), `connecting ${p.name}'s Google calendar`);
      // 40 meetings of 30–90 minutes over the next 30 days, inside the person's own working day.
      const [startHour] = p.hours.start.split(':').map(Number) as [number];
      for (let i = 0; i < 40; i++) {
        const date = DateTime.fromMillis(horizonStart + Math.floor(random() * 30) * DAY, { zone: p.zone });
        const at = date.set({ hour: startHour + Math.floor(random() * 7), minute: random() < 0.5 ? 0 : 30, second: 0, millisecond: 0 }).toMillis();
        const minutes = 30 * (1 + Math.floor(random() * 3));
        google.addEvent(google.primaryCalendarId(p.email), { start: at, end: at + minutes * 60_000, summary: `${p.name} meeting ${i}` });
      }

      const added = await ok(await call('/api/panels/interviewers', { method: 'POST', token: rita.token, json: { email: p.email, name: p.name, sendInvite: false } }), `adding ${p.name}`);
      ids.push(String(added.interviewer.id));
    }
    const [ny, london, berlin, kolkata, la] = ids as [string, string, string, string, string];
    const template = await ok(await call('/api/panels/templates', {
      method: 'POST', token: rita.token,
      json: {
        name: 'Onsite loop', shape: 'sequence', order: 'free', gapMinutes: 10, video: null,
        message: 'Hi {candidate_first_name}, please book your {interview_name}: {booking_link}',
        sessions: [
          { name: 'System design', durationMinutes: 45, interviewers: [kolkata, berlin], pool: [] },
          { name: 'Coding', durationMinutes: 45, interviewers: [london, ny], pool: [] },
          { name: 'Hiring manager', durationMinutes: 30, interviewers: [la], pool: [] },
        ],
      },
    }), 'creating the template');
    const shared = await ok(await call(`/api/panels/templates/${template.template.id}/share`, {
      method: 'POST', token: rita.token, json: { recipient: { key: 'bench:candidate', name: 'Carla Candidate' } },
    }), 'sharing the template');
    const link = String(shared.invitation.url).split('/b/')[1]!;

    // 1. The cache: one view fills it, then every view reads busy time from memory.
    const freeBusyCalls = () => google.requests.filter((r) => r.path.endsWith('/freeBusy')).length;
    const warm = await measure(call, link, 1, 100);
    const afterWarm = freeBusyCalls();

    // 2. The same data seen by a second Parley that reads the calendars live on every view.
    const live = await bootParley(loadConfig({ ...env, BUSY_CACHE_TTL_MS: '0' }), { db, startJobs: false, mailer });
    started.push(live);
    if (live.deps.config.busyCacheTtlMs !== 0) throw new Error('the second Parley should have its cache off');
    const cold = await measure(callerOf(live), link, 3, 30);
    // Check each figure measures what it says: no provider call behind the cached views (only the
    // warm-up's), one per interviewer behind every live one.
    if (afterWarm > PEOPLE.length) throw new Error(`the cached views asked Google ${afterWarm} times`);
    if (freeBusyCalls() - afterWarm < 33 * PEOPLE.length) throw new Error('the live views did not ask Google for every calendar');

    return [
      result('booking page, 5-person panel, busy from the cache', warm.times, 50),
      result('booking page, 5-person panel, calendars read live (cache off)', cold.times),
    ];
  } finally {
    for (const p of started.reverse()) await p.close();
    await db.close();
    await google.close();
  }
}
