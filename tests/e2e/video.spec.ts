import { expect, serveLinkedIn, signUpThroughOptions, test } from './fixtures';

const THREAD = '/messaging/thread/2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==/';
const JOIN = /http:\/\/127\.0\.0\.1:\d+\/j\/[A-Za-z0-9_-]{32}/;

test('book with video → confirmation shows the join link and code → the gateway refuses outside the window and forwards inside it', async ({
  extensionContext: context, extensionId, backend, browser,
}) => {
  await signUpThroughOptions(context, extensionId, backend.url);
  await serveLinkedIn(context, { [THREAD]: 'messaging-thread.html', '/feed/': 'overlay-bubbles.html' });

  // Share availability with video (on by default, Jitsi).
  const linkedin = await context.newPage();
  await linkedin.goto(`https://www.linkedin.com${THREAD}`);
  const editor = linkedin.locator('.msg-form__contenteditable');
  await editor.click();
  await linkedin.getByRole('button', { name: 'Share availability' }).click();
  const dialog = linkedin.getByRole('dialog', { name: 'Share availability' });
  await expect(dialog.getByLabel('Use video conferencing')).toBeChecked();
  await expect(dialog.getByLabel('Video provider')).toHaveValue('jitsi');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(editor).toContainText(/View my availability: http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/);
  const link = (await editor.innerText()).match(/http:\/\/\S+\/b\/[A-Za-z0-9_-]{32}/)![0];

  // The candidate books; the confirmation shows their own join link and access code.
  const candidateContext = await browser.newContext({ timezoneId: 'Europe/Madrid' });
  await candidateContext.route('https://meet.jit.si/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>Jitsi Meet</title><h1>Jitsi room</h1>' }));
  const candidate = await candidateContext.newPage();
  await candidate.goto(link);
  await candidate.locator('a.slot').first().click();
  await candidate.getByLabel('Country code').selectOption('ES');
  await candidate.getByLabel('Phone number').fill('612 34 56 78');
  await candidate.getByRole('button', { name: 'Confirm' }).click();
  await expect(candidate.getByRole('heading', { name: 'Video interview' })).toBeVisible();
  const joinLink = candidate.getByRole('link', { name: JOIN });
  await expect(joinLink).toBeVisible();
  const code = (await candidate.locator('.code').innerText()).trim();
  expect(code).toMatch(/^\d{6}$/);
  const candidateJoinUrl = (await joinLink.getAttribute('href'))!;

  // Outside the window (the interview is tomorrow at the earliest): it says when it opens, no way in.
  await joinLink.click();
  await expect(candidate.getByText(/The interview opens at/)).toBeVisible();
  await expect(candidate.getByRole('button', { name: 'Join interview' })).toHaveCount(0);

  // "Add video link" in the same conversation inserts that interview's join link for the candidate.
  await editor.press('End');
  await linkedin.getByRole('button', { name: 'Add video link' }).click();
  const video = linkedin.getByRole('dialog', { name: 'Add video link' });
  await expect(video.getByText(/Next interview:/)).toBeVisible();
  await video.getByRole('button', { name: 'Insert link' }).click();
  await expect(editor).toContainText(`access code ${code}`);
  expect((await editor.innerText()).match(JOIN)![0]).toBe(candidateJoinUrl);

  // With nobody booked yet (overlay bubble), "Add video link" creates a meeting in five minutes: inside the window.
  const feed = await context.newPage();
  await feed.goto('https://www.linkedin.com/feed/');
  const bubble = feed.locator('.msg-overlay-conversation-bubble').first();
  const bubbleEditor = bubble.locator('[contenteditable="true"][role="textbox"]');
  await bubbleEditor.click();
  await bubble.getByRole('button', { name: 'Add video link' }).click();
  const create = feed.getByRole('dialog', { name: 'Add video link' });
  await expect(create.getByText('No interview is booked with this person yet')).toBeVisible();
  const soon = await feed.evaluate(() => {
    const d = new Date(Date.now() + 5 * 60_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  });
  await create.getByLabel('Date and time').fill(soon);
  await create.getByRole('button', { name: 'Create and insert' }).click();
  await expect(bubbleEditor).toContainText(/Join our video interview .*: http:\/\/127\.0\.0\.1:\d+\/j\/\S+ · access code \d{6}/);
  const text = await bubbleEditor.innerText();
  const soonLink = text.match(JOIN)![0];
  const soonCode = text.match(/access code (\d{6})/)![1]!;

  const guest = await candidateContext.newPage();
  await guest.goto(soonLink);
  await expect(guest.getByRole('button', { name: 'Join interview' })).toBeVisible({ timeout: 15_000 });
  await guest.getByLabel('Access code').fill(soonCode === '000000' ? '111111' : '000000');
  await guest.getByRole('button', { name: 'Join interview' }).click();
  await expect(guest.getByText('That access code is not right')).toBeVisible();
  await guest.getByLabel('Access code').fill(soonCode);
  await guest.getByRole('button', { name: 'Join interview' }).click();
  await expect(guest.getByRole('heading', { name: 'Jitsi room' })).toBeVisible();
  expect(guest.url()).toMatch(/^https:\/\/meet\.jit\.si\/Parley-[a-z2-7]{26}$/);
  await candidateContext.close();
});
