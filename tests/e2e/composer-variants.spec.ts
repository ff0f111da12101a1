import { expect, serveLinkedIn, signUpThroughOptions, test } from './fixtures';

const LINK = /View my availability: http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}/;

test('the newer shell: a composer inside #interop-outlet\'s open shadow root, French labels, hashed classes', async ({ extensionContext: context, extensionId, backend }) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  await serveLinkedIn(context, { '/feed/': 'interop-outlet.html' });
  const page = await context.newPage();
  await page.goto('https://www.linkedin.com/feed/');
  const share = page.getByRole('button', { name: 'Share availability' });
  await expect(share).toHaveCount(1); // the light-DOM comment box gets none
  const editor = page.locator('#interop-outlet [contenteditable="true"]');
  await editor.click();
  await share.click();
  await page.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(editor).toContainText(LINK);
  await expect(page.locator('#interop-outlet button[type="submit"]')).toBeEnabled();
});

test('LinkedIn Recruiter InMail: a textarea body gets the link at the caret; the Notes box gets no control', async ({ extensionContext: context, extensionId, backend }) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  await serveLinkedIn(context, { '/talent/profile/': 'recruiter-inmail.html' });
  const page = await context.newPage();
  await page.goto('https://www.linkedin.com/talent/profile/AEMAAAXyZ12bC3dEfGhIjK?project=1234567');
  const share = page.getByRole('button', { name: 'Share availability' });
  await expect(share).toHaveCount(1);
  const body = page.locator('#inmail-body');
  await body.fill('Hello Hannelore,\n\nBest, Noor');
  // Caret after the greeting line.
  await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(17, 17));
  await share.click();
  await page.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(body).toHaveValue(/^Hello Hannelore,\nView my availability: http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}\nBest, Noor$/);
  // The link is bound to the Recruiter candidate.
  const { invitations } = (await (await fetch(`${backend.url}/api/invitations`, {
    headers: { authorization: `Bearer ${await sessionToken(backend.url)}` },
  })).json()) as { invitations: { recipient: { key: string; name?: string } }[] };
  expect(invitations[0]!.recipient).toMatchObject({ key: 'linkedin:talent:AEMAAAXyZ12bC3dEfGhIjK', name: 'Hannelore Vikström-Achebe' });
});

async function sessionToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rita@example.com', password: 'correct horse battery' }) });
  return ((await res.json()) as { token: string }).token;
}
