import { startFakeGoogle } from '../fakes/google';
import { startFakeMicrosoft } from '../fakes/microsoft';
import { expect, signUpThroughOptions, startBackend, test } from './fixtures';

test('connect Google through launchWebAuthFlow → its busy time leaves the booking page → booking lands in Google exactly once though the first create timed out', async ({
  extensionContext: context, extensionId, browser,
}) => {
  const google = await startFakeGoogle();
  const backend = await startBackend({
    GOOGLE_CLIENT_ID: google.clientId, GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_AUTH_URL: `${google.url}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${google.url}/token`, GOOGLE_REVOKE_URL: `${google.url}/revoke`,
    GOOGLE_USERINFO_URL: `${google.url}/v1/userinfo`, GOOGLE_CALENDAR_URL: `${google.url}/calendar/v3`, PROVIDER_TIMEOUT_MS: '1500',
  });
  try {
    const options = await signUpThroughOptions(context, extensionId, backend.url);
    await options.getByRole('button', { name: 'Connect Google Calendar' }).click();
    const connection = options.getByLabel('Google Calendar recruiter@example.com');
    await expect(connection).toBeVisible();
    await expect(connection.getByText(/Synced|Connected/)).toBeVisible();
    await expect(connection.getByRole('radio', { name: 'Add interviews here' }).first()).toBeChecked();
    // The authorization request carried PKCE and a state the background checked.
    const authorize = google.requests.find((r) => r.path === '/o/oauth2/v2/auth')!;
    expect(authorize.query).toMatchObject({ code_challenge_method: 'S256', response_type: 'code', redirect_uri: `https://${extensionId}.chromiumapp.org/` });
    expect(authorize.query.state).toMatch(/^[A-Za-z0-9_-]{32}$/);

    // A link for a candidate, from the demo conversation.
    const demo = await context.newPage();
    await demo.goto(`${backend.url}/demo/messaging`);
    const editor = demo.locator('[contenteditable="true"][role="textbox"]').first();
    await editor.click();
    await demo.getByRole('button', { name: 'Share availability' }).first().click();
    await demo.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
    await expect(editor).toContainText('View my availability:');
    const link = (await editor.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];

    const candidate = await (await browser.newContext({ timezoneId: 'America/Sao_Paulo' })).newPage();
    await candidate.goto(link);
    const firstStart = new URL((await candidate.locator('a.slot').first().getAttribute('href'))!, backend.url).searchParams.get('start')!;

    // The recruiter's own meeting in Google takes that time: the booking page no longer offers it.
    google.addEvent(google.primaryCalendarId(), { start: Date.parse(firstStart), end: Date.parse(firstStart) + 3_600_000, summary: 'Pipeline review' });
    await candidate.reload();
    const nextStart = new URL((await candidate.locator('a.slot').first().getAttribute('href'))!, backend.url).searchParams.get('start')!;
    expect(Date.parse(nextStart)).toBeGreaterThanOrEqual(Date.parse(firstStart) + 3_600_000);

    // The first create answers too late (Google applies it anyway); the retry must not make a second event.
    google.fault({ method: 'POST', path: /\/events$/, times: 1 }, { delayMs: 3000 });
    await candidate.locator('a.slot').first().click();
    await candidate.getByLabel('Country code').selectOption('BR');
    await candidate.getByLabel('Phone number').fill('11 91234-5678');
    await candidate.getByRole('button', { name: 'Confirm' }).click();
    await expect(candidate.getByRole('heading', { name: 'Your interview is scheduled' })).toBeVisible();

    const interviews = () => google.events(google.primaryCalendarId()).filter((e) => e.summary.startsWith('Interview:') && e.status !== 'cancelled');
    await expect.poll(() => interviews().length, { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await backend.parley.deps.db.query(`select 1 from jobs where kind = 'calendar.sync' and done_at is not null`)).length, { timeout: 20_000 }).toBe(1);
    expect(interviews()).toHaveLength(1);
    expect(Date.parse(interviews()[0]!.start)).toBe(Date.parse(nextStart));
  } finally {
    await backend.stop();
    await google.close();
  }
});

test('a Microsoft tenant that needs admin consent: the options page says what happened and what to do', async ({ extensionContext: context, extensionId }) => {
  const microsoft = await startFakeMicrosoft({ email: 'rita@contoso.example' });
  microsoft.authorizeError = { error: 'access_denied', description: 'AADSTS65001: The user or administrator has not consented to use the application.' };
  const backend = await startBackend({
    MICROSOFT_CLIENT_ID: microsoft.clientId, MICROSOFT_CLIENT_SECRET: microsoft.clientSecret,
    MICROSOFT_AUTHORITY: `${microsoft.url}/common`, MICROSOFT_GRAPH_URL: `${microsoft.url}/v1.0`,
  });
  try {
    const options = await signUpThroughOptions(context, extensionId, backend.url);
    await expect(options.getByRole('button', { name: 'Connect Google Calendar' })).toBeDisabled(); // not configured on this server
    await options.getByRole('button', { name: 'Connect Microsoft 365' }).click();
    const alert = options.getByRole('alert');
    await expect(alert).toContainText('Your administrator needs to approve Parley');
    await expect(alert).toContainText('What to do:');

    // Once the admin consents, the same button connects.
    microsoft.authorizeError = undefined;
    await options.getByRole('button', { name: 'Connect Microsoft 365' }).click();
    await expect(options.getByLabel('Microsoft 365 rita@contoso.example')).toBeVisible();
    await expect(options.getByRole('alert')).toHaveCount(0);
  } finally {
    await backend.stop();
    await microsoft.close();
  }
});
