import { expect, serveLinkedIn, signUpThroughOptions, test } from './fixtures';

const THREAD = '/messaging/thread/2-MzY5YjFlNzQtZDJmOC00YzQ2LWI3NTItYjk0ZmE5ZTY1YjI4XzEwMA==/';
const LINK = /http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}/;

test('panel: interviewers and a template in options → share it from a composer despite a pending interviewer → the popup shows the loop', async ({
  extensionContext: context, extensionId, backend, browser,
}) => {
  const options = await signUpThroughOptions(context, extensionId, backend.url);
  // Dana already uses Parley (so her hours are known); Pat does not.
  const register = await fetch(`${backend.url}/api/auth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'dana@example.com', name: 'Dana Lead', password: 'correct horse battery', timeZone: 'UTC' }),
  });
  expect(register.status).toBe(201);

  const section = options.getByRole('region', { name: 'Panel interviews' });
  const addForm = section.getByRole('form', { name: 'Add an interviewer' });
  for (const [name, email] of [['Dana Lead', 'dana@example.com'], ['Pat Pending', 'pat@example.com']]) {
    await addForm.getByLabel('Name', { exact: true }).fill(name!);
    await addForm.getByLabel('Email', { exact: true }).fill(email!);
    await addForm.getByRole('button', { name: 'Add interviewer' }).click();
    await expect(section.getByRole('status')).toContainText(`${name} added`);
  }
  const people = section.getByRole('list', { name: 'Interviewers' });
  await expect(people.getByRole('listitem').filter({ hasText: 'Dana Lead' })).toContainText('Hours marked');
  await expect(people.getByRole('listitem').filter({ hasText: 'Pat Pending' })).toContainText(/Pending — link sent/);
  await people.getByRole('button', { name: 'Send Pat Pending a link again' }).click();
  await expect(section.getByRole('status')).toContainText('A new link was sent to pat@example.com.');

  // A back-to-back template; the message is checked before it is sent.
  await section.getByRole('button', { name: 'New template' }).click();
  const editor = section.getByRole('form', { name: 'New interview template' });
  await editor.getByLabel('Template name').fill('Onsite loop');
  await editor.getByLabel('Back to back: one session after another').check();
  await editor.getByLabel('Session name').fill('System design');
  await editor.getByLabel('Length (minutes)').fill('60');
  await editor.getByRole('group', { name: 'Interviewers (all of them)' }).getByLabel('Dana Lead').check();
  await editor.getByRole('button', { name: '+ Add session' }).click();
  const second = editor.getByRole('group', { name: 'Session 2' });
  await second.getByLabel('Session name').fill('Chat');
  await second.getByLabel('Length (minutes)').fill('30');
  await second.getByRole('group', { name: 'Interviewers (all of them)' }).getByLabel('Pat Pending').check();
  const message = editor.getByLabel('Message inserted into the conversation');
  await message.fill('Hi {first_name}, book your {interview_name} here: ');
  await editor.getByRole('button', { name: 'Save template' }).click();
  await expect(editor.getByText(/Unknown placeholder \{first_name\}/)).toBeVisible();
  await expect(message).toHaveAttribute('aria-invalid', 'true');
  await message.fill('Hi , book your {interview_name} here: ');
  await message.press('End');
  await editor.getByRole('button', { name: 'Insert {booking_link}' }).click();
  await expect(message).toHaveValue('Hi , book your {interview_name} here: {booking_link}');
  await message.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(3, 3));
  await editor.getByRole('button', { name: 'Insert {candidate_first_name}' }).click();
  await expect(message).toHaveValue('Hi {candidate_first_name}, book your {interview_name} here: {booking_link}');
  await expect(editor.getByRole('region', { name: 'Message preview' })).toContainText('Hi Carla, book your Onsite loop here: https://parley.example/b/');
  await editor.getByRole('button', { name: 'Save template' }).click();
  await expect(section.getByRole('status')).toContainText('“Onsite loop” saved.');
  const templates = section.getByRole('list', { name: 'Interview templates' });
  await expect(templates).toContainText('Back to back, 2 sessions · 1 h 30 min · 2 interviewers');
  await expect(templates).toContainText('Not shared their availability yet: Pat Pending');

  // Share it from a LinkedIn conversation: the backend asks first, because Pat is pending.
  await serveLinkedIn(context, { [THREAD]: 'messaging-thread.html' });
  const linkedin = await context.newPage();
  await linkedin.goto(`https://www.linkedin.com${THREAD}`);
  const composer = linkedin.locator('.msg-form__contenteditable');
  await composer.click();
  await linkedin.getByRole('button', { name: 'Share availability' }).click();
  const dialog = linkedin.getByRole('dialog', { name: 'Share availability' });
  await dialog.getByLabel('Interview').selectOption({ label: 'Onsite loop · 1 h 30 min · 2 interviewers' });
  await expect(dialog.getByRole('list', { name: 'Interviewers' })).toContainText('System design (1 h): Dana Lead');
  await expect(dialog.getByLabel('Meeting length')).toHaveCount(0);
  await expect(dialog.getByRole('status')).toContainText('Not shared their availability yet: Pat Pending.');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Pat Pending has not connected a calendar or marked their hours yet.');
  await expect(composer).not.toContainText('book your');
  await dialog.getByLabel('Share anyway: they will not limit the times').check();
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(composer).toContainText(/Hi \S+, book your Onsite loop here: http:\/\/127\.0\.0\.1:\d+\/b\/[A-Za-z0-9_-]{32}/);
  await expect(linkedin.getByText('Message inserted')).toBeVisible();
  const link = (await composer.innerText()).match(LINK)![0];

  // The candidate books the loop.
  const candidateContext = await browser.newContext({ timezoneId: 'Europe/Berlin' });
  const candidate = await candidateContext.newPage();
  await candidate.goto(link);
  await candidate.locator('a.slot').first().click();
  await candidate.getByLabel('Country code').selectOption('DE');
  await candidate.getByLabel('Phone number').fill('030 1234567');
  await candidate.getByRole('button', { name: 'Confirm' }).click();
  await expect(candidate.getByRole('heading', { name: 'Your interview is scheduled' })).toBeVisible();
  await candidateContext.close();

  // The popup shows each session with its interviewers; replacing needs someone who can step in.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const sessions = popup.getByRole('list', { name: /^Sessions with / });
  await expect(sessions).toBeVisible();
  await expect(popup.getByText('· Onsite loop')).toBeVisible();
  await expect(sessions.getByRole('listitem').first()).toContainText(/\d{1,2}:\d\d [AP]M–\d{1,2}:\d\d [AP]M \S+ · System design/);
  await expect(sessions.getByRole('list', { name: 'Interviewers for Chat' })).toContainText('Pat Pending');
  await popup.getByRole('button', { name: 'Resend interviewer links' }).click();
  await expect(popup.getByRole('status')).toHaveText('Their links were sent again to 2 interviewers.');
  await popup.getByRole('button', { name: 'Replace Dana Lead in System design' }).click();
  await expect(popup.getByRole('alert')).toContainText('Nobody else in “System design” can step in');
});
