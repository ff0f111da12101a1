import { Hono } from 'hono';
import { z } from 'zod';
import {
  firstName, formatDuration, InterviewerInputSchema, loopMinutes, renderMessage, SharePanelSchema, TemplateInputSchema,
  type Interviewer, type Template, type TemplateDefinition,
} from '../../lib/panels.js';
import { PG, pgErrorCode, type Sql } from '../db.js';
import type { AppEnv, Deps } from '../deps.js';
import { UserError, validate } from '../http.js';
import { hashToken, newToken } from '../secrets.js';
import { invitationUrl, openInvitationFor, toInvitationJson } from '../services/invitations.js';
import type { PanelMember, PanelSnapshot } from '../services/panel-people.js';
import { videoFor } from '../video.js';
import { requireRecruiter } from './auth.js';
import { loadSettings } from './settings.js';

const IdParam = z.object({ id: z.uuid('Unknown id') });
const AddBody = InterviewerInputSchema.extend({ sendInvite: z.boolean().default(true) });
const ShareBody = SharePanelSchema.omit({ templateId: true });
const INVITE_DAYS = 14;

interface InterviewerRow {
  id: string; email: string; name: string; invited_at: Date | null;
  account_id: string | null; time_zone: string | null; connections: number; calendar_error: string | null;
}
const INTERVIEWER_SELECT = `
  select i.id, i.email, i.name, i.invited_at, r.id as account_id, s.settings->>'timeZone' as time_zone,
         (select count(*)::int from calendar_connections k where k.recruiter_id = r.id) as connections,
         (select k.last_error from calendar_connections k where k.recruiter_id = r.id and k.last_error is not null order by k.last_error_at desc limit 1) as calendar_error
    from interviewers i
    left join recruiters r on r.email = i.email
    left join scheduler_settings s on s.recruiter_id = r.id`;

export function toInterviewer(r: InterviewerRow): Interviewer {
  return {
    id: r.id, email: r.email, name: r.name,
    status: !r.account_id ? 'pending' : r.connections > 0 ? 'calendar' : 'hours',
    timeZone: r.time_zone, calendarError: r.calendar_error, invitedAt: r.invited_at?.toISOString() ?? null,
  };
}

export async function listInterviewers(sql: Sql, recruiterId: string): Promise<Interviewer[]> {
  const rows = await sql.query<InterviewerRow>(`${INTERVIEWER_SELECT} where i.recruiter_id = $1 order by lower(i.name)`, [recruiterId]);
  return rows.map(toInterviewer);
}

/** A fresh one-time link for the interviewer, mailed by a job (so it goes out even if SMTP hiccups). */
async function invite(deps: Deps, tx: Sql, interviewerId: string): Promise<void> {
  const token = newToken();
  await tx.query(
    `update interviewers set invite_token_hash = $2, invite_token_sealed = $3, invite_expires_at = $4, invited_at = now() where id = $1`,
    [interviewerId, hashToken(token), deps.sealer.seal(token), new Date(deps.clock() + INVITE_DAYS * 86_400_000)]);
  await deps.jobs.enqueue(tx, 'mail.interviewer-invite', { interviewerId }, `interviewer-invite:${interviewerId}:${hashToken(token).slice(0, 16)}`);
}

function templateJson(id: string, name: string, def: TemplateDefinition, updatedAt: Date, people: Map<string, Interviewer>): Template {
  const ids = new Set(def.sessions.flatMap((s) => [...s.interviewers, ...s.pool]));
  const pending = [...ids].map((i) => people.get(i)).filter((p): p is Interviewer => !!p && p.status === 'pending')
    .map(({ id: pid, name: n, email }) => ({ id: pid, name: n, email }));
  return { ...def, id, name, durationMinutes: loopMinutes(def), pending, updatedAt: updatedAt.toISOString() };
}

/** Interviewers, interview templates, and sharing a template's panel with a candidate. */
export function panelRoutes(deps: Deps) {
  const { db } = deps;

  async function people(recruiterId: string) {
    return new Map((await listInterviewers(db, recruiterId)).map((p) => [p.id, p]));
  }

  async function checkMembers(recruiterId: string, def: TemplateDefinition) {
    const known = await people(recruiterId);
    def.sessions.forEach((s, i) => {
      for (const id of [...s.interviewers, ...s.pool]) {
        if (!known.has(id)) throw new UserError(400, `Session ${i + 1} names an interviewer who is not on your list`, { [`sessions.${i}.interviewers`]: 'Unknown interviewer' });
      }
    });
  }

  async function ownTemplate(recruiterId: string, id: string) {
    const [row] = await db.query<{ id: string; name: string; definition: TemplateDefinition; updated_at: Date }>(
      `select id, name, definition, updated_at from interview_templates where id = $1 and recruiter_id = $2`, [id, recruiterId]);
    if (!row) throw new UserError(404, 'No such template');
    return row;
  }

  const duplicateName = (err: unknown) => {
    if (pgErrorCode(err) === PG.uniqueViolation) throw new UserError(409, 'You already have a template with this name', { name: 'Already used' });
    throw err;
  };

  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .get('/interviewers', async (c) => c.json({ interviewers: await listInterviewers(db, c.get('recruiter').id) }))
    .post('/interviewers', validate('json', AddBody), async (c) => {
      const input = c.req.valid('json');
      const recruiterId = c.get('recruiter').id;
      const id = await db.transaction(async (tx) => {
        const [row] = await tx.query<{ id: string }>(
          `insert into interviewers (recruiter_id, email, name) values ($1, $2, $3)
           on conflict (recruiter_id, email) do update set name = excluded.name returning id`, [recruiterId, input.email, input.name]);
        const [account] = await tx.query(`select 1 from recruiters where email = $1`, [input.email]);
        if (!account && input.sendInvite) await invite(deps, tx, row!.id);
        return row!.id;
      });
      const [row] = await db.query<InterviewerRow>(`${INTERVIEWER_SELECT} where i.id = $1`, [id]);
      return c.json({ interviewer: toInterviewer(row!) }, 201);
    })
    .post('/interviewers/:id/invite', validate('param', IdParam), async (c) => {
      const recruiterId = c.get('recruiter').id;
      await db.transaction(async (tx) => {
        const [row] = await tx.query(`select id from interviewers where id = $1 and recruiter_id = $2 for update`, [c.req.valid('param').id, recruiterId]);
        if (!row) throw new UserError(404, 'No such interviewer');
        await invite(deps, tx, c.req.valid('param').id);
      });
      const [row] = await db.query<InterviewerRow>(`${INTERVIEWER_SELECT} where i.id = $1`, [c.req.valid('param').id]);
      return c.json({ interviewer: toInterviewer(row!) });
    })
    .delete('/interviewers/:id', validate('param', IdParam), async (c) => {
      const recruiterId = c.get('recruiter').id;
      const id = c.req.valid('param').id;
      const used = await db.query<{ name: string }>(
        `select name from interview_templates where recruiter_id = $1 and definition::text like '%' || $2 || '%'`, [recruiterId, id]);
      if (used.length) throw new UserError(409, `Remove this interviewer from ${used.map((u) => `“${u.name}”`).join(', ')} first`);
      const rows = await db.query(`delete from interviewers where id = $1 and recruiter_id = $2 returning id`, [id, recruiterId]);
      if (!rows.length) throw new UserError(404, 'No such interviewer');
      return c.json({ ok: true });
    })
    .get('/templates', async (c) => {
      const recruiterId = c.get('recruiter').id;
      const known = await people(recruiterId);
      const rows = await db.query<{ id: string; name: string; definition: TemplateDefinition; updated_at: Date }>(
        `select id, name, definition, updated_at from interview_templates where recruiter_id = $1 order by lower(name)`, [recruiterId]);
      return c.json({ templates: rows.map((r) => templateJson(r.id, r.name, r.definition, r.updated_at, known)) });
    })
    .post('/templates', validate('json', TemplateInputSchema), async (c) => {
      const recruiterId = c.get('recruiter').id;
      const { name, ...def } = c.req.valid('json');
      await checkMembers(recruiterId, { name, ...def });
      const [row] = await db.query<{ id: string; updated_at: Date }>(
        `insert into interview_templates (recruiter_id, name, definition) values ($1, $2, $3) returning id, updated_at`,
        [recruiterId, name, JSON.stringify(def)]).catch(duplicateName);
      return c.json({ template: templateJson(row!.id, name, { name, ...def }, row!.updated_at, await people(recruiterId)) }, 201);
    })
    .put('/templates/:id', validate('param', IdParam), validate('json', TemplateInputSchema), async (c) => {
      const recruiterId = c.get('recruiter').id;
      const { name, ...def } = c.req.valid('json');
      await checkMembers(recruiterId, { name, ...def });
      const [row] = await db.query<{ id: string; updated_at: Date }>(
        `update interview_templates set name = $3, definition = $4, updated_at = now() where id = $1 and recruiter_id = $2 returning id, updated_at`,
        [c.req.valid('param').id, recruiterId, name, JSON.stringify(def)]).catch(duplicateName);
      if (!row) throw new UserError(404, 'No such template');
      return c.json({ template: templateJson(row.id, name, { name, ...def }, row.updated_at, await people(recruiterId)) });
    })
    .delete('/templates/:id', validate('param', IdParam), async (c) => {
      const rows = await db.query(`delete from interview_templates where id = $1 and recruiter_id = $2 returning id`, [c.req.valid('param').id, c.get('recruiter').id]);
      if (!rows.length) throw new UserError(404, 'No such template');
      return c.json({ ok: true });
    })
    // Share availability with a template: the recipient's link books the whole panel; the answer
    // carries the template's message, filled in, for Insert.
    .post('/templates/:id/share', validate('param', IdParam), validate('json', ShareBody), async (c) => {
      const recruiter = c.get('recruiter');
      const input = c.req.valid('json');
      const row = await ownTemplate(recruiter.id, c.req.valid('param').id);
      const def = row.definition;
      const known = await people(recruiter.id);
      const member = (id: string): PanelMember => {
        const p = known.get(id);
        if (!p) throw new UserError(409, 'An interviewer of this template was removed: edit the template first');
        return { id: p.id, email: p.email, name: p.name };
      };
      const snapshot: PanelSnapshot = {
        templateId: row.id, name: row.name, shape: def.shape, order: def.order, gapMinutes: def.gapMinutes, sharePending: input.sharePending,
        sessions: def.sessions.map((s) => ({ name: s.name, durationMinutes: s.durationMinutes, interviewers: s.interviewers.map(member), pool: s.pool.map(member) })),
      };
      const pending = templateJson(row.id, row.name, def, row.updated_at, known).pending;
      if (pending.length && !input.sharePending) {
        return c.json({
          error: { message: `${pending.map((p) => p.name).join(', ')} ${pending.length > 1 ? 'have' : 'has'} not connected a calendar or marked their hours yet. Share anyway, and they will not limit the times?` },
          pending,
        }, 409);
      }
      const settings = await loadSettings(db, recruiter.id);
      const { row: invitation, reused } = await openInvitationFor(deps, recruiter.id, {
        recipient: input.recipient, durationMinutes: loopMinutes(def), expiresInDays: input.expiresInDays ?? settings.linkExpiryDays,
        video: def.video, panel: { templateId: row.id, snapshot },
      });
      const link = invitationUrl(deps, deps.sealer.open(invitation.token_sealed));
      const message = renderMessage(def.message, {
        candidate_first_name: firstName(input.recipient.name),
        recruiter_name: recruiter.name,
        interview_name: row.name,
        duration: formatDuration(loopMinutes(def)),
        booking_link: link,
        join_link: await candidateJoinLink(deps, recruiter.id, input.recipient.key),
      });
      return c.json({ invitation: toInvitationJson(deps, invitation, reused), message, pending }, reused ? 200 : 201);
    });
}

/** {join_link}: the candidate's own join link of their next booked interview, or where it will come from. */
async function candidateJoinLink(deps: Deps, recruiterId: string, recipientKey: string): Promise<string> {
  const [next] = await deps.db.query<{ id: string }>(
    `select b.id from bookings b join invitations i on i.id = b.invitation_id
      where b.recruiter_id = $1 and i.recipient_key = $2 and b.status = 'confirmed' and b.ends_at > $3 order by b.starts_at limit 1`,
    [recruiterId, recipientKey, new Date(deps.clock())]);
  const video = next ? await videoFor(deps, next.id) : null;
  const theirs = video?.links.find((l) => l.role === 'candidate');
  return theirs ? theirs.url : '(your personal video link comes with the confirmation)';
}
