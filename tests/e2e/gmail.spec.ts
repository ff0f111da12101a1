import type { BrowserContext, Page } from '@playwright/test';
import { GMAIL_MATCHES } from '../../lib/sites/gmail';
import { expect, fixture, launchWithGrants, signUpThroughOptions, test as base, workerOf } from './fixtures';

// Gmail access is an optional host permission: the recruiter turns Gmail on, Chromium asks, and once the
// permission is granted the background registers the Gmail content script. The test starts from a profile
// where that "Allow" is recorded (launchWithGrants); everything after the prompt is the real extension.

const INBOX = 'https://mail.google.com/mail/u/0/#inbox';
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWDsKmBvTjZrLcHnNqWxPpVl';
const LINK = /View my availability: http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}/;

/** The extension APIs this test calls in the service worker (the repo has no @types/chrome). */
declare const chrome: {
  permissions: { contains(permissions: { origins: string[] }): Promise<boolean> };
  scripting: { getRegisteredContentScripts(): Promise<{ id: string; js?: string[]; matches?: string[] }[]> };
};

const test = base.extend<{ extensionContext: BrowserContext }>({
  extensionContext: async ({}, use) => {
    const { context } = await launchWithGrants(GMAIL_MATCHES);
    await use(context);
    await context.close();
  },
});

/** Serves fixture pages at Gmail's real URLs (by path; `?view=cm` is a pop-out); everything else stays offline. */
async function serveGmail(context: BrowserContext, pages: { mail: string; popout?: string }) {
  await context.route('https://mail.google.com/**', async (route) => {
    const url = new URL(route.request().url());
    const name = url.searchParams.get('view') === 'cm' ? pages.popout : url.pathname.startsWith('/mail/') ? pages.mail : undefined;
    if (!name) return route.fulfill({ status: 404, body: 'not in fixtures' });
    await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: fixture(`gmail/${name}`) });
  });
  await context.route(/^https:\/\/(?!mail\.google\.com\/)/, (route) => route.abort());
}

/** The permission is granted and the background registered the Gmail script for it, on its own. */
async function expectGmailScriptRegistered(context: BrowserContext) {
  const worker = await workerOf(context);
  expect(await worker.evaluate((origins) => chrome.permissions.contains({ origins }), GMAIL_MATCHES)).toBe(true);
  expect(await worker.evaluate((origins) => chrome.permissions.contains({ origins }), ['https://outlook.office.com/*'])).toBe(false);
  await expect
    .poll(async () => (await worker.evaluate(() => chrome.scripting.getRegisteredContentScripts())).find((s) => s.id === 'gmail'))
    .toMatchObject({ js: ['content-scripts/gmail.js'], matches: GMAIL_MATCHES });
}

async function sessionToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rita@example.com', password: 'correct horse battery' }) });
  return ((await res.json()) as { token: string }).token;
}

const draft = (page: Page, subject: string) => page.getByRole('dialog', { name: subject, exact: true });

test('Gmail: two drafts, one control each; Insert types the link into its own draft; three recipients ask "For"', async ({
  extensionContext: context, extensionId, backend,
}) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  await expectGmailScriptRegistered(context);
  await serveGmail(context, { mail: 'inbox-two-drafts.html' });

  const page = await context.newPage();
  await page.goto(INBOX);
  const cv = draft(page, 'Your CV for the Data Platform role');
  const interview = draft(page, 'Interview for the Backend Engineer role');
  await expect(page.getByRole('button', { name: 'Share availability' })).toHaveCount(2);
  await expect(cv.getByRole('button', { name: 'Share availability' })).toHaveCount(1);
  await expect(interview.getByRole('button', { name: 'Share availability' })).toHaveCount(1);
  await expect(interview.getByRole('button', { name: 'Add video link' })).toHaveCount(1);

  // One recipient: no "For"; the link goes into this draft only, as typed text (Send comes alive).
  const cvBody = cv.getByRole('textbox', { name: 'Message Body' });
  const cvSend = cv.getByRole('button', { name: /^Send/ });
  const interviewBody = interview.getByRole('textbox', { name: 'Message Body' });
  const interviewSend = interview.getByRole('button', { name: /^Send/ });
  await expect(cvSend).toHaveAttribute('aria-disabled', 'true');
  await cvBody.click();
  await page.keyboard.type('Hi Lena, ');
  await cv.getByRole('button', { name: 'Share availability' }).click();
  const cvPopover = cv.getByRole('dialog', { name: 'Share availability' });
  await expect(cvPopover.getByLabel('For')).toHaveCount(0);
  await cvPopover.getByRole('button', { name: 'Insert' }).click();
  await expect(cvBody).toContainText(new RegExp(`Hi Lena, ${LINK.source}`));
  await expect(cvSend).toHaveAttribute('aria-disabled', 'false');
  await expect(interviewBody).not.toContainText('View my availability');
  await expect(interviewSend).toHaveAttribute('aria-disabled', 'true');
  // The emulated toolbar re-rendered on the first input: still one control.
  await expect(cv.getByRole('button', { name: 'Share availability' })).toHaveCount(1);

  // Three recipients: "For" offers the candidate first, their agency next, the colleague last.
  await interviewBody.click();
  await interview.getByRole('button', { name: 'Share availability' }).click();
  const popover = interview.getByRole('dialog', { name: 'Share availability' });
  const forWhom = popover.getByLabel('For');
  await expect(forWhom).toHaveValue('email:camille.dufresne@proton.example');
  await expect(forWhom.locator('option')).toHaveText([
    'Camille Dufresne (camille.dufresne@proton.example)',
    'Tomás Eriksen (tomas@talentbridge.example)',
    'Kai Sørensen (kai.sorensen@acme.example)',
  ]);
  await forWhom.selectOption({ label: 'Tomás Eriksen (tomas@talentbridge.example)' });
  await popover.getByRole('button', { name: 'Insert' }).click();
  await expect(interviewBody).toContainText(LINK);
  await expect(interviewSend).toHaveAttribute('aria-disabled', 'false');
  const cvLink = (await cvBody.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];
  const interviewLink = (await interviewBody.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];
  expect(interviewLink).not.toBe(cvLink);
  await expect(cvBody).not.toContainText(interviewLink);

  // Each link is bound to the person it was made for.
  const { invitations } = (await (await fetch(`${backend.url}/api/invitations`, {
    headers: { authorization: `Bearer ${await sessionToken(backend.url)}` },
  })).json()) as { invitations: { url: string; recipient: { key: string; name?: string } }[] };
  const byUrl = new Map(invitations.map((i) => [i.url, i.recipient]));
  expect(invitations).toHaveLength(2);
  expect(byUrl.get(cvLink)).toEqual({ key: 'email:lena.okafor@fjordmail.example', name: 'Lena Okafor' });
  expect(byUrl.get(interviewLink)).toEqual({ key: 'email:tomas@talentbridge.example', name: 'Tomás Eriksen' });

  // Add video link asks the same question.
  await interview.getByRole('button', { name: 'Add video link' }).click();
  const video = interview.getByRole('dialog', { name: 'Add video link' });
  await expect(video.getByLabel('For').locator('option')).toHaveCount(3);
  await expect(video.getByLabel('For')).toHaveValue('email:camille.dufresne@proton.example');
});

test('Gmail: an inline reply gets the only control of a thread; a pop-out compose gets one too', async ({
  extensionContext: context, extensionId, backend,
}) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  await expectGmailScriptRegistered(context);
  await serveGmail(context, { mail: 'thread-reply.html', popout: 'popout-compose.html' });

  const thread = await context.newPage();
  await thread.goto(THREAD);
  const share = thread.getByRole('button', { name: 'Share availability' });
  await expect(share).toHaveCount(1);
  await expect(thread.getByRole('listitem').getByRole('button', { name: 'Share availability' })).toHaveCount(0);
  const reply = thread.locator('.M9');
  await expect(reply.getByRole('button', { name: 'Share availability' })).toHaveCount(1);
  await reply.getByRole('textbox', { name: 'Message Body' }).click();
  await share.click();
  await expect(thread.getByRole('dialog', { name: 'Share availability' }).getByLabel('For')).toHaveCount(0);
  await thread.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(reply.getByRole('textbox', { name: 'Message Body' })).toContainText(LINK);

  const popout = await context.newPage();
  await popout.goto('https://mail.google.com/mail/u/0/?ui=2&view=cm&fs=1&tf=1');
  await expect(popout.getByRole('button', { name: 'Share availability' })).toHaveCount(1);
  await popout.getByRole('button', { name: 'Share availability' }).click();
  const forWhom = popout.getByRole('dialog', { name: 'Share availability' }).getByLabel('For');
  await expect(forWhom).toHaveValue('email:oluwaseun.brandt@mailbox.example');
  await expect(forWhom.locator('option')).toHaveCount(2);
});

// Injected UI takes its styles as inline text (lib/features/styles.ts): nothing is fetched from the
// extension, so a runtime-registered script on an optional host is styled too, with a clean console.
test('Gmail: the controls get their stylesheet and the page console stays clean', async ({ extensionContext: context }) => {
  await expectGmailScriptRegistered(context);
  await serveGmail(context, { mail: 'inbox-compose.html' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(INBOX);
  await expect(page.getByRole('button', { name: 'Share availability' })).toHaveCount(1);
  const css = await page.locator('parley-share-availability').evaluate((host) => host.shadowRoot?.querySelector('style')?.textContent ?? '');
  expect(css).toContain('.parley-popover');
  expect(errors).toEqual([]);
});
