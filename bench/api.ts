import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootParley } from '../server/boot';
import { loadConfig } from '../server/config';
import { openPglite } from '../server/db';
import { createMailer } from '../server/mail';
import type { BenchResult } from './engine';

/**
 * The booking page's availability answer (`GET /b/:token/slots`) through the real app on PGlite:
 * one recruiter with 200 busy events and 20 bookings over the next 30 days.
 */
export async function benchBookingApi(): Promise<BenchResult[]> {
  const config = loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-bench-')), PUBLIC_URL: 'http://bench.test' });
  const db = await openPglite();
  const parley = await bootParley(config, { db, startJobs: false, mailer: createMailer({ from: 'bench@parley.test', outbox: () => undefined }) });
  const call = (p: string, init: RequestInit & { token?: string; json?: unknown } = {}) =>
    parley.app.request(`http://bench.test${p}`, {
      ...init,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.json ? { 'content-type': 'application/json' } : {}) },
      body: init.json ? JSON.stringify(init.json) : init.body,
    });
  const reg = (await (await call('/api/auth/register', { method: 'POST', json: { email: 'bench@example.com', name: 'Bench', password: 'benchmark password', timeZone: 'America/New_York' } })).json()) as { token: string };
  const day = 86_400_000;
  const start = Math.ceil(Date.now() / day) * day;
  for (let i = 0; i < 200; i++) {
    const s = start + Math.floor(i / 7) * day + 13 * 3_600_000 + (i % 7) * 75 * 60_000;
    await call('/api/calendar/events', { method: 'POST', token: reg.token, json: { start: new Date(s).toISOString(), end: new Date(s + 45 * 60_000).toISOString() } });
  }
  const inv = (await (await call('/api/invitations', { method: 'POST', token: reg.token, json: { recipient: { key: 'bench:candidate', name: 'Candidate' } } })).json()) as { invitation: { url: string } };
  const token = inv.invitation.url.split('/b/')[1]!;
  // Twenty other candidates book first, so the answer also reads bookings.
  for (let i = 0; i < 20; i++) {
    const other = (await (await call('/api/invitations', { method: 'POST', token: reg.token, json: { recipient: { key: `bench:other-${i}` } } })).json()) as { invitation: { url: string } };
    const t = other.invitation.url.split('/b/')[1]!;
    const { slots } = (await (await call(`/b/${t}/slots`)).json()) as { slots: { start: string }[] };
    const pick = slots[(i * 7) % slots.length]!;
    await call(`/b/${t}/book`, { method: 'POST', json: { start: pick.start, timeZone: 'Europe/Berlin', name: 'X', country: 'DE', phone: '030 1234567' } });
  }

  const times: number[] = [];
  for (let i = 0; i < 120; i++) {
    const t0 = performance.now();
    const res = await call(`/b/${token}/slots?tz=Europe/Berlin`);
    await res.json();
    if (i >= 20) times.push(performance.now() - t0);
  }
  await parley.close();
  await db.close();
  times.sort((a, b) => a - b);
  const q = (p: number) => Number(times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2));
  return [{ name: 'booking page availability answer (GET /b/:token/slots, PGlite, 200 busy + 20 bookings)', median_ms: q(0.5), p95_ms: q(0.95), runs: times.length, budget_ms: 50 }];
}
