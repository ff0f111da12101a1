import type { BrowserContext, Worker } from '@playwright/test';
import { OUTLOOK_MATCHES } from '../../lib/sites/outlook';
import { expect, extensionWithHosts, fixture, launchExtension, signUpThroughOptions, test as base } from './fixtures';

// Outlook access is an optional host permission, granted by the recruiter in a browser prompt. Headless
// Chromium offers no way for a test to answer that prompt: `permissions.request` (with a user gesture)
// never settles, `--apps-gallery-install-auto-confirm-for-tests=accept` does not apply to it, and
// chrome://extensions' `developerPrivate.addHostPermission` only re-grants withheld *required* hosts.
// Registering the script without the permission succeeds, but Chromium then never injects it. So the test
// loads a copy of the built extension whose manifest holds the Outlook origins as granted host
// permissions (what the browser records once the recruiter accepts the prompt) and registers the content
// script from the service worker as the background does.

/** The extension APIs this test calls in the service worker (the repo has no @types/chrome). */
declare const chrome: {
  permissions: { contains(permissions: { origins: string[] }): Promise<boolean> };
  scripting: {
    getRegisteredContentScripts(): Promise<{ id: string }[]>;
    registerContentScripts(scripts: { id: string; js: string[]; matches: string[]; runAt: string; persistAcrossSessions: boolean }[]): Promise<void>;
  };
};

const test = base.extend<{ extensionContext: BrowserContext }>({
  extensionContext: async ({}, use) => {
    const { context } = await launchExtension(extensionWithHosts(OUTLOOK_MATCHES));
    await use(context);
    await context.close();
  },
});

/** Registers the Outlook content script as the background does once access is granted (idempotent). */
async function registerOutlookScript(worker: Worker): Promise<void> {
  const granted = await worker.evaluate((origins) => chrome.permissions.contains({ origins }), OUTLOOK_MATCHES);
  expect(granted).toBe(true);
  await expect
    .poll(() =>
      worker.evaluate(async (matches) => {
        const registered = await chrome.scripting.getRegisteredContentScripts();
        if (registered.some((s) => s.id === 'outlook')) return 'registered';
        try {
          await chrome.scripting.registerContentScripts([{ id: 'outlook', js: ['content-scripts/outlook.js'], matches, runAt: 'document_idle', persistAcrossSessions: true }]);
        } catch {
          // The background registered it at the same moment: the next poll sees it.
        }
        return 'pending';
      }, OUTLOOK_MATCHES),
    )
    .toBe('registered');
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
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  await registerOutlookScript(worker);
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
