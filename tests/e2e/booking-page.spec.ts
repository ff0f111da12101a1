import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, type Backend } from './fixtures';

/**
 * The candidate's pages as a candidate sees them: the month calendar with the day's times, the time
 * zone and 12/24-hour choices, the keyboard, the phone, the page without JavaScript, and axe-core on
 * every page. Screenshots of each page at desktop and phone width go to test-results/screenshots.
 */

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = path.resolve('test-results/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const DAY = 86_400_000;

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** A recruiter in New York (9–17, 30 days ahead) and a LinkedIn candidate's link with Jitsi video. */
async function bookingLink(backend: Backend, opts: { fullyBooked?: boolean } = {}): Promise<string> {
  const register = await fetch(`${backend.url}/api/auth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'rita@example.com', name: 'Rita Recruiter', password: 'correct horse battery', timeZone: 'America/New_York' }),
  });
  const { token } = (await register.json()) as { token: string };
  const api = async (p: string, json: unknown) => (await fetch(`${backend.url}/api${p}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(json),
  })).json() as Promise<Record<string, any>>;
  if (opts.fullyBooked) await api('/calendar/events', { start: new Date().toISOString(), end: new Date(Date.now() + 40 * DAY).toISOString(), summary: 'Away' });
  const { invitation } = await api('/invitations', { recipient: { key: 'linkedin:in:sofia-lindqvist', name: 'Sofia Lindqvist' }, video: 'jitsi' });
  return invitation.url as string;
}

const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function expectNoAxeViolations(page: Page, what: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  expect(violations, `axe-core on ${what}`).toEqual([]);
}

/** axe-core, no sideways scrolling, and a full-page screenshot, at desktop and at phone width. */
async function review(page: Page, name: string) {
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(size);
    expect(await sideways(page), `${name} scrolls sideways at ${size.width} px`).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, `${name} (${label})`);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

const addDays = (key: string, n: number) => new Date(Date.parse(`${key}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const weekday = (key: string) => new Date(`${key}T00:00:00Z`).getUTCDay();

test('the booking page: month calendar with the first free day chosen, zone change without reload, 12/24 h remembered, keyboard grid', async ({ backend, browser }) => {
  const link = await bookingLink(backend);
  const context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'Europe/Berlin', locale: 'en-US', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(link);

  await expect(page.getByRole('heading', { name: 'Book a time with Rita Recruiter', level: 1 })).toBeVisible();
  const facts = page.getByRole('list', { name: 'About the interview' });
  await expect(facts).toContainText('Interview');
  await expect(facts).toContainText('30 minutes');
  await expect(facts).toContainText('Jitsi Meet video call');
  // The browser's zone, applied without a reload; the zone goes into the URL.
  const zone = page.getByLabel('Time zone');
  await expect(zone).toHaveValue('Europe/Berlin');
  await expect(page).toHaveURL(/tz=Europe%2FBerlin/);
  await expect(page.getByRole('button', { name: 'Show times' })).toBeHidden();

  // The month grid: the first day with times is chosen, and its times are beside it.
  const grid = page.getByRole('grid');
  await expect(grid).toBeVisible();
  const open = grid.locator('td.open');
  const firstOpen = (await open.first().getAttribute('data-date'))!;
  await expect(grid.locator('[aria-selected="true"]')).toHaveAttribute('data-date', firstOpen);
  const slots = page.locator('a.slot');
  await expect(slots.first()).toHaveAttribute('href', /tz=Europe%2FBerlin/);
  // 9:00 New York is 15:00 in Berlin (both on winter or both on summer time, but for two weeks a year).
  await expect(slots.first()).toHaveText(/^\d{1,2}:\d{2} [AP]M$/);
  await review(page, 'booking');

  // Another zone: the times change in place.
  await page.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true; });
  const berlinFirst = await slots.first().innerText();
  await zone.fill('Asia/Tokyo');
  await expect(slots.first()).toHaveAttribute('href', /tz=Asia%2FTokyo/);
  await expect(page).toHaveURL(/tz=Asia%2FTokyo/);
  expect(await slots.first().innerText()).not.toBe(berlinFirst);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await expect(page.locator('#announce')).toContainText('Times are shown in Asia/Tokyo time');
  // A name that is no zone is refused, and the times stay.
  await zone.fill('Mars/Base');
  await zone.press('Enter');
  await expect(page.getByText('Choose a time zone from the list')).toBeVisible();
  await expect(zone).toHaveAttribute('aria-invalid', 'true');
  // A city or country typed and entered is enough; the zone picker finds it.
  await zone.fill('new york');
  await zone.press('Enter');
  await expect(zone).toHaveValue('America/New_York');
  await expect(zone).not.toHaveAttribute('aria-invalid', 'true');
  await zone.fill('Japan');
  await zone.press('Enter');
  await expect(zone).toHaveValue('Asia/Tokyo');
  await expect(slots.first()).toHaveAttribute('href', /tz=Asia%2FTokyo/);

  // 24-hour times, remembered across a reload.
  await page.getByRole('button', { name: '24h' }).click();
  await expect(slots.first()).toHaveText(/^\d{2}:\d{2}$/);
  await expect(page.getByRole('button', { name: '24h' })).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(page.getByRole('button', { name: '24h' })).toHaveAttribute('aria-pressed', 'true');
  await expect(slots.first()).toHaveText(/^\d{2}:\d{2}$/);
  await expect(zone).toHaveValue('Asia/Tokyo');
  await page.getByRole('button', { name: '12h' }).click();
  await expect(slots.first()).toHaveText(/^\d{1,2}:\d{2} [AP]M$/);

  // The keyboard: one tab stop in the grid, arrows move by day and week, Home/End to the week's ends,
  // PageDown/PageUp by month, Enter chooses.
  const selected = grid.locator('[aria-selected="true"]');
  const start = (await selected.getAttribute('data-date'))!;
  await expect(grid.locator('td[tabindex="0"]')).toHaveCount(1);
  await selected.focus();
  const focused = page.locator('td:focus');
  await page.keyboard.press('ArrowRight');
  await expect(focused).toHaveAttribute('data-date', addDays(start, 1));
  await page.keyboard.press('ArrowLeft');
  await expect(focused).toHaveAttribute('data-date', start);
  await page.keyboard.press('ArrowDown');
  await expect(focused).toHaveAttribute('data-date', addDays(start, 7));
  await page.keyboard.press('ArrowUp');
  await expect(focused).toHaveAttribute('data-date', start);
  await page.keyboard.press('End');
  const end = (await focused.getAttribute('data-date'))!;
  expect(weekday(end)).toBe(6); // en-US weeks run Sunday to Saturday
  await page.keyboard.press('Home');
  const home = (await focused.getAttribute('data-date'))!;
  expect(weekday(home) === 0 || home.endsWith('-01')).toBe(true);
  const month = await page.locator('#cal-month').innerText();
  await page.keyboard.press('PageDown');
  await expect(page.locator('#cal-month')).not.toHaveText(month);
  await expect(focused).toHaveAttribute('data-date', /.+/);
  await page.keyboard.press('PageUp');
  await expect(page.locator('#cal-month')).toHaveText(month);
  // Walk to the next day with times and choose it with Enter: its times show, and are announced.
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowRight'); // Sunday: New York has no hours at the weekend…
  await page.keyboard.press('ArrowRight'); // …Monday has.
  const monday = (await focused.getAttribute('data-date'))!;
  await expect(focused).toHaveClass(/open/);
  await page.keyboard.press('Enter');
  await expect(grid.locator('[aria-selected="true"]')).toHaveAttribute('data-date', monday);
  await expect(focused).toHaveAttribute('data-date', monday);
  const mondayLabel = new Date(`${monday}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
  await expect(page.locator('#times-heading')).toHaveText(mondayLabel);
  await expect(page.locator('#announce')).toContainText(new RegExp(`^${mondayLabel}: \\d+ times?, from \\d`));
  await expect(slots.first()).toHaveAttribute('aria-label', new RegExp(`^${mondayLabel} at `));
  // Focus is visible: on the grid's day, and on a time.
  await page.screenshot({ path: path.join(SHOTS, 'booking-keyboard-focus-desktop.png') });
  expect(await focused.evaluate((td) => getComputedStyle(td.firstElementChild!).outlineStyle)).toBe('solid');
  await slots.first().focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  expect(await slots.first().evaluate((a) => getComputedStyle(a).outlineStyle)).toBe('solid');

  // The month buttons.
  const shown = await page.locator('#cal-month').innerText();
  await page.getByRole('button', { name: 'Next month' }).click();
  await expect(page.locator('#cal-month')).not.toHaveText(shown);
  await page.getByRole('button', { name: 'Previous month' }).click();
  await expect(page.locator('#cal-month')).toHaveText(shown);

  await context.close();
});

test('on a phone: nothing scrolls sideways, the first times show without scrolling, the script runs under the page CSP', async ({ backend, browser }) => {
  const link = await bookingLink(backend);
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  let documents = 0;
  page.on('request', (r) => { if (r.resourceType() === 'document') documents++; });
  await page.goto(link);
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
  await expect(page.getByRole('grid')).toBeVisible();
  await expect(page.locator('a.slot').first()).toBeInViewport({ ratio: 1 });
  expect(await sideways(page)).toBeLessThanOrEqual(0);
  // en-GB: 24-hour times and Monday-first weeks, until the candidate says otherwise.
  await expect(page.locator('a.slot').first()).toHaveText(/^\d{2}:\d{2}$/);
  await expect(page.getByRole('columnheader').first()).toHaveAttribute('abbr', 'Monday');
  await page.screenshot({ path: path.join(SHOTS, 'booking-phone-first-screen.png') });
  // Choosing another day by touch brings its times into view.
  const other = page.locator('td.open[aria-selected="false"]').first();
  if (await other.count()) {
    await other.tap();
    await expect(page.locator('a.slot').first()).toBeInViewport();
  }
  expect(documents).toBe(1);
  expect(problems).toEqual([]);
  await context.close();
});

test('confirm, confirmation, join and reschedule pages: country code from the browser, the note only for "Custom", axe and screenshots', async ({ backend, browser }) => {
  const link = await bookingLink(backend);
  const context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'Europe/Berlin', locale: 'de-DE', bypassCSP: true });
  await context.route('https://meet.jit.si/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>Jitsi</title>' }));
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
  const first = page.locator('a.slot').first();
  const chosen = (await first.getAttribute('aria-label'))!;
  await first.click();

  await expect(page.getByRole('heading', { name: 'Confirm details' })).toBeVisible();
  await expect(page).toHaveTitle(/^Confirm .+ · Parley$/);
  await expect(page.getByText(/Talk with Rita Recruiter for 30 minutes on/)).toContainText(chosen.split(' at ')[0]!);
  await expect(page.getByLabel('Country code')).toHaveValue('DE');
  await expect(page.getByLabel('Your note')).toBeHidden();
  await page.getByLabel('Custom').check();
  await expect(page.getByLabel('Your note')).toBeVisible();
  await review(page, 'confirm');
  await page.getByLabel('No note').check();
  await expect(page.getByLabel('Your note')).toBeHidden();
  await page.getByLabel('Phone number').fill('030 1234567');
  await page.getByRole('button', { name: 'Confirm' }).click();

  await expect(page.getByRole('heading', { name: 'Your interview is scheduled' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Video interview' })).toBeVisible();
  await review(page, 'confirmation');

  const confirmation = page.url();
  await page.getByRole('link', { name: /\/j\// }).click();
  await expect(page.getByText(/The interview opens at/)).toBeVisible();
  await review(page, 'join');

  await page.goto(confirmation);
  await page.getByRole('link', { name: 'Reschedule' }).click();
  await expect(page.getByRole('heading', { name: 'Pick a new time with Rita Recruiter' })).toBeVisible();
  await expect(page.getByRole('grid')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Keep my current time' })).toHaveAttribute('href', /tz=Europe%2FBerlin/);
  await review(page, 'reschedule');
  await page.locator('a.slot').nth(1).click();
  await expect(page.getByRole('heading', { name: 'Move your interview?' })).toBeVisible();
  await review(page, 'reschedule-confirm');
  await page.getByRole('button', { name: 'Confirm new time' }).click();
  await expect(page.getByText('Your interview was moved')).toBeVisible();
  await context.close();
});

test('no times left: the page says how many days ahead it looked and where to reply', async ({ backend, browser }) => {
  const link = await bookingLink(backend, { fullyBooked: true });
  const context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'Europe/Berlin', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
  await expect(page.locator('.banner')).toHaveText('No times left in the next 30 days — reply to Rita Recruiter on LinkedIn to find another time.');
  await expect(page.getByRole('grid')).toBeHidden();
  await expect(page.locator('a.slot')).toHaveCount(0);
  await review(page, 'booking-empty');
  await context.close();
});

test('without JavaScript: the plain list of days, a zone form, and booking still works', async ({ backend, browser }) => {
  const link = await bookingLink(backend);
  const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false, timezoneId: 'Asia/Kolkata', locale: 'en-IN' });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Book a time with Rita Recruiter' })).toBeVisible();
  await expect(page.getByRole('grid')).toHaveCount(0);
  const days = page.getByRole('list', { name: 'Available times' }).locator('li.day');
  expect(await days.count()).toBeGreaterThan(10);
  // No script to detect the zone: the recruiter's, until the candidate picks theirs.
  const zone = page.getByLabel('Time zone');
  await expect(zone).toHaveValue('America/New_York');
  await zone.fill('Asia/Kolkata');
  await page.getByRole('button', { name: 'Show times' }).click();
  await expect(page).toHaveURL(/tz=Asia%2FKolkata/);
  await expect(zone).toHaveValue('Asia/Kolkata');
  await expect(page.locator('a.slot').first()).toHaveAttribute('href', /tz=Asia%2FKolkata/);
  await page.setViewportSize(PHONE);
  expect(await sideways(page)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(SHOTS, 'booking-nojs-phone.png') });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SHOTS, 'booking-nojs-desktop.png') });

  await page.locator('a.slot').first().click();
  await expect(page.getByRole('heading', { name: 'Confirm details' })).toBeVisible();
  await expect(page.getByLabel('Country code')).toHaveValue('IN');
  await expect(page.getByLabel('Your note')).toBeHidden();
  await page.getByLabel('Custom').check();
  await expect(page.getByLabel('Your note')).toBeVisible();
  await page.getByLabel('Your note').fill('See you then!');
  await page.getByLabel('Phone number').fill('98765 43210');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { name: 'Your interview is scheduled' })).toBeVisible();
  await expect(page.getByText('(Asia/Kolkata)')).toBeVisible();
  await context.close();
});
