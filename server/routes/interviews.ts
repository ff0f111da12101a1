import { Hono } from 'hono';
import { z } from 'zod';
import { RecipientSchema, VideoProviderSchema, type Interview } from '../../lib/schemas.js';
import type { Sql } from '../db.js';
import type { AppEnv, Deps } from '../deps.js';
import { UserError, validate } from '../http.js';
import { cancel, createByRecruiter, LinkClosedError, loadInvitationContext, SlotTakenError } from '../services/bookings.js';
import { invitationUrl, openInvitationFor } from '../services/invitations.js';
import { addJoinLink, attachVideo, videoFor } from '../video.js';
import { requireRecruiter } from './auth.js';
import { panelOf, replaceInterviewer, resendInterviewerLinks } from '../services/panels.js';
import type { PanelMember, PanelSnapshot } from '../services/panel-people.js';
import { loadSettings } from './settings.js';

interface Row {
  id: string; starts_at: Date; ends_at: Date; candidate_name: string; candidate_email: string | null; candidate_phone: string | null;
  candidate_time_zone: string; note: string | null; status: 'confirmed' | 'cancelled'; token_sealed: string; sequence: number;
}
const IdParam = z.object({ id: z.uuid('Unknown interview id') });
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
const NextQuery = z.object({ recipientKey: z.string().min(3).max(300) });
const CreateBody = z.object({
  recipient: RecipientSchema,
  start: z.iso.datetime({ offset: true, message: 'Choose a date and time' }),
  durationMinutes: z.number().int().min(5).max(480),
  video: VideoProviderSchema,
});
const VideoBody = z.object({ video: VideoProviderSchema });
const ReplaceBody = z.object({ participantId: z.uuid('Choose the interviewer to replace'), interviewerId: z.uuid('Unknown interviewer').optional() });
const ParticipantBody = z.object({ name: z.string().trim().min(1, 'Enter the interviewer’s name').max(120), email: z.email('Enter a valid email address') });

const COLUMNS = `b.id, b.starts_at, b.ends_at, b.candidate_name, b.candidate_email, b.candidate_phone, b.candidate_time_zone,
  b.note, b.status, b.sequence, i.token_sealed`;

/** The recruiter's interviews: the popup's list, "Add video link", interviewers, and the recruiter's own cancel. */
export function interviewRoutes(deps: Deps) {
  const { db, clock } = deps;

  async function toJson(r: Row): Promise<Interview> {
    const video = await videoFor(deps, r.id);
    const mine = video?.links.find((l) => l.role === 'recruiter');
    const theirs = video?.links.find((l) => l.role === 'candidate');
    return {
      id: r.id, start: r.starts_at.toISOString(), end: r.ends_at.toISOString(), candidateName: r.candidate_name,
      candidateEmail: r.candidate_email, candidatePhone: r.candidate_phone, candidateTimeZone: r.candidate_time_zone,
      note: r.note, status: r.status, link: invitationUrl(deps, deps.sealer.open(r.token_sealed)),
      video: video && mine && theirs
        ? { provider: video.provider, status: video.status, joinUrl: mine.url, accessCode: mine.code, candidateJoinUrl: theirs.url, candidateAccessCode: theirs.code, error: video.error }
        : null,
      loop: await loopJson(r.id),
    };
  }

  async function loopJson(bookingId: string): Promise<Interview['loop']> {
    const [inv] = await db.query<{ panel: PanelSnapshot | null }>(`select i.panel from bookings b join invitations i on i.id = b.invitation_id where b.id = $1 and b.is_panel`, [bookingId]);
    if (!inv?.panel) return null;
    const panel = inv.panel;
    const sessions = await db.query<{ position: number; name: string; starts_at: Date; ends_at: Date }>(
      `select position, name, starts_at, ends_at from booking_sessions where booking_id = $1 order by starts_at`, [bookingId]);
    const seats = await db.query<{ id: string; session_position: number; name: string; email: string }>(
      `select id, session_position, name, email from panel_participants where booking_id = $1 and active order by created_at`, [bookingId]);
    return {
      name: panel.name,
      sessions: sessions.map((s) => ({
        name: s.name, start: s.starts_at.toISOString(), end: s.ends_at.toISOString(),
        interviewers: seats.filter((p) => p.session_position === s.position).map((p) => ({
          participantId: p.id, name: p.name, email: p.email,
          pooled: !panel.sessions[s.position]?.interviewers.some((m) => m.email === p.email),
        })),
      })),
    };
  }

  async function contextOf(row: Row) {
    const ctx = await loadInvitationContext(deps, deps.sealer.open(row.token_sealed));
    if (!ctx?.booking || !panelOf(ctx)) throw new UserError(409, 'This interview is not a panel');
    return ctx;
  }

  async function own(sql: Sql, recruiterId: string, id: string): Promise<Row> {
    const [row] = await sql.query<Row>(`select ${COLUMNS} from bookings b join invitations i on i.id = b.invitation_id where b.id = $1 and b.recruiter_id = $2`, [id, recruiterId]);
    if (!row) throw new UserError(404, 'No such interview');
    return row;
  }

  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .get('/', validate('query', ListQuery), async (c) => {
      const rows = await db.query<Row>(
        `select ${COLUMNS} from bookings b join invitations i on i.id = b.invitation_id
          where b.recruiter_id = $1 and b.status = 'confirmed' and b.ends_at > $2 order by b.starts_at limit $3`,
        [c.get('recruiter').id, new Date(clock()), c.req.valid('query').limit],
      );
      return c.json({ interviews: await Promise.all(rows.map(toJson)) });
    })
    // "Add video link" in a conversation: the next interview already booked with this person.
    .get('/next', validate('query', NextQuery), async (c) => {
      const [row] = await db.query<Row>(
        `select ${COLUMNS} from bookings b join invitations i on i.id = b.invitation_id
          where b.recruiter_id = $1 and i.recipient_key = $2 and b.status = 'confirmed' and b.ends_at > $3 order by b.starts_at limit 1`,
        [c.get('recruiter').id, c.req.valid('query').recipientKey, new Date(clock())],
      );
      return c.json({ interview: row ? await toJson(row) : null });
    })
    // …or a meeting at a time the recruiter picks.
    .post('/', validate('json', CreateBody), async (c) => {
      const input = c.req.valid('json');
      const recruiter = c.get('recruiter');
      const start = Date.parse(input.start);
      if (start + input.durationMinutes * 60_000 <= clock()) throw new UserError(400, 'That time is already over: choose a time in the future', { start: 'Choose a time in the future' });
      const settings = await loadSettings(db, recruiter.id);
      const { row: invitation, reused } = await openInvitationFor(deps, recruiter.id, { recipient: input.recipient, durationMinutes: input.durationMinutes, expiresInDays: settings.linkExpiryDays, video: input.video });
      try {
        const booking = await createByRecruiter(deps, recruiter, {
          invitationId: invitation.id, candidateName: input.recipient.name ?? 'Candidate', start, durationMinutes: input.durationMinutes, video: input.video,
        });
        return c.json({ interview: await toJson(await own(db, recruiter.id, booking.id)) }, 201);
      } catch (err) {
        // Refused: a link made just for this interview (never shared) goes with it.
        if (!reused) await db.query(`delete from invitations where id = $1 and status = 'created'`, [invitation.id]);
        if (err instanceof SlotTakenError) throw new UserError(409, 'That time overlaps another interview of yours: choose another time', { start: 'Overlaps another interview' });
        if (err instanceof LinkClosedError) throw new UserError(409, 'You already have an interview booked with this person: add the video link to it instead');
        throw err;
      }
    })
    .post('/:id/video', validate('param', IdParam), validate('json', VideoBody), async (c) => {
      const recruiter = c.get('recruiter');
      const row = await own(db, recruiter.id, c.req.valid('param').id);
      if (row.status !== 'confirmed') throw new UserError(409, 'This interview was cancelled');
      const settings = await loadSettings(db, recruiter.id);
      await db.transaction((tx) => attachVideo(deps, tx, { id: row.id, candidate_name: row.candidate_name, candidate_email: row.candidate_email, sequence: row.sequence }, recruiter, c.req.valid('json').video, settings.video));
      return c.json({ interview: await toJson(row) });
    })
    // Every interviewer gets a link of their own, never shared.
    .post('/:id/participants', validate('param', IdParam), validate('json', ParticipantBody), async (c) => {
      const recruiter = c.get('recruiter');
      const row = await own(db, recruiter.id, c.req.valid('param').id);
      const [meeting] = await db.query(`select 1 from meetings where booking_id = $1`, [row.id]);
      if (!meeting) throw new UserError(409, 'Add a video link to this interview first');
      const settings = await loadSettings(db, recruiter.id);
      const p = c.req.valid('json');
      await db.transaction(async (tx) => {
        await addJoinLink(deps, tx, row.id, { role: 'interviewer', name: p.name, email: p.email.toLowerCase() }, settings.video.accessCodes);
        await deps.jobs.enqueue(tx, 'mail.interviewer', { bookingId: row.id, email: p.email.toLowerCase() }, `interviewer:${row.id}:${p.email.toLowerCase()}`);
      });
      const video = await videoFor(deps, row.id);
      return c.json({ participants: video!.links.filter((l) => l.role === 'interviewer').map(({ name, email, url, code }) => ({ name, email, url, code })) }, 201);
    })
    // Panels: every interviewer gets their invitation again (each with their own link only).
    .post('/:id/resend', validate('param', IdParam), async (c) => {
      const row = await own(db, c.get('recruiter').id, c.req.valid('param').id);
      if (row.status !== 'confirmed') throw new UserError(409, 'This interview was cancelled');
      const ctx = await contextOf(row);
      const sent = await resendInterviewerLinks(deps, ctx.booking!);
      return c.json({ sent });
    })
    // Panels: another interviewer takes one seat, at the same time.
    .post('/:id/replace', validate('param', IdParam), validate('json', ReplaceBody), async (c) => {
      const recruiter = c.get('recruiter');
      const row = await own(db, recruiter.id, c.req.valid('param').id);
      const ctx = await contextOf(row);
      const { participantId, interviewerId } = c.req.valid('json');
      let replacement: PanelMember | undefined;
      if (interviewerId) {
        const [p] = await db.query<PanelMember>(`select id, email, name from interviewers where id = $1 and recruiter_id = $2`, [interviewerId, recruiter.id]);
        if (!p) throw new UserError(404, 'No such interviewer');
        replacement = p;
      }
      const result = await replaceInterviewer(deps, ctx, ctx.booking!, participantId, replacement);
      return c.json({ ...result, interview: await toJson(await own(db, recruiter.id, row.id)) });
    })
    .post('/:id/cancel', validate('param', IdParam), async (c) => {
      const row = await own(db, c.get('recruiter').id, c.req.valid('param').id);
      const ctx = await loadInvitationContext(deps, deps.sealer.open(row.token_sealed));
      try {
        await cancel(deps, ctx!, 'recruiter');
      } catch (err) {
        if (err instanceof LinkClosedError) throw new UserError(409, 'This interview has already started or was cancelled');
        throw err;
      }
      return c.json({ ok: true });
    });
}

export function notificationRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .get('/', async (c) => {
      const rows = await deps.db.query<{ id: string; kind: 'booked' | 'rescheduled' | 'cancelled' | 'video-failed'; message: string; created_at: Date; read_at: Date | null }>(
        `select id, kind, message, created_at, read_at from notifications where recruiter_id = $1 order by created_at desc limit 50`,
        [c.get('recruiter').id],
      );
      return c.json({
        notifications: rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, createdAt: r.created_at.toISOString(), read: r.read_at !== null })),
      });
    })
    .post('/read', async (c) => {
      await deps.db.query(`update notifications set read_at = now() where recruiter_id = $1 and read_at is null`, [c.get('recruiter').id]);
      return c.json({ ok: true });
    });
}
