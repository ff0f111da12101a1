import { startFakeLever } from '../fakes/lever';
import { expect, serveLinkedIn, signUpThroughOptions, startBackend, test } from './fixtures';

const PROFILE = '/in/oluwaseun-brandt/overlay/contact-info/';

test('profile → Export to ATS → posting → exactly one Lever opportunity despite a double click and a timeout → "In Lever" on the profile and in search → a note reaches Lever', async ({
  extensionContext: context, extensionId,
}) => {
  const lever = await startFakeLever();
  const backend = await startBackend({ LEVER_API_URL: `${lever.url}/v1`, LEVER_APP_URL: 'https://hire.lever.test', PROVIDER_TIMEOUT_MS: '1000' });
  try {
    const options = await signUpThroughOptions(context, extensionId, backend.url);
    await options.getByLabel('Lever API key').fill(lever.apiKey);
    await options.getByLabel('Lever user id to act as (perform_as)').fill(lever.users[0]!.id);
    await options.getByRole('button', { name: 'Connect Lever' }).click();
    await expect(options.getByText('Connected to Lever')).toBeVisible();

    // The search page lists the person we export (one result's member swapped for them).
    await serveLinkedIn(context, { [PROFILE]: 'profiles/linkedin-contact-info.html', '/search/results/people/': 'profiles/linkedin-search-results.html' },
      (name, html) => (name.includes('search') ? html.replaceAll('yuki-tanaka-hofmann', 'oluwaseun-brandt') : html));

    const page = await context.newPage();
    await page.goto(`https://www.linkedin.com${PROFILE}`);
    await expect(page.locator('parley-export-to-ats')).toBeAttached();
    // Close the contact-info overlay the way LinkedIn does (the page behind it is aria-hidden while it is open).
    await page.evaluate(() => {
      document.getElementById('artdeco-modal-outlet')?.remove();
      document.querySelector('.application-outlet')?.removeAttribute('aria-hidden');
      history.pushState({}, '', '/in/oluwaseun-brandt/');
    });
    const exportButton = page.getByRole('button', { name: 'Export to ATS' });
    await expect(exportButton).toBeEnabled();
    await exportButton.click();
    const panel = page.getByRole('dialog', { name: 'Export to ATS' });
    await expect(panel.getByLabel('E-mail')).not.toHaveValue('');
    const posting = lever.postings.find((p) => p.state === 'published' && p.text.startsWith('Data Engineer'))!;
    await panel.getByLabel('Search postings').fill('Data Engineer');
    await panel.getByLabel('Posting', { exact: true }).selectOption(posting.id);

    // The first create answers too late (Lever still makes it); the Export button is double-clicked.
    lever.fault({ method: 'POST', path: /\/opportunities$/, times: 1 }, { delayMs: 2500 });
    await panel.getByRole('button', { name: 'Export to Lever' }).dblclick();
    const inLever = page.getByRole('link', { name: 'In Lever' });
    await expect(inLever).toBeVisible({ timeout: 30_000 });
    await expect(inLever).toHaveAttribute('href', /^https:\/\/hire\.lever\.test\/candidates\//);
    const email = lever.opportunities()[0]?.emails[0];
    expect(email).toBeTruthy();
    await expect.poll(() => lever.opportunities().length).toBe(1);
    expect(lever.opportunities()[0]).toMatchObject({ name: 'Oluwaseun Brandt', origin: 'sourced', postings: [posting.id] });

    // Search results: the badge comes from the extension's cache.
    const search = await context.newPage();
    await search.goto('https://www.linkedin.com/search/results/people/?keywords=data%20engineer');
    await expect(search.getByRole('link', { name: 'In Lever' })).toHaveCount(1);

    // A note typed in Parley reaches Lever.
    await page.getByRole('button', { name: 'Notes' }).click();
    const notes = page.getByRole('dialog', { name: 'Notes' });
    await notes.getByLabel('New note').fill('Great systems-design answers; move to onsite.');
    await notes.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => lever.opportunities()[0]!.notes.map((n) => n.value).join('\n'), { timeout: 20_000 }).toContain('Great systems-design answers');
    expect(lever.opportunities()).toHaveLength(1);
  } finally {
    await backend.stop();
    await lever.close();
  }
});
