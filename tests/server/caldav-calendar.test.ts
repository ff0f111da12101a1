import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ICAL from 'ical.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { caldavCalendar } from '../../server/providers/calendar/caldav.js';
import { ProviderError, type CalendarEventInput } from '../../server/providers/calendar/types.js';
import { calendarContract } from '../support/calendar-contract.js';
import { startRadicale, type Radicale } from '../support/radicale.js';

/** CalDAV against a real Radicale server: one server per file, a fresh calendar per test. */

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

let radicale: Radicale;
let calendars = 0;
beforeAll(async () => {
  radicale = await startRadicale();
});
afterAll(async () => {
  await radicale?.stop();
});

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const auth = () => basic(radicale.username, radicale.password);
const freshCalendar = () => radicale.calendarUrl(`calendar-${++calendars}`);

function api(extra: Partial<Parameters<typeof caldavCalendar>[0]> = {}) {
  return caldavCalendar({ serverUrl: radicale.url, username: radicale.username, password: radicale.password, defaultTimeZone: 'Europe/Berlin', ...extra });
}

const utc = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Stores a calendar object behind Parley's back, as the recruiter's own calendar app would. */
async function putObject(calendarUrl: string, name: string, lines: string[], headers: Record<string, string> = {}) {
  const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Recruiter calendar//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
  const response = await fetch(new URL(name, calendarUrl), {
    method: 'PUT',
    headers: { authorization: auth(), 'content-type': 'text/calendar; charset=utf-8', ...headers },
    body,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`PUT ${name}: ${response.status} ${text}`);
  return response.headers.get('etag');
}

async function getObject(url: string) {
  const response = await fetch(url, { headers: { authorization: auth() } });
  return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
}

/** Every VEVENT in the calendar (no time filter), read with ical.js. */
async function allEvents(calendarUrl: string) {
  const response = await fetch(calendarUrl, {
    method: 'REPORT',
    headers: { authorization: auth(), depth: '1', 'content-type': 'application/xml; charset=utf-8' },
    body:
      '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
      '<D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>',
  });
  expect(response.status).toBe(207);
  const xml = await response.text();
  const datas = [...xml.matchAll(/<(?:\w+:)?calendar-data[^>]*>([\s\S]*?)<\/(?:\w+:)?calendar-data>/g)].map((m) =>
    m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#13;/g, '\r').replace(/&amp;/g, '&'),
  );
  return datas.flatMap((data) => new ICAL.Component(ICAL.parse(data) as unknown[]).getAllSubcomponents('vevent'));
}

let foreign = 0;
function vtimezone(zone: string): string[] {
  return getVtimezoneComponent(zone)!.trim().split(/\r?\n/);
}

/** A fetch that records every request (method, URL, headers) and its status. */
function recordingFetch() {
  const calls: { method: string; url: string; headers: Headers; status: number }[] = [];
  const f = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const response = await fetch(input, init);
    calls.push({ method: (init.method ?? 'GET').toUpperCase(), url: String(input instanceof Request ? input.url : input), headers: new Headers(init.headers), status: response.status });
    return response;
  }) as typeof fetch;
  return { fetch: f, calls };
}

async function listen(handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<{ server: Server; url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/`, requests };
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

calendarContract('caldav', async () => {
  const calendarId = await freshCalendar();
  return {
    api: api(),
    calendarId,
    async addForeignEvent(e) {
      const n = ++foreign;
      // No ".ics" in the name: object names are the server's (or client's) choice.
      await putObject(calendarId, `foreign-${n}`, [
        'BEGIN:VEVENT',
        `UID:foreign-${n}@recruiter.example`,
        'DTSTAMP:20260101T000000Z',
        `DTSTART:${utc(e.start)}`,
        `DTEND:${utc(e.end)}`,
        `SUMMARY:${e.summary}`,
        ...(e.transparent ? ['TRANSP:TRANSPARENT'] : []),
        ...(e.cancelled ? ['STATUS:CANCELLED'] : []),
        'END:VEVENT',
      ]);
    },
    async countEvents(summary) {
      return (await allEvents(calendarId)).filter((v) => v.getFirstPropertyValue('summary') === summary).length;
    },
  };
});

describe('caldav: busy time is computed from the iCalendar data', () => {
  let calendarId: string;
  beforeEach(async () => {
    calendarId = await freshCalendar();
  });

  it('expands a weekly series with an EXDATE and a moved instance, across the DST change', async () => {
    await putObject(calendarId, 'weekly.ics', [
      ...vtimezone('Europe/Berlin'),
      'BEGIN:VEVENT',
      'UID:weekly-1on1@recruiter.example',
      'DTSTAMP:20260101T000000Z',
      'DTSTART;TZID=Europe/Berlin:20260302T100000',
      'DTEND;TZID=Europe/Berlin:20260302T110000',
      'RRULE:FREQ=WEEKLY;COUNT=6',
      'EXDATE;TZID=Europe/Berlin:20260316T100000',
      'SUMMARY:1:1 with Sam',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:weekly-1on1@recruiter.example',
      'DTSTAMP:20260101T000000Z',
      'RECURRENCE-ID;TZID=Europe/Berlin:20260323T100000',
      'DTSTART;TZID=Europe/Berlin:20260324T140000',
      'DTEND;TZID=Europe/Berlin:20260324T150000',
      'SUMMARY:1:1 with Sam (moved)',
      'END:VEVENT',
    ]);
    // From the second week on (the series starts before the range) to just before the sixth.
    const busy = await api().busy([calendarId], { start: at('2026-03-08T00:00:00Z'), end: at('2026-04-05T00:00:00Z') });
    expect(busy).toEqual([
      { start: at('2026-03-09T09:00:00Z'), end: at('2026-03-09T10:00:00Z') }, // CET
      // 16 March: EXDATE; 23 March: moved to the 24th
      { start: at('2026-03-24T13:00:00Z'), end: at('2026-03-24T14:00:00Z') },
      { start: at('2026-03-30T08:00:00Z'), end: at('2026-03-30T09:00:00Z') }, // CEST
    ]);
  });

  it('clips to the range and merges overlapping events from several calendars', async () => {
    const other = await freshCalendar();
    const event = (uid: string, start: number, end: number) => [
      'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${utc(start)}`, `DTEND:${utc(end)}`, 'SUMMARY:x', 'END:VEVENT',
    ];
    const day = at('2026-04-07T00:00:00Z');
    await putObject(calendarId, 'a.ics', event('a', day - H, day + H)); // starts before the range
    await putObject(other, 'b.ics', event('b', day + 0.5 * H, day + 2 * H)); // overlaps a
    await putObject(other, 'c.ics', event('c', day + 5 * H, day + 7 * H)); // ends after the range
    const busy = await api().busy([calendarId, other], { start: day, end: day + 6 * H });
    expect(busy).toEqual([
      { start: day, end: day + 2 * H },
      { start: day + 5 * H, end: day + 6 * H },
    ]);
  });

  it('blocks the whole local day for an all-day event, in defaultTimeZone', async () => {
    await putObject(calendarId, 'offsite.ics', [
      'BEGIN:VEVENT', 'UID:offsite@recruiter.example', 'DTSTAMP:20260101T000000Z',
      'DTSTART;VALUE=DATE:20260408', 'DTEND;VALUE=DATE:20260409', 'SUMMARY:Team offsite', 'END:VEVENT',
    ]);
    const week = { start: at('2026-04-06T00:00:00Z'), end: at('2026-04-12T00:00:00Z') };
    expect(await api({ defaultTimeZone: 'America/New_York' }).busy([calendarId], week)).toEqual([
      { start: at('2026-04-08T04:00:00Z'), end: at('2026-04-09T04:00:00Z') },
    ]);
    expect(await api({ defaultTimeZone: 'Europe/Berlin' }).busy([calendarId], week)).toEqual([
      { start: at('2026-04-07T22:00:00Z'), end: at('2026-04-08T22:00:00Z') },
    ]);
    // Still 8 April in New York, already the 9th in UTC: found although the server reads the date in its own zone.
    expect(
      await api({ defaultTimeZone: 'America/New_York' }).busy([calendarId], { start: at('2026-04-09T01:00:00Z'), end: at('2026-04-09T06:00:00Z') }),
    ).toEqual([{ start: at('2026-04-09T01:00:00Z'), end: at('2026-04-09T04:00:00Z') }]);
  });

  it('reads TZID times in their zone across a DST change (with and without a VTIMEZONE)', async () => {
    await putObject(calendarId, 'standup.ics', [
      ...vtimezone('America/New_York'),
      'BEGIN:VEVENT', 'UID:standup@recruiter.example', 'DTSTAMP:20260101T000000Z',
      'DTSTART;TZID=America/New_York:20260306T090000', 'DTEND;TZID=America/New_York:20260306T093000',
      'RRULE:FREQ=DAILY;COUNT=4', 'SUMMARY:Standup', 'END:VEVENT',
    ]);
    // A TZID that is an IANA name, with no VTIMEZONE in the object.
    await putObject(calendarId, 'call.ics', [
      'BEGIN:VEVENT', 'UID:call@recruiter.example', 'DTSTAMP:20260101T000000Z',
      'DTSTART;TZID=America/New_York:20260309T120000', 'DTEND;TZID=America/New_York:20260309T130000', 'SUMMARY:Call', 'END:VEVENT',
    ]);
    const busy = await api().busy([calendarId], { start: at('2026-03-06T00:00:00Z'), end: at('2026-03-10T00:00:00Z') });
    expect(busy).toEqual([
      { start: at('2026-03-06T14:00:00Z'), end: at('2026-03-06T14:30:00Z') }, // EST, UTC-5
      { start: at('2026-03-07T14:00:00Z'), end: at('2026-03-07T14:30:00Z') },
      { start: at('2026-03-08T13:00:00Z'), end: at('2026-03-08T13:30:00Z') }, // EDT, UTC-4
      { start: at('2026-03-09T13:00:00Z'), end: at('2026-03-09T13:30:00Z') },
      { start: at('2026-03-09T16:00:00Z'), end: at('2026-03-09T17:00:00Z') },
    ]);
  });
});

describe('caldav: writing events', () => {
  let calendarId: string;
  beforeEach(async () => {
    calendarId = await freshCalendar();
  });
  const event = (key: string, start: number, summary = `Interview ${key}`): CalendarEventInput => ({
    key, start, end: start + H / 2, timeZone: 'Europe/Berlin', summary, description: 'Phone: +49 30 1234567',
    attendees: [{ name: 'Carla Candidate', email: 'carla@example.com' }],
  });
  const nine = at('2026-04-07T07:00:00Z'); // 09:00 in Berlin

  it('stores one VEVENT with the key as UID, TZID times and no METHOD', async () => {
    const ref = await api().createEvent(calendarId, event('booking-42', nine));
    expect(ref.externalId).toBe(`${calendarId}booking-42%40parley.ics`);
    const stored = await getObject(ref.externalId);
    expect(stored.status).toBe(200);
    expect(ref.etag).toBe(stored.etag);
    expect(stored.text).not.toMatch(/^METHOD:/m);
    expect(stored.text).not.toMatch(/^(ORGANIZER|ATTENDEE)[;:]/m);
    expect(stored.text).toMatch(/^UID:booking-42@parley\r?$/m);
    expect(stored.text).toMatch(/^DTSTART;TZID=Europe\/Berlin:20260407T090000\r?$/m);
    expect(stored.text).toMatch(/^DTEND;TZID=Europe\/Berlin:20260407T093000\r?$/m);
    expect(stored.text).toMatch(/^BEGIN:VTIMEZONE\r?$/m);
    expect(stored.text.replace(/\r?\n[ \t]/g, '')).toContain('Carla Candidate <carla@example.com>');
  });

  it('a retried create uses If-None-Match, adopts the existing object and leaves exactly one', async () => {
    const rec = recordingFetch();
    const first = await api({ fetch: rec.fetch }).createEvent(calendarId, event('k1', nine));
    const again = await api({ fetch: rec.fetch }).createEvent(calendarId, event('k1', nine));
    expect(again.externalId).toBe(first.externalId);
    expect(again.etag).toBe(first.etag); // same times: adopted untouched
    const puts = rec.calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => [c.headers.get('if-none-match'), c.status])).toEqual([
      ['*', 201],
      ['*', 412],
    ]);
    expect((await allEvents(calendarId)).length).toBe(1);
  });

  it('a retried create with other times moves the adopted event', async () => {
    const first = await api().createEvent(calendarId, event('k2', nine));
    const again = await api().createEvent(calendarId, event('k2', nine + 2 * H));
    expect(again.externalId).toBe(first.externalId);
    expect(again.etag).not.toBe(first.etag);
    expect(await api().busy([calendarId], { start: nine - H, end: nine + 4 * H })).toEqual([{ start: nine + 2 * H, end: nine + 2.5 * H }]);
    expect((await allEvents(calendarId)).length).toBe(1);
  });

  it('updates with If-Match and survives a concurrent change (412 → re-read → retry)', async () => {
    const ref = await api().createEvent(calendarId, event('k3', nine));
    // The recruiter edits the event in their calendar app meanwhile: the ETag changes.
    const stored = await getObject(ref.externalId);
    const edited = stored.text.replace(/^SUMMARY:.*$/m, 'SUMMARY:Interview k3 (bring laptop)');
    const put = await fetch(ref.externalId, { method: 'PUT', headers: { authorization: auth(), 'content-type': 'text/calendar', 'if-match': stored.etag! }, body: edited });
    expect(put.status).toBe(201);
    const foreignEtag = put.headers.get('etag');
    expect(foreignEtag).not.toBe(ref.etag);

    const rec = recordingFetch();
    const moved = await api({ fetch: rec.fetch }).updateEvent(calendarId, ref, event('k3', nine + 3 * H));
    expect(rec.calls.map((c) => [c.method, c.headers.get('if-match'), c.status])).toEqual([
      ['PUT', ref.etag, 412],
      ['GET', null, 200],
      ['PUT', foreignEtag, 201],
    ]);
    const now = await getObject(ref.externalId);
    expect(moved).toEqual({ externalId: ref.externalId, etag: now.etag });
    expect(now.text).toMatch(/^SEQUENCE:1\r?$/m);
    expect(await api().busy([calendarId], { start: nine - H, end: nine + 5 * H })).toEqual([{ start: nine + 3 * H, end: nine + 3.5 * H }]);

    // With the current ETag the update goes through at once.
    const rec2 = recordingFetch();
    await api({ fetch: rec2.fetch }).updateEvent(calendarId, moved, event('k3', nine + H));
    expect(rec2.calls.map((c) => [c.method, c.headers.get('if-match'), c.status])).toEqual([['PUT', moved.etag, 201]]);
  });

  it('updating an event that was deleted meanwhile is not-found', async () => {
    const ref = await api().createEvent(calendarId, event('k4', nine));
    await api().deleteEvent(calendarId, ref);
    const error = await providerError(api().updateEvent(calendarId, ref, event('k4', nine + H)));
    expect(error.kind).toBe('not-found');
    expect((await allEvents(calendarId)).length).toBe(0);
  });

  it('deletes with If-Match, deletes an event changed meanwhile anyway, and deleting twice is fine', async () => {
    const ref = await api().createEvent(calendarId, event('k5', nine));
    const rec = recordingFetch();
    await api({ fetch: rec.fetch }).deleteEvent(calendarId, ref);
    expect(rec.calls.map((c) => [c.method, c.headers.get('if-match'), c.status])).toEqual([['DELETE', ref.etag, 200]]);
    await api().deleteEvent(calendarId, ref);
    await api().deleteEvent(calendarId, { externalId: ref.externalId });

    const changed = await api().createEvent(calendarId, event('k6', nine));
    const stale = await api().updateEvent(calendarId, changed, event('k6', nine + H));
    expect(stale.etag).not.toBe(changed.etag);
    await api().deleteEvent(calendarId, changed); // stale ETag: 412, deleted all the same
    expect((await allEvents(calendarId)).length).toBe(0);
  });

  it('refuses event references outside the calendar', async () => {
    const other = await freshCalendar();
    const ref = await api().createEvent(other, event('k7', nine));
    const error = await providerError(api().deleteEvent(calendarId, ref));
    expect(error.kind).toBe('invalid');
    expect((await allEvents(other)).length).toBe(1);
  });
});

describe('caldav: account and calendars', () => {
  it('lists the calendars by URL with names, one primary, writable', async () => {
    const a = await radicale.calendarUrl('Work Calendar');
    const b = await radicale.calendarUrl('Interviews');
    const list = await api().listCalendars();
    const byId = new Map(list.map((c) => [c.id, c]));
    expect(byId.get(a)).toMatchObject({ name: 'Work Calendar', readOnly: false });
    expect(byId.get(b)).toMatchObject({ name: 'Interviews', readOnly: false });
    expect(list.filter((c) => c.primary)).toHaveLength(1);
  });

  it('marks a calendar read-only when the server lists no write privilege for it', async () => {
    const shared = await radicale.calendarUrl('Shared holidays');
    const sharedPath = new URL(shared).pathname;
    // Radicale's owner_only rights make every own calendar writable; show how a server
    // answers for a shared, read-only one by rewriting its privilege set in the PROPFIND answer.
    const readOnlyFetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const response = await fetch(input, init);
      if ((init.method ?? 'GET').toUpperCase() !== 'PROPFIND' || response.status !== 207) return response;
      const xml = await response.text();
      const rewritten = xml.replace(/<response>(?:(?!<\/response>)[\s\S])*<\/response>/g, (block) =>
        block.includes(`<href>${sharedPath}</href>`)
          ? block.replace(/<current-user-privilege-set>[\s\S]*?<\/current-user-privilege-set>/, '<current-user-privilege-set><privilege><read /></privilege></current-user-privilege-set>')
          : block,
      );
      return new Response(rewritten, { status: 207, headers: response.headers });
    }) as typeof fetch;
    const list = await api({ fetch: readOnlyFetch }).listCalendars();
    expect(list.find((c) => c.id === shared)).toMatchObject({ readOnly: true, primary: false });
    expect(list.find((c) => c.primary)?.readOnly).toBe(false);
  });

  it('a wrong password is `auth`, for discovery and for busy', async () => {
    const calendarId = await freshCalendar();
    const wrong = caldavCalendar({ serverUrl: radicale.url, username: radicale.username, password: 'not-the-password' });
    const listed = await providerError(wrong.listCalendars());
    expect(listed.kind).toBe('auth');
    expect(listed.message).toMatch(/user name or app password/);
    const busy = await providerError(wrong.busy([calendarId], { start: at('2026-04-06T00:00:00Z'), end: at('2026-04-07T00:00:00Z') }));
    expect(busy.kind).toBe('auth');
    expect(busy.details.status).toBe(401);
  });

  it('an unknown calendar on the server is not-found', async () => {
    const error = await providerError(api().busy([new URL(`/${radicale.username}/no-such-calendar/`, radicale.url).href], { start: at('2026-04-06T00:00:00Z'), end: at('2026-04-07T00:00:00Z') }));
    expect(error.kind).toBe('not-found');
  });

  it('never sends the credentials to a calendar id on another host', async () => {
    const elsewhere = await listen((_req, res) => res.writeHead(207, { 'content-type': 'application/xml' }).end('<multistatus xmlns="DAV:"/>'));
    try {
      const error = await providerError(api().busy([`${elsewhere.url}cal/`], { start: at('2026-04-06T00:00:00Z'), end: at('2026-04-07T00:00:00Z') }));
      expect(error.kind).toBe('not-found');
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await close(elsewhere.server);
    }
  });

  it('a server that is not CalDAV is `account`/`not-caldav`, and never "free"', async () => {
    for (const status of [404, 200]) {
      const web = await listen((_req, res) => res.writeHead(status, { 'content-type': 'text/html' }).end('<!doctype html><title>Acme</title><h1>Welcome</h1>'));
      try {
        const calendars = caldavCalendar({ serverUrl: web.url, username: 'rita', password: 'secret' });
        const listed = await providerError(calendars.listCalendars());
        expect(listed.kind).toBe('account');
        expect(listed.details.reason).toBe('not-caldav');
        expect(listed.message).toContain(web.url.replace(/\/$/, ''));
        const busy = await providerError(calendars.busy([`${web.url}calendars/rita/`], { start: at('2026-04-06T00:00:00Z'), end: at('2026-04-07T00:00:00Z') }));
        expect(busy.kind).toBe(status === 404 ? 'not-found' : 'account');
      } finally {
        await close(web.server);
      }
    }
  });

  it('a server error is `unavailable` with its Retry-After', async () => {
    const calendarId = await freshCalendar();
    const failing = (async (input: RequestInfo | URL, init: RequestInit = {}) =>
      (init.method ?? 'GET').toUpperCase() === 'REPORT'
        ? new Response('Service Unavailable', { status: 503, headers: { 'retry-after': '120', 'content-type': 'text/plain' } })
        : fetch(input, init)) as typeof fetch;
    const error = await providerError(api({ fetch: failing }).busy([calendarId], { start: at('2026-04-06T00:00:00Z'), end: at('2026-04-07T00:00:00Z') }));
    expect(error.kind).toBe('unavailable');
    expect(error.temporary).toBe(true);
    expect(error.details).toMatchObject({ status: 503, retryAfterMs: 120_000 });
  });

  it('a server that does not answer in time is `timeout`', async () => {
    const silent = await listen(() => {
      /* never answers */
    });
    try {
      const calendars = caldavCalendar({ serverUrl: silent.url, username: 'rita', password: 'secret', timeoutMs: 200 });
      expect((await providerError(calendars.listCalendars())).kind).toBe('timeout');
      expect((await providerError(calendars.busy([`${silent.url}cal/`], { start: at('2026-04-06T00:00:00Z'), end: at('2026-04-07T00:00:00Z') }))).kind).toBe('timeout');
    } finally {
      await close(silent.server);
    }
  });

  it('a stopped server is `unavailable`', async () => {
    const other = await startRadicale();
    try {
      const calendarId = await other.calendarUrl('work');
      const calendars = caldavCalendar({ serverUrl: other.url, username: other.username, password: other.password });
      expect((await calendars.listCalendars()).map((c) => c.id)).toContain(calendarId);
      await other.stop();
      const listed = await providerError(calendars.listCalendars());
      expect(listed.kind).toBe('unavailable');
      const busy = await providerError(calendars.busy([calendarId], { start: at('2026-04-06T00:00:00Z'), end: at('2026-04-07T00:00:00Z') }));
      expect(busy.kind).toBe('unavailable');
      expect(busy.temporary).toBe(true);
    } finally {
      await other.stop();
    }
  });
});
