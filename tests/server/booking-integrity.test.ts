import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useParley } from './harness.js';

const t = useParley();
// Monday 2026-03-02 12:00Z; the recruiter works 9–17 New York (14:00–22:00Z), 30-minute meetings on a 30-minute grid.
const TUE_9AM = Date.parse('2026-03-03T14:00:00Z');
const MIN = 60_000;

const candidate = (start: string, timeZone = 'UTC') => ({
  start, timeZone, name: 'Carla Candidate', country: 'IN', phone: '098765 43210', email: 'carla@example.com', note: 'none',
});

async function offered(linkToken: string, tz: string): Promise<string[]> {
  const res = await t.request(`/b/${linkToken}/slots?tz=${encodeURIComponent(tz)}`);
  return ((await res.json()) as { slots: { start: string }[] }).slots.map((s) => s.start);
}

async function bookingsCount(): Promise<number> {
  const [row] = await t.db().query<{ n: number }>(`select count(*)::int as n from bookings`);
  return row!.n;
}

describe('only offered times can be booked', () => {
  it('refuses a start 7 minutes after an offered one, with the fresh list of times, and stores nothing', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token);
    expect(await offered(inv.linkToken, 'UTC')).toContain(new Date(TUE_9AM).toISOString());
    const res = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(new Date(TUE_9AM + 7 * MIN).toISOString()) });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { message: string }; slots: { start: string }[] };
    expect(body.error.message).toBe('That time is not one of the offered times. Please pick a time from the list.');
    expect(body.slots.map((s) => s.start)).toContain(new Date(TUE_9AM).toISOString());
    expect(await bookingsCount()).toBe(0);
    // The page says so too, and lists the times again.
    const form = new URLSearchParams({ ...candidate(new Date(TUE_9AM + 7 * MIN).toISOString()) });
    const page = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://parley.test' } });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('That time is not one of the offered times. Here are the times still free.');
  });

  it('judges the grid in the zone the candidate picked in: a Kathmandu :15 start is offered there, not in UTC', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token);
    const kathmandu = await offered(inv.linkToken, 'Asia/Kathmandu');
    const quarter = kathmandu.find((s) => new Date(s).getUTCMinutes() === 15)!;
    expect(quarter).toBeDefined();
    expect(await offered(inv.linkToken, 'UTC')).not.toContain(quarter);
    expect((await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(quarter, 'UTC') })).status).toBe(409);
    expect((await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(quarter, 'Asia/Kathmandu') })).status).toBe(201);
  });

  it('refuses rescheduling to a time that is not offered, and keeps the booking where it was', async () => {
    const rec = await t.recruiter();
    const inv = await t.invitation(rec.token);
    expect((await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(new Date(TUE_9AM).toISOString()) })).status).toBe(201);
    const off = await t.request(`/b/${inv.linkToken}/reschedule`, { method: 'POST', json: { start: new Date(TUE_9AM + 24 * 60 * MIN + 10 * MIN).toISOString(), timeZone: 'UTC' } });
    expect(off.status).toBe(409);
    expect(((await off.json()) as { error: { message: string } }).error.message).toContain('not one of the offered times');
    // Outside working hours (03:00 New York) is not offered either.
    const night = await t.request(`/b/${inv.linkToken}/reschedule`, { method: 'POST', json: { start: '2026-03-04T08:00:00.000Z', timeZone: 'UTC' } });
    expect(night.status).toBe(409);
    const [row] = await t.db().query<{ starts_at: Date }>(`select starts_at from bookings where status = 'confirmed'`);
    expect(row!.starts_at.getTime()).toBe(TUE_9AM);
  });

  it('property: any start that is not in the offered list is refused, and every offered one can be booked', async () => {
    const rec = await t.recruiter();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 14 * 24 * 60 - 1 }), // minutes after Tuesday 00:00Z, two weeks
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kathmandu', 'Asia/Kolkata', 'Australia/Adelaide'),
        fc.option(fc.nat(), { nil: undefined }), // half the runs take an offered start instead
        async (minutes, zone, pick) => {
          const inv = await t.invitation(rec.token, { key: `linkedin:in:prop-${n++}`, name: 'Prop Person' });
          const list = await offered(inv.linkToken, zone);
          const start = pick !== undefined && list.length ? Date.parse(list[pick % list.length]!) : Date.parse('2026-03-03T00:00:00Z') + minutes * MIN;
          const before = await bookingsCount();
          const res = await t.request(`/b/${inv.linkToken}/book`, { method: 'POST', json: candidate(new Date(start).toISOString(), zone) });
          if (list.includes(new Date(start).toISOString())) {
            expect(res.status).toBe(201);
            // Free the time again for the next run.
            expect((await t.request(`/b/${inv.linkToken}/cancel`, { method: 'POST', json: {} })).status).toBe(200);
          } else {
            expect(res.status).toBe(409);
            expect(await bookingsCount()).toBe(before);
          }
        },
      ),
      { numRuns: 40, seed: 20261202 },
    );
  });
});
