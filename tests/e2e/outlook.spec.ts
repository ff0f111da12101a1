import type { BrowserContext } from '@playwright/test';
import { OUTLOOK_MATCHES } from '../../lib/sites/outlook';
import { expect, fixture, launchWithGrants, signUpThroughOptions, test as base, workerOf } from './fixtures';

// Outlook access is an optional host permission: the recruiter turns Outlook on, the browser asks, and
// once it is granted the background registers the Outlook content script. The test starts from a profile
// where that "Allow" is recorded (launchWithGrants); everything after the prompt is the real extension.

/** The extension APIs this test calls in the service worker (the repo has no @types/chrome). */
declare const chrome: {
  permissions: { contains(permissions: { origins: string[] }): Promise<boolean> };
  scripting: { getRegisteredContentScripts(): Promise<{ id: string; js?: string[]; matches?: string[] }[]> };
};

const test = base.extend<{ extensionContext: BrowserContext }>({
  extensionContext: async ({}, use) => {
    const { context } = await launchWithGrants(OUTLOOK_MATCHES);
    await use(context);
    await context.close();
  },
});

/** The permission is granted and the background registered the Outlook script for it, on its own. */
async function expectOutlookScriptRegistered(context: BrowserContext) {
  const worker = await workerOf(context);
  expect(await worker.evaluate((origins) => chrome.permissions.contains({ origins }), OUTLOOK_MATCHES)).toBe(true);
  await expect
    .poll(async () => {
      const script = (await worker.evaluate(() => chrome.scripting.getRegisteredContentScripts())).find((s) => s.id === 'outlook');
      return script && { js: script.js, matches: [...(script.matches ?? [])].sort() };
    })
    .toEqual({ js: ['content-scripts/outlook.js'], matches: [...OUTLOOK_MATCHES].sort() });
}

/** Serves fixture pages at Outlook's real URLs; everything else Outlook would load stays offline. */
async function serveOutlook(context: BrowserContext, pages: Record<string, string>) {
  await context.route('https://outlook.office.com/**', async (route) => {
    const name = pages[new URL(route.request().url()).pathname];
    if (!name) return route.fulfill({ status: 404, body: 'not in fixtures' });
    await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: fixture(name) });
  });
  await context.route(/^https:\/\/(?!outlook\.office\.com\/)/, (route) => route.abort());
}

const MESSAGE = '/mail/inbox/id/AAQkADA3ZmM2YjU0LTk0ZWYtNDNmNi1hMzQ4LTU0ZmE0YjJjOTRhZQAQAGz%2B9wJb5lZLgTw7iNn2ud8%3D';

test('Outlook reply in the reading pane: one control, Insert types the link for the candidate, Send enables', async ({
  extensionContext: context, extensionId, backend,
}) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  await expectOutlookScriptRegistered(context);
  await serveOutlook(context, { [MESSAGE]: 'outlook/reading-pane-reply.html' });

  const page = await context.newPage();
  await page.goto(`https://outlook.office.com${MESSAGE}`);
  const compose = page.locator('[data-fixture-composer]');
  const share = page.getByRole('button', { name: 'Share availability' });
  await expect(share).toHaveCount(1);
  await expect(compose.getByRole('button', { name: 'Share availability' })).toHaveCount(1);
  // None for the read-only messages above the reply.
  await expect(page.locator('.readItem').getByRole('button', { name: 'Share availability' })).toHaveCount(0);

  const body = page.getByRole('textbox', { name: /^Message body/ });
  const send = compose.getByRole('button', { name: 'Send', exact: true });
  await expect(send).toBeDisabled();
  await body.click();
  await page.keyboard.type('Hi Camille, here are some times: ');
  await share.click();
  // Three people in To: the popover asks who the link is for, the candidate (first outside the account's
  // domain) chosen, the colleague in front of them last.
  const dialog = page.getByRole('dialog', { name: 'Share availability' });
  const forWhom = dialog.getByRole('combobox', { name: 'For' });
  await expect(forWhom).toHaveValue('email:camille.dufresne@proton.example');
  await expect(forWhom.locator('option')).toHaveText([/^Camille Dufresne-Okoro/, /^Léon Mercier/, /^Jonas Brandt/]);
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(body).toContainText(/Hi Camille, here are some times: View my availability: http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}/);
  await expect(send).toBeEnabled();
  // The toolbar was re-rendered on the first input: still exactly one control.
  await expect(share).toHaveCount(1);

  const invitations = await backend.parley.deps.db.query<{ recipient_key: string; recipient_name: string | null }>(
    'select recipient_key, recipient_name from invitations',
  );
  expect(invitations).toEqual([{ recipient_key: 'email:camille.dufresne@proton.example', recipient_name: 'Camille Dufresne-Okoro' }]);
});
