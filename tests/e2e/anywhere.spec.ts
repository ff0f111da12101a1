import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, extensionWithHosts, launchExtension, signUpThroughOptions, startBackend, test } from './fixtures';

const FORUM = 'https://forum.example.test/messages/new';

/** What a click on the context menu item does, for the frame the recruiter right-clicked in. */
async function menu(context: BrowserContext, item: 'parley-share' | 'parley-video') {
  const worker = context.serviceWorkers()[0]!;
  await worker.evaluate(async ({ item, url }) => {
    const { chrome } = globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id: number; url: string }[]> } } };
    const [tab] = await chrome.tabs.query({ url });
    const open = (globalThis as unknown as { parleyOpenAnywhere: (info: object, tab: object) => Promise<void> }).parleyOpenAnywhere;
    await open({ menuItemId: item, frameId: 0, editable: true, pageUrl: tab!.url }, tab!);
  }, { item, url: `${FORUM}*` });
}

async function api(backendUrl: string, path: string) {
  const login = await fetch(`${backendUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rita@example.com', password: 'correct horse battery' }) });
  const { token } = (await login.json()) as { token: string };
  return (await (await fetch(`${backendUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, any>;
}

test('the context menu on a site Parley does not know: a text area, a rich editor, and one that refuses typed text', async () => {
  test.setTimeout(90_000);
  const backend = await startBackend();
  // The menu click's activeTab grant cannot be clicked in headless Chromium: this page's host is granted instead.
  const { context, extensionId } = await launchExtension(extensionWithHosts(['https://forum.example.test/*']));
  try {
    await signUpThroughOptions(context, extensionId, backend.url);
    await context.route('https://forum.example.test/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: readFileSync('tests/fixtures/anywhere/forum.html', 'utf8') }));
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(FORUM);

    // Nothing is added to a page Parley has no adapter for until the recruiter asks.
    await expect(page.locator('parley-anywhere')).toHaveCount(0);

    // A plain text area, caret at the end of the draft.
    await page.locator('#plain').click();
    await page.keyboard.press('End');
    await menu(context, 'parley-share');
    const dialog = page.getByRole('dialog', { name: 'Parley: Share availability' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Who is this for?').fill('jane.doe@example.com');
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.locator('#plain')).toHaveValue(/^Hi Jane, View my availability: http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}$/);
    const invitations = (await api(backend.url, '/api/invitations')).invitations as { recipient: { key: string } }[];
    expect(invitations.map((i) => i.recipient.key)).toEqual(['email:jane.doe@example.com']);

    // A rich editor: the same person is suggested, and their link is reused.
    await page.locator('#rich p').click();
    await page.keyboard.press('End');
    await menu(context, 'parley-share');
    await expect(dialog.locator('datalist option')).toHaveCount(1);
    await dialog.getByLabel('Who is this for?').fill('email:jane.doe@example.com');
    await dialog.getByRole('button', { name: 'Insert' }).click();
    const plainLink = (await page.locator('#plain').inputValue()).match(/http:\S+/)![0];
    await expect(page.locator('#rich')).toContainText(`View my availability: ${plainLink}`);
    await expect(page.locator('#rich')).toContainText(/^Hello again,\s?View my availability/);

    // An editor that throws typed text away: the recruiter is told, and gets the link to paste.
    await page.locator('#locked p').click();
    await menu(context, 'parley-share');
    await dialog.getByLabel('Who is this for?').fill('Sam Smith');
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await expect(dialog.getByText(/did not accept typed text/)).toBeVisible();
    await expect(page.locator('#locked')).toHaveText('Read me');
    const keys = ((await api(backend.url, '/api/invitations')).invitations as { recipient: { key: string; name?: string } }[]).map((i) => i.recipient);
    expect(keys).toContainEqual({ key: 'web:forum.example.test:sam-smith', name: 'Sam Smith' });

    // "Add video link" for someone with no interview yet offers to create one.
    await page.locator('#plain').click();
    await menu(context, 'parley-video');
    const video = page.getByRole('dialog', { name: 'Parley: Add video link' });
    await video.getByLabel('Who is this for?').fill('jane.doe@example.com');
    await video.getByRole('button', { name: 'Insert' }).click();
    await expect(video.getByText('No interview is booked with this person yet')).toBeVisible();
    await video.getByRole('button', { name: 'Close' }).click();
    await expect(video).toBeHidden();
    expect(errors.filter((e) => !e.includes('favicon'))).toEqual([]);
  } finally {
    await context.close();
    await backend.stop();
  }
});
