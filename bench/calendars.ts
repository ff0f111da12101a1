import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { bootParley } from '../server/boot';
import { loadConfig } from '../server/config';
import { openPglite } from '../server/db';
import { createMailer } from '../server/mail';
import { startFakeGoogle } from '../tests/fakes/google';
import { startFakeMicrosoft } from '../tests/fakes/microsoft';
import { connectThroughConsent } from '../tests/support/oauth';
import { startRadicale } from '../tests/support/radicale';
import type { BenchResult } from './engine';

/**
 * The booking page's availability answer for one recruiter with three connected calendars —
 * Google and Microsoft (local fakes of their APIs) and CalDAV (a real Radicale) — each holding
 * 60 events over the next 30 days. Measures the whole request: three provider look-ups, the
 * bookings query and the engine.
 */
export async function benchConnectedCalendars(): Promise<BenchResult[]> {
  const [google, microsoft, radicale] = await Promise.all([startFakeGoogle(), startFakeMicrosoft({ email: 'bench@contoso.example' }), startRadicale()]);
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-bench-cal-')), PUBLIC_URL: 'http://bench.test',
    GOOGLE_CLIENT_ID: google.clientId, GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_AUTH_URL: `${google.url}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${google.url}/token`, GOOGLE_REVOKE_URL: `${google.url}/revoke`,
    GOOGLE_USERINFO_URL: `${google.url}/v1/userinfo`, GOOGLE_CALENDAR_URL: `${google.url}/calendar/v3`,
    MICROSOFT_CLIENT_ID: microsoft.clientId, MICROSOFT_CLIENT_SECRET: microsoft.clientSecret,
    MICROSOFT_AUTHORITY: `${microsoft.url}/common`, MICROSOFT_GRAPH_URL: `${microsoft.url}/v1.0`,
  });
  const db = await openPglite();
  const parley = await bootParley(config, { db, startJobs: false, mailer: createMailer({ from: 'bench@parley.test', outbox: () => undefined }) });
  // serve() as in production (it also swaps the global Response the provider client relies on).
  const server = serve({ fetch: parley.app.fetch, port: 0, hostname: '127.0.0.1' });
  const call = (p: string, init: RequestInit & { token?: string; json?: unknown } = {}) =>
    parley.app.request(`http://bench.test${p}`, {
      ...init,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.json ? { 'content-type': 'application/json' } : {}) },
      body: init.json ? JSON.stringify(init.json) : init.body,
    });
  try {
    const { token } = (await (await call('/api/auth/register', { method: 'POST', json: { email: 'bench@example.com', name: 'Bench', password: 'benchmark password', timeZone: 'Europe/London' } })).json()) as { token: string };
    for (const provider of ['google', 'microsoft'] as const) {
      const res = await connectThroughConsent(call, token, provider);
      if (res.status !== 201) throw new Error(`connecting ${provider} failed: ${await res.text()}`);
    }
    const calendarUrl = await radicale.calendarUrl('work');
    const caldav = await call('/api/connections/caldav', { method: 'POST', token, json: { serverUrl: radicale.url, username: radicale.username, password: radicale.password } });
    if (caldav.status !== 201) throw new Error(`connecting CalDAV failed: ${await caldav.text()}`);

    const day = 86_400_000;
    const start = Math.ceil(Date.now() / day) * day;
    for (let i = 0; i < 60; i++) {
      const s = start + Math.floor(i / 2) * day + (9 + (i % 2) * 4) * 3_600_000;
      google.addEvent(google.primaryCalendarId(), { start: s, end: s + 45 * 60_000, summary: `G${i}` });
      microsoft.addEvent(microsoft.defaultCalendarId, { start: s + 3_600_000, end: s + 105 * 60_000, summary: `M${i}` });
      const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bench//EN', 'BEGIN:VEVENT', `UID:c${i}@bench`, `DTSTAMP:${stamp(s)}`,
        `DTSTART:${stamp(s + 2 * 3_600_000)}`, `DTEND:${stamp(s + 150 * 60_000)}`, `SUMMARY:C${i}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
      await fetch(`${calendarUrl}c${i}.ics`, { method: 'PUT', body: ics, headers: { 'content-type': 'text/calendar', authorization: `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}` } });
    }
    const inv = (await (await call('/api/invitations', { method: 'POST', token, json: { recipient: { key: 'bench:candidate' } } })).json()) as { invitation: { url: string } };
    const link = inv.invitation.url.split('/b/')[1]!;

    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const res = await call(`/b/${link}/slots?tz=America/New_York`);
      const body = (await res.json()) as { slots: unknown[]; calendarError?: string };
      if (body.calendarError) throw new Error(`a calendar failed: ${body.calendarError}`);
      if (i >= 10) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => Number(times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2));
    return [{ name: 'booking page availability with 3 connected calendars (Google + Microsoft fakes, Radicale), 180 events', median_ms: q(0.5), p95_ms: q(0.95), runs: times.length }];
  } finally {
    server.close();
    await parley.close();
    await db.close();
    await Promise.all([google.close(), microsoft.close(), radicale.stop()]);
  }
}
