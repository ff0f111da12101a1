import ICAL from 'ical.js';
import { startFakeGoogle } from '../fakes/google';
import { startRadicale } from '../support/radicale';
import { videoFor } from '../../server/video';
import { expect, serveLinkedIn, signUpThroughOptions, startBackend, test } from './fixtures';

/** Every VEVENT of a Radicale calendar, read with a plain CalDAV REPORT. */
async function caldavEvents(calendarUrl: string, username: string, password: string) {
  const response = await fetch(calendarUrl, {
    method: 'REPORT',
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`, depth: '1', 'content-type': 'application/xml; charset=utf-8' },
    body: '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
      '<D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>',
  });
  const xml = await response.text();
  return [...xml.matchAll(/<(?:\w+:)?calendar-data[^>]*>([\s\S]*?)<\/(?:\w+:)?calendar-data>/g)]
    .map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#13;/g, '\r').replace(/&amp;/g, '&'))
    .flatMap((data) => new ICAL.Component(ICAL.parse(data) as unknown[]).getAllSubcomponents('vevent'))
    .map((e) => ({ start: e.getFirstPropertyValue('dtstart')!.toString(), startMs: (e.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime(), description: String(e.getFirstPropertyValue('description') ?? '') }));
}

test('a panel: interviewers connect Google and CalDAV from their one-time links → Insert a template from a LinkedIn composer → the candidate books a back-to-back loop → each calendar holds one event with its own join link → reschedule moves them, links unchanged', async ({
  extensionContext: context, extensionId, browser,
}) => {
  test.setTimeout(120_000);
  const google = await startFakeGoogle();
  const radicale = await startRadicale();
  const calUrl = await radicale.calendarUrl('interviews');
  const backend = await startBackend({
    GOOGLE_CLIENT_ID: google.clientId, GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_AUTH_URL: `${google.url}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${google.url}/token`, GOOGLE_REVOKE_URL: `${google.url}/revoke`,
    GOOGLE_USERINFO_URL: `${google.url}/v1/userinfo`, GOOGLE_CALENDAR_URL: `${google.url}/calendar/v3`,
  });
  try {
    await signUpThroughOptions(context, extensionId, backend.url);
    const api = async (path: string, init: { method?: string; json?: unknown } = {}) => {
      const login = await fetch(`${backend.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rita@example.com', password: 'correct horse battery' }) });
      const { token } = (await login.json()) as { token: string };
      const res = await fetch(`${backend.url}${path}`, {
        method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(init.json ? { body: JSON.stringify(init.json) } : {}),
      });
      return (await res.json()) as Record<string, any>;
    };

    // Two interviewers; each gets a one-time link by mail and shares their calendar through it.
    const gina = (await api('/api/panels/interviewers', { method: 'POST', json: { name: 'Gina Google', email: 'gina@example.com' } })).interviewer;
    const carl = (await api('/api/panels/interviewers', { method: 'POST', json: { name: 'Carl Caldav', email: 'carl@example.com' } })).interviewer;
    const inviteOf = async (to: string) => {
      await expect.poll(() => backend.outbox.some((m) => m.to === to), { timeout: 15_000 }).toBe(true);
      return /http:\/\/\S+\/i\/[A-Za-z0-9_-]{32}/.exec(backend.outbox.find((m) => m.to === to)!.text)![0];
    };
    const page = await browser.newPage();
    await page.goto(await inviteOf('gina@example.com'));
    await expect(page.getByRole('heading', { name: 'When can you interview, Gina Google?' })).toBeVisible();
    await page.getByRole('link', { name: 'Connect Google Calendar' }).click();
    await expect(page.getByRole('heading', { name: 'You are all set' })).toBeVisible();
    await page.goto(await inviteOf('carl@example.com'));
    await page.getByText('Another calendar').click();
    await page.getByLabel('Server address').fill(radicale.url);
    await page.getByLabel('User name').fill(radicale.username);
    await page.getByLabel('App password').fill(radicale.password);
    await page.getByRole('button', { name: 'Connect calendar' }).click();
    await expect(page.getByRole('heading', { name: 'You are all set' })).toBeVisible();
    const statuses = (await api('/api/panels/interviewers')).interviewers.map((p: any) => p.status);
    expect(statuses).toEqual(['calendar', 'calendar']);

    const template = (await api('/api/panels/templates', {
      method: 'POST',
      json: {
        name: 'Onsite loop', shape: 'sequence', order: 'fixed', gapMinutes: 15, video: 'jitsi',
        message: 'Hi {candidate_first_name}, the next step is our {interview_name} ({duration}): {booking_link}',
        sessions: [
          { name: 'System design', durationMinutes: 60, interviewers: [gina.id], pool: [] },
          { name: 'Coding', durationMinutes: 45, interviewers: [carl.id], pool: [] },
        ],
      },
    })).template;
    expect(template.pending).toEqual([]);

    // The recruiter inserts the template's message from a LinkedIn thread.
    await serveLinkedIn(context, { '/messaging/thread/': 'messaging-thread.html' });
    const thread = await context.newPage();
    await thread.goto('https://www.linkedin.com/messaging/thread/2-abc/');
    const editor = thread.locator('[contenteditable="true"][role="textbox"]').first();
    await editor.click();
    await thread.getByRole('button', { name: 'Share availability' }).first().click();
    const dialog = thread.getByRole('dialog', { name: 'Share availability' });
    const choice = dialog.getByLabel('Interview');
    const option = await choice.locator('option', { hasText: 'Onsite loop' }).getAttribute('value');
    await choice.selectOption(option!);
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await expect(editor).toContainText('the next step is our Onsite loop (2 h):');
    const link = (await editor.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];

    // The candidate, in Kolkata, books the first loop.
    const candidate = await (await browser.newContext({ timezoneId: 'Asia/Kolkata' })).newPage();
    await candidate.goto(link);
    await expect(candidate.getByRole('list', { name: 'Sessions' })).toContainText('System design');
    await candidate.locator('a.slot').first().click();
    await candidate.getByLabel('Phone number').fill('098765 43210');
    await candidate.getByLabel('Country code').selectOption('IN');
    await candidate.getByRole('button', { name: 'Confirm' }).click();
    await expect(candidate.getByRole('heading', { name: 'Your interview is scheduled' })).toBeVisible();
    await expect(candidate.getByRole('list', { name: 'Your sessions' })).toContainText('Coding');

    const links = async () => backend.parley.deps.db.query<{ email: string; token_hash: string }>(`select email, token_hash from join_links where role = 'interviewer' order by email`);
    const seat = async (email: string) => (await backend.parley.deps.db.query<{ starts_at: Date }>(`select starts_at from panel_participants where email = $1 and active`, [email]))[0]!.starts_at.getTime();
    const joinUrl = async (email: string) => {
      const [booking] = await backend.parley.deps.db.query<{ id: string }>(`select id from bookings`);
      const video = await videoFor(backend.parley.deps, booking!.id);
      return video!.links.find((l) => l.email === email)!.url;
    };
    const ginaEvents = () => google.events(google.primaryCalendarId()).filter((e) => e.status !== 'cancelled');
    await expect.poll(() => ginaEvents().length, { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await caldavEvents(calUrl, radicale.username, radicale.password)).length, { timeout: 30_000 }).toBe(1);
    const ginaJoin = await joinUrl('gina@example.com');
    const carlJoin = await joinUrl('carl@example.com');
    expect(ginaEvents()[0]!.description).toContain(ginaJoin);
    expect(ginaEvents()[0]!.description).not.toContain(carlJoin);
    const carlEvent = (await caldavEvents(calUrl, radicale.username, radicale.password))[0]!;
    expect(carlEvent.description).toContain(carlJoin);
    expect(carlEvent.description).not.toContain(ginaJoin);
    expect(Date.parse(ginaEvents()[0]!.start)).toBe(await seat('gina@example.com'));
    expect(carlEvent.startMs).toBe(await seat('carl@example.com'));
    const before = await links();

    // The candidate moves the loop to the next day's first time: both events move, links stay.
    await candidate.getByRole('link', { name: 'Reschedule' }).click();
    const firstNow = await candidate.locator('a.slot').first().getAttribute('href');
    // The next day with times in the calendar (this month's, or the next month's).
    await expect(candidate.getByRole('grid')).toBeVisible();
    const laterDays = candidate.getByRole('grid').locator('td.open[aria-selected="false"]');
    if ((await laterDays.count()) === 0) await candidate.getByRole('button', { name: 'Next month' }).click();
    await laterDays.first().click();
    const nextDay = candidate.locator('a.slot').first();
    await expect(nextDay).not.toHaveAttribute('href', firstNow!);
    await nextDay.click();
    await candidate.getByRole('button', { name: 'Confirm new time' }).click();
    await expect(candidate.getByText('Your interview was moved')).toBeVisible();
    const ginaSeat = await seat('gina@example.com');
    const carlSeat = await seat('carl@example.com');
    await expect.poll(() => Date.parse(ginaEvents()[0]?.start ?? ''), { timeout: 30_000 }).toBe(ginaSeat);
    await expect.poll(async () => (await caldavEvents(calUrl, radicale.username, radicale.password))[0]?.startMs, { timeout: 30_000 }).toBe(carlSeat);
    expect(ginaEvents()).toHaveLength(1);
    expect(await caldavEvents(calUrl, radicale.username, radicale.password)).toHaveLength(1);
    expect(await links()).toEqual(before);
    expect(ginaEvents()[0]!.description).toContain(ginaJoin);
  } finally {
    await backend.stop();
    await google.close();
    await radicale.stop();
  }
});
