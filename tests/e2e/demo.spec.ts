import type { ConsoleMessage, Page } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, signUpThroughOptions, test } from './fixtures';

/** Every console error and uncaught exception of a page (a blocked style or script shows up here). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test('the demo page runs under its own policy: no console error, a visible message box, Insert enables Send', async ({
  extensionContext: context, extensionId, backend,
}) => {
  const options = await signUpThroughOptions(context, extensionId, backend.url);
  // The settings name the backend the session really uses, not the one the form started with.
  await expect(options.getByText(`Signed in as Rita Recruiter (rita@example.com) on ${backend.url}`)).toBeVisible();
  // A backend without Google or Microsoft apps: the greyed buttons say why, and what the admin sets.
  await expect(options.getByRole('button', { name: 'Connect Google Calendar' })).toBeDisabled();
  await expect(options.getByRole('button', { name: 'Connect Google Calendar' })).toHaveAccessibleDescription(/sets GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET/);
  await expect(options.getByText(/Microsoft 365 is not set up on this Parley server: its admin sets MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET/)).toBeVisible();
  const page = await context.newPage();
  const errors = consoleErrors(page);
  const response = await page.goto(`${backend.url}/demo/messaging`);
  // Its style and scripts are files from its own origin: no inline code, no nonce, nothing else allowed.
  const csp = response!.headers()['content-security-policy']!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  for (const file of ['demo.css', 'editor-emulation.js', 'demo.js']) {
    const res = await page.request.get(`${backend.url}/demo/${file}`);
    expect(res.status(), file).toBe(200);
    expect(res.headers()['content-type'], file).toMatch(file.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
  }

  // The page's own style applied: the banner is dark, the message box a visible box.
  await expect(page.getByRole('note')).toHaveCSS('background-color', 'rgb(31, 58, 95)');
  const thread = page.locator('.msg-thread form.msg-form');
  const editor = thread.locator('[contenteditable="true"][role="textbox"]');
  await expect(editor).toBeVisible();
  expect((await editor.boundingBox())!.height).toBeGreaterThanOrEqual(60);
  const send = thread.getByRole('button', { name: 'Send' });
  await expect(send).toBeDisabled();

  await editor.click();
  await page.keyboard.type('Hi Amara! ');
  const share = thread.getByRole('button', { name: 'Share availability' });
  await share.click();
  await page.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(editor).toContainText(`Hi Amara! View my availability: ${backend.url}/b/`);
  // The editor emulation saw real input events: Send is enabled, and the re-rendered footer keeps one control.
  await expect(send).toBeEnabled();
  await expect(share).toHaveCount(1);
  // "Sending" on the demo only shows the message locally.
  await send.click();
  await expect(page.getByText(/View my availability: .*\(demo: not sent\)/)).toBeVisible();
  await expect(send).toBeDisabled();

  expect(errors).toEqual([]);
});

test('after a booking from the demo, the popup shows the interview with its zone, in 13 px text or larger', async ({
  extensionContext: context, extensionId, backend,
}) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  const page = await context.newPage();
  await page.goto(`${backend.url}/demo/messaging`);
  const editor = page.locator('.msg-thread [contenteditable="true"][role="textbox"]');
  await editor.click();
  await page.locator('.msg-thread').getByRole('button', { name: 'Share availability' }).click();
  await page.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  // Insert answers after the backend has made the link: wait for the text before reading it.
  await expect(editor).toContainText(/View my availability: http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/);
  const link = (await editor.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];

  // The candidate books through the link's JSON answers (the booking page has its own specs).
  const { slots } = (await (await page.request.get(`${link}/slots?tz=Europe/Lisbon`)).json()) as { slots: { start: string }[] };
  const booked = await page.request.post(`${link}/book`, {
    data: { start: slots[0]!.start, timeZone: 'Europe/Lisbon', name: 'Amara Okafor-Lindgren', country: 'PT', phone: '912 345 678' },
  });
  expect(booked.status()).toBe(201);

  const popup = await context.newPage();
  const errors = consoleErrors(popup);
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const item = popup.getByRole('list', { name: 'Upcoming interviews' }).getByRole('listitem').filter({ hasText: 'Amara Okafor-Lindgren' });
  await expect(item).toBeVisible();
  // The interview line names its zone, as the activity line does.
  await expect(item.locator('time')).toHaveText(/^\w{3}, \w{3} \d{1,2} · \d{1,2}:\d{2} [AP]M–\d{1,2}:\d{2} [AP]M \S+$/);
  const sizes = await popup.evaluate(() => [...document.querySelectorAll('body, main, p, span, li, time, button')].map((e) => parseFloat(getComputedStyle(e).fontSize)));
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(13);
  expect(errors).toEqual([]);
});

test('sign-up checks its fields before sending anything, and an unreachable backend points to the address', async ({ extensionContext: context, extensionId }) => {
  // A stand-in backend that counts what reaches it.
  let hits = 0;
  const server = createServer((_req, res) => { hits += 1; res.writeHead(503).end(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const counted = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/options.html`);
    await page.getByRole('button', { name: 'New to Parley? Create an account' }).click();
    await page.getByText('Backend', { exact: true }).click();
    await page.getByLabel('Parley backend address').fill(counted);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('Enter your name')).toBeVisible();
    await expect(page.getByText('Enter your work e-mail')).toBeVisible();
    await expect(page.getByText('Use at least 10 characters')).toBeVisible();
    await expect(page.getByLabel('Your name')).toBeFocused();
    await page.getByLabel('Your name').fill('Rita Recruiter');
    await page.getByLabel('Work e-mail').fill('rita@example');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('Enter a valid email address')).toBeVisible();
    await expect(page.getByText('Use at least 10 characters')).toBeVisible();
    expect(hits).toBe(0);

    // A complete form is sent.
    await page.getByLabel('Work e-mail').fill('rita@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('alert')).toContainText("Parley's backend answered 503");
    expect(hits).toBe(1);

    // Nothing listens at the address: the message says where the address is, and shows it.
    await page.getByLabel('Parley backend address').fill('http://127.0.0.1:9');
    await page.getByText('Backend', { exact: true }).click(); // folded away again
    await page.getByRole('button', { name: 'Create account' }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText("Can't reach Parley's backend at http://127.0.0.1:9.");
    await expect(alert).toContainText('change the address under “Backend” below');
    await expect(page.getByLabel('Parley backend address')).toBeVisible();
    expect(hits).toBe(1);
  } finally {
    server.close();
  }
});
