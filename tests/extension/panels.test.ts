import { describe, expect, it } from 'vitest';
import { route } from '../../lib/background/router';
import { db } from '../../lib/db';
import type { Interviewer, Template, TemplateInput } from '../../lib/panels';
import type { Interview } from '../../lib/schemas';
import { fromContent, fromOptions, fromPopup, useBackend } from './harness';

const { state, signUp } = useBackend();

type Ok<T> = { ok: true; data: T };
const ok = <T>(r: unknown) => {
  expect(r).toMatchObject({ ok: true });
  return (r as Ok<T>).data;
};
const unique = () => Math.random().toString(36).slice(2, 10);

/** Someone with a Parley account (so a working week in UTC), as an interviewer would have after the one-time link. */
async function colleague(name: string) {
  const email = `${name.split(' ')[0]!.toLowerCase()}-${unique()}@example.com`;
  const res = await fetch(`${state.backendUrl}/api/auth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name, password: 'correct horse battery', timeZone: 'UTC' }),
  });
  expect(res.status).toBe(201);
  return email;
}

async function addInterviewer(name: string, email?: string) {
  return ok<{ interviewer: Interviewer }>(await route({
    type: 'panels.addInterviewer', payload: { name, email: email ?? `${name.split(' ')[0]!.toLowerCase()}-${unique()}@example.com` },
  }, fromOptions)).interviewer;
}

const loop = (sessions: TemplateInput['sessions'], extra: Partial<TemplateInput> = {}): TemplateInput => ({
  name: `Onsite ${unique()}`, shape: 'sequence', order: 'fixed', gapMinutes: 15, video: null,
  message: 'Hi {candidate_first_name}, please book your {interview_name} ({duration}): {booking_link}', sessions, ...extra,
});

const saveTemplate = async (template: TemplateInput, id?: string) =>
  ok<{ template: Template }>(await route({ type: 'panels.saveTemplate', payload: { template, ...(id ? { id } : {}) } }, fromOptions)).template;

const recipient = { key: `linkedin:in:carla-${unique()}`, name: 'Carla Candidate' };

describe('panel messages: who may send them', () => {
  it('lets content scripts list templates and share one, and nothing else', async () => {
    await signUp();
    expect(await route({ type: 'panels.templates', payload: {} }, fromContent)).toMatchObject({ ok: true, data: { templates: [], people: {} } });
    for (const type of ['panels.interviewers', 'panels.addInterviewer', 'panels.inviteInterviewer', 'panels.removeInterviewer', 'panels.saveTemplate', 'panels.removeTemplate', 'interviews.resend', 'interviews.replace'] as const) {
      expect(await route({ type, payload: {} }, fromContent), type).toMatchObject({ ok: false, code: 'refused' });
    }
    expect(await route({ type: 'panels.share', payload: { recipient, templateId: crypto.randomUUID() } }, fromPopup)).toMatchObject({ ok: false, code: 'refused' });
  });
});

describe('interviewers and templates through the background', () => {
  it('adds, lists, invites again and removes interviewers, and says why one in use cannot go', async () => {
    await signUp();
    const pat = await addInterviewer('Pat Pending');
    expect(pat).toMatchObject({ name: 'Pat Pending', status: 'pending', invitedAt: expect.any(String) });
    const dana = await addInterviewer('Dana Lead', await colleague('Dana Lead'));
    expect(dana).toMatchObject({ status: 'hours', timeZone: 'UTC', invitedAt: null });
    expect(ok<{ interviewers: Interviewer[] }>(await route({ type: 'panels.interviewers', payload: {} }, fromOptions)).interviewers.map((p) => p.name))
      .toEqual(['Dana Lead', 'Pat Pending']);

    const again = ok<{ interviewer: Interviewer }>(await route({ type: 'panels.inviteInterviewer', payload: { id: pat.id } }, fromOptions)).interviewer;
    expect(Date.parse(again.invitedAt!)).toBeGreaterThanOrEqual(Date.parse(pat.invitedAt!));

    const bad = await route({ type: 'panels.addInterviewer', payload: { name: 'X', email: 'not-an-email' } }, fromOptions);
    expect(bad).toMatchObject({ ok: false, code: 'invalid', error: 'Enter a valid email address' });

    const template = await saveTemplate(loop([{ name: 'Chat', durationMinutes: 30, interviewers: [dana.id], pool: [] }]));
    const inUse = await route({ type: 'panels.removeInterviewer', payload: { id: dana.id } }, fromOptions);
    expect(inUse).toMatchObject({ ok: false, code: 'refused', error: `Remove this interviewer from “${template.name}” first` });
    expect(await route({ type: 'panels.removeInterviewer', payload: { id: pat.id } }, fromOptions)).toEqual({ ok: true, data: {} });
    expect(ok<{ interviewers: Interviewer[] }>(await route({ type: 'panels.interviewers', payload: {} }, fromOptions)).interviewers.map((p) => p.name))
      .toEqual(['Dana Lead']);
  });

  it('creates, updates, lists (with names, for the composer) and removes templates', async () => {
    await signUp();
    const dana = await addInterviewer('Dana Lead', await colleague('Dana Lead'));
    const pat = await addInterviewer('Pat Pending');
    const created = await saveTemplate(loop([
      { name: 'System design', durationMinutes: 60, interviewers: [dana.id], pool: [] },
      { name: 'Chat', durationMinutes: 30, interviewers: [pat.id], pool: [] },
    ]));
    expect(created).toMatchObject({ durationMinutes: 105, pending: [{ id: pat.id, name: 'Pat Pending' }] });

    const updated = await saveTemplate(loop([{ name: 'Together', durationMinutes: 45, interviewers: [dana.id], pool: [] }], { name: created.name, shape: 'together' }), created.id);
    expect(updated).toMatchObject({ id: created.id, shape: 'together', durationMinutes: 45, pending: [] });

    const listed = ok<{ templates: Template[]; people: Record<string, string> }>(await route({ type: 'panels.templates', payload: {} }, fromContent));
    expect(listed.templates.map((t) => t.id)).toEqual([created.id]);
    expect(listed.people).toEqual({ [dana.id]: 'Dana Lead', [pat.id]: 'Pat Pending' });

    expect(await route({ type: 'panels.removeTemplate', payload: { id: created.id } }, fromOptions)).toEqual({ ok: true, data: {} });
    expect(ok<{ templates: Template[] }>(await route({ type: 'panels.templates', payload: {} }, fromOptions)).templates).toEqual([]);
  });

  it('turns a bad template into a readable error, whether the schema or the backend refuses it', async () => {
    await signUp();
    const dana = await addInterviewer('Dana Lead');
    // The shared schema already refuses an unknown placeholder before anything is sent.
    const typo = await route({ type: 'panels.saveTemplate', payload: { template: loop([{ name: 'A', durationMinutes: 30, interviewers: [dana.id], pool: [] }], { message: 'Hi {first_name}: {booking_link}' }) } }, fromOptions);
    expect(typo).toMatchObject({ ok: false, code: 'invalid', error: expect.stringContaining('Unknown placeholder {first_name}') });
    // Only the backend knows whose interviewers these are: its 400 reaches the caller with the field.
    const stranger = await route({ type: 'panels.saveTemplate', payload: { template: loop([{ name: 'A', durationMinutes: 30, interviewers: [crypto.randomUUID()], pool: [] }]) } }, fromOptions);
    expect(stranger).toEqual({
      ok: false, code: 'invalid', error: 'Session 1 names an interviewer who is not on your list', fields: { 'sessions.0.interviewers': 'Unknown interviewer' },
    });
    const first = await saveTemplate(loop([{ name: 'A', durationMinutes: 30, interviewers: [dana.id], pool: [] }]));
    const duplicate = await route({ type: 'panels.saveTemplate', payload: { template: loop([{ name: 'A', durationMinutes: 30, interviewers: [dana.id], pool: [] }], { name: first.name }) } }, fromOptions);
    expect(duplicate).toMatchObject({ ok: false, code: 'refused', error: 'You already have a template with this name', fields: { name: 'Already used' } });
  });
});

describe('sharing a template from a composer', () => {
  it('asks before sharing with pending interviewers, naming them, then returns the filled-in message', async () => {
    await signUp(undefined, 'Rita Recruiter');
    const dana = await addInterviewer('Dana Lead', await colleague('Dana Lead'));
    const pat = await addInterviewer('Pat Pending');
    const template = await saveTemplate(loop([
      { name: 'System design', durationMinutes: 60, interviewers: [dana.id], pool: [] },
      { name: 'Chat', durationMinutes: 30, interviewers: [pat.id], pool: [] },
    ]));
    const asked = await route({ type: 'panels.share', payload: { recipient, templateId: template.id } }, fromContent);
    expect(asked).toEqual({
      ok: true,
      data: {
        needsConfirmation: true,
        message: 'Pat Pending has not connected a calendar or marked their hours yet. Share anyway, and they will not limit the times?',
        pending: [{ id: pat.id, name: 'Pat Pending', email: pat.email }],
      },
    });
    const shared = ok<{ needsConfirmation: false; invitation: { url: string; durationMinutes: number }; message: string }>(
      await route({ type: 'panels.share', payload: { recipient, templateId: template.id, sharePending: true, expiresInDays: 3 } }, fromContent));
    expect(shared.needsConfirmation).toBe(false);
    expect(shared.invitation.durationMinutes).toBe(105);
    expect(shared.message).toBe(`Hi Carla, please book your ${template.name} (1 h 45 min): ${shared.invitation.url}`);

    const gone = await route({ type: 'panels.share', payload: { recipient, templateId: crypto.randomUUID() } }, fromContent);
    expect(gone).toMatchObject({ ok: false, code: 'refused', error: 'No such template' });
  });
});

describe('a booked loop in the popup', () => {
  it('shows the loop, resends interviewer links, replaces a pooled interviewer, and explains when nobody can step in', async () => {
    await signUp();
    const dana = await addInterviewer('Dana Lead', await colleague('Dana Lead'));
    const eli = await addInterviewer('Eli Engineer', await colleague('Eli Engineer'));
    const pat = await addInterviewer('Pat Peer', await colleague('Pat Peer'));
    const template = await saveTemplate(loop([
      { name: 'System design', durationMinutes: 60, interviewers: [dana.id], pool: [] },
      { name: 'Coding', durationMinutes: 45, interviewers: [], pool: [eli.id, pat.id] },
    ]));
    const shared = ok<{ invitation: { url: string } }>(await route({ type: 'panels.share', payload: { recipient, templateId: template.id } }, fromContent));

    // The candidate books the first time offered.
    const slots = (await (await fetch(`${shared.invitation.url}/slots?tz=UTC`, { headers: { accept: 'application/json' } })).json()) as { slots: { start: string }[] };
    expect(slots.slots.length).toBeGreaterThan(0);
    const booked = await fetch(`${shared.invitation.url}/book`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: slots.slots[0]!.start, timeZone: 'UTC', name: 'Carla Candidate', country: 'IN', phone: '098765 43210', email: 'carla@example.com', note: 'none' }),
    });
    expect(booked.status).toBe(201);

    const list = ok<{ interviews: Interview[] }>(await route({ type: 'interviews.list', payload: { refresh: true } }, fromPopup));
    const interview = list.interviews[0]!;
    expect(interview.loop?.name).toBe(template.name);
    expect(interview.loop?.sessions.map((s) => [s.name, s.interviewers.map((p) => p.pooled)])).toEqual([['System design', [false]], ['Coding', [true]]]);

    expect(await route({ type: 'interviews.resend', payload: { interviewId: interview.id } }, fromPopup)).toEqual({ ok: true, data: { sent: 2 } });

    const coding = interview.loop!.sessions[1]!;
    const seat = coding.interviewers[0]!;
    const replaced = ok<{ replaced: string; by: { name: string }; interview: Interview }>(
      await route({ type: 'interviews.replace', payload: { interviewId: interview.id, participantId: seat.participantId } }, fromPopup));
    const other = seat.name === 'Eli Engineer' ? 'Pat Peer' : 'Eli Engineer';
    expect(replaced).toMatchObject({ replaced: seat.name, by: { name: other } });
    expect(replaced.interview.loop!.sessions[1]).toMatchObject({ start: coding.start, interviewers: [{ name: other, pooled: true }] });
    // The cache the popup opens with already shows the new interviewer.
    expect((await db.interviews.get(interview.id))?.loop?.sessions[1]?.interviewers.map((p) => p.name)).toEqual([other]);

    const nobody = await route({ type: 'interviews.replace', payload: { interviewId: interview.id, participantId: interview.loop!.sessions[0]!.interviewers[0]!.participantId } }, fromPopup);
    expect(nobody).toMatchObject({ ok: false, code: 'refused', error: expect.stringContaining('Nobody else in “System design” can step in') });
  });
});
