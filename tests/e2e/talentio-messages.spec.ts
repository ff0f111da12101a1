import type { BrowserContext } from '@playwright/test';
import { expect, fixture, signUpThroughOptions, test } from './fixtures';

const CONVERSATION = '/company/positions/9182/candidates/48213/messages';

/** Serves fixture pages at talent.io's real URLs (a static host permission: the content script is in the manifest). */
async function serveTalentio(context: BrowserContext, pages: Record<string, string>) {
  await context.route('https://app.talent.io/**', async (route) => {
    const name = pages[new URL(route.request().url()).pathname];
    if (!name) return route.fulfill({ status: 404, body: 'not in fixtures' });
    await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: fixture(name) });
  });
  await context.route(/^https:\/\/(?!app\.talent\.io\/)/, (route) => route.abort());
}

test('talent.io company messaging: one control on the conversation, Insert types the candidate’s link into the textarea, Send enables', async ({
  extensionContext: context, extensionId, backend,
}) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  await serveTalentio(context, { [CONVERSATION]: 'talentio/company-messages.html' });

  const page = await context.newPage();
  await page.goto(`https://app.talent.io${CONVERSATION}`);
  const form = page.getByTestId('message-form');
  const share = page.getByRole('button', { name: 'Share availability' });
  await expect(share).toHaveCount(1);
  await expect(page.getByRole('complementary', { name: 'Team notes' }).getByRole('button', { name: 'Share availability' })).toHaveCount(0);

  const box = page.getByRole('textbox', { name: 'Write a message to Camille' });
  const send = form.getByRole('button', { name: 'Send', exact: true });
  await expect(send).toBeDisabled();
  await box.click();
  await page.keyboard.type('Hi Camille, pick a time that suits you: ');
  await share.click();
  await page.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(box).toHaveValue(/^Hi Camille, pick a time that suits you: View my availability: http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}$/);
  await expect(send).toBeEnabled();
  // The form's footer was re-rendered on the first input: still exactly one control.
  await expect(share).toHaveCount(1);

  const invitations = await backend.parley.deps.db.query<{ recipient_key: string; recipient_name: string | null }>(
    'select recipient_key, recipient_name from invitations',
  );
  expect(invitations).toEqual([{ recipient_key: 'talentio:candidate:48213', recipient_name: 'Camille Dufresne-Okoro' }]);
});
