import { expect, serveLinkedIn, signUpThroughOptions, test } from './fixtures';

const THREAD = '/messaging/thread/2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==/';

test('share availability on LinkedIn → candidate books in their zone → popup shows it → a racer gets "just taken"', async ({
  extensionContext: context, extensionId, backend, browser,
}) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  await serveLinkedIn(context, { [THREAD]: 'messaging-thread.html', '/feed/': 'overlay-bubbles.html' });

  // The recruiter shares availability from the thread page.
  const linkedin = await context.newPage();
  await linkedin.goto(`https://www.linkedin.com${THREAD}`);
  const share = linkedin.getByRole('button', { name: 'Share availability' });
  await expect(share).toHaveCount(1);
  const editor = linkedin.locator('.msg-form__contenteditable');
  const send = linkedin.locator('form button[type="submit"]');
  await expect(send).toBeDisabled();
  await editor.click();
  await linkedin.keyboard.type('Hi Sofia, great to connect! ');
  await share.click();
  await linkedin.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(editor).toContainText(/Hi Sofia, great to connect! View my availability: http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}/);
  await expect(send).toBeEnabled();
  // The host re-rendered its footer on the first input: still exactly one control.
  await expect(share).toHaveCount(1);
  const link = (await editor.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];

  // Inserting again for the same person reuses their link.
  await editor.press('End');
  await share.click();
  await linkedin.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect.poll(async () => (await editor.innerText()).split(link).length - 1).toBe(2);

  // A second candidate in an overlay bubble gets a different link.
  const feed = await context.newPage();
  await feed.goto('https://www.linkedin.com/feed/');
  const bubbles = feed.getByRole('button', { name: 'Share availability' });
  await expect(bubbles).toHaveCount(2);
  const bubble = feed.locator('.msg-overlay-conversation-bubble').first();
  const secondEditor = bubble.locator('[contenteditable="true"][role="textbox"]');
  await secondEditor.click();
  await bubble.getByRole('button', { name: 'Share availability' }).click();
  await feed.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(secondEditor).toContainText('View my availability: http://127.0.0.1');
  const racerLink = (await secondEditor.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];
  expect(racerLink).not.toBe(link);

  // The candidate opens the link in another zone; the page switches to their browser's zone.
  const candidateContext = await browser.newContext({ timezoneId: 'Asia/Kolkata', locale: 'en-IN' });
  const candidate = await candidateContext.newPage();
  await candidate.goto(link);
  await expect(candidate.getByRole('heading', { name: 'Book a time with Rita Recruiter' })).toBeVisible();
  await expect(candidate.getByLabel('Time zone')).toHaveValue(/Asia\/(Kolkata|Calcutta)/);
  const firstSlot = candidate.locator('a.slot').first();
  const slotHref = (await firstSlot.getAttribute('href'))!;

  // The racer opens the same slot's confirm step before the candidate books.
  const racerContext = await browser.newContext({ timezoneId: 'Europe/Berlin' });
  const racer = await racerContext.newPage();
  const racerToken = racerLink.split('/b/')[1]!;
  await racer.goto(`${backend.url}${slotHref.replace(/\/b\/[^/]+\//, `/b/${racerToken}/`)}`);
  await expect(racer.getByRole('heading', { name: 'Confirm details' })).toBeVisible();

  await firstSlot.click();
  await expect(candidate.getByRole('heading', { name: 'Confirm details' })).toBeVisible();
  await expect(candidate.getByText(/Talk with Rita Recruiter for 30 minutes on/)).toBeVisible();
  await candidate.getByRole('button', { name: 'Confirm' }).click();
  // Inline validation: the phone is required.
  await expect(candidate.getByText('Enter your phone number')).toBeVisible();
  await candidate.getByLabel('Country code').selectOption('IN');
  await candidate.getByLabel('Phone number').fill('98765 43210');
  await candidate.getByLabel('E-mail (optional)').fill('sofia@example.com');
  await candidate.getByLabel('“Excited about the opportunity!”').check();
  await candidate.getByRole('button', { name: 'Confirm' }).click();
  await expect(candidate.getByRole('heading', { name: 'Your interview is scheduled' })).toBeVisible();
  await expect(candidate.getByText('Asia/Kolkata').or(candidate.getByText('Asia/Calcutta')).first()).toBeVisible();
  await expect(candidate.getByRole('link', { name: 'Add to Google Calendar' })).toBeVisible();
  await expect(candidate.getByRole('link', { name: 'Download .ics' })).toBeVisible();

  // The racer submits for the same time and is told it was just taken, with fresh times.
  await racer.getByLabel('Phone number').fill('030 1234567');
  await racer.getByLabel('Country code').selectOption('DE');
  await racer.getByRole('button', { name: 'Confirm' }).click();
  await expect(racer.getByText('That time was just taken. Here are the times still free.')).toBeVisible();
  await expect(racer.locator('a.slot').first()).toBeVisible();

  // The recruiter's popup lists the interview.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const list = popup.getByRole('list', { name: 'Upcoming interviews' });
  await expect(list.getByText('Sofia Lindqvist')).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Copy link for Sofia Lindqvist' })).toBeVisible();
  await expect(popup.getByText(/Sofia Lindqvist booked an interview on/)).toBeVisible();

  await candidateContext.close();
  await racerContext.close();
});

test('the demo page works without a LinkedIn account', async ({ extensionContext: context, extensionId, backend }) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  const page = await context.newPage();
  await page.goto(`${backend.url}/demo/messaging`);
  const share = page.getByRole('button', { name: 'Share availability' });
  await expect(share.first()).toBeVisible();
  const editor = page.locator('[contenteditable="true"][role="textbox"]').first();
  await editor.click();
  await share.first().click();
  await page.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(editor).toContainText(`View my availability: ${backend.url}/b/`);
});

test('signed out, the control says how to sign in instead of failing silently', async ({ extensionContext: context, backend }) => {
  const page = await context.newPage();
  await page.goto(`${backend.url}/demo/messaging`);
  await page.getByRole('button', { name: 'Share availability' }).first().click();
  await page.getByRole('dialog', { name: 'Share availability' }).getByRole('button', { name: 'Insert' }).click();
  await expect(page.getByRole('alert')).toContainText('Sign in to Parley first');
});
