import { freeLoops, isSlotFree, placeLoop, type Interval, type LoopSlot, type PanelInput, type Person } from '../../lib/availability/index.js';
import { normalisedPhone, noteText, type BookingForm } from '../../lib/booking-form.js';
import { PG, pgErrorCode, type Sql } from '../db.js';
import type { Deps } from '../deps.js';
import { UserError } from '../http.js';
import { addJoinLink, attachVideo } from '../video.js';
import {
  BOOKING_COLUMNS, formatWhen, LinkClosedError, SlotTakenError, type BookingRow, type InvitationContext,
} from './bookings.js';
import { accountsByEmail, interviewsOf, loadPeople, PersonCalendarError, snapshotMembers, type PanelMember, type PanelSnapshot } from './panel-people.js';

/*
 * Panel interviews: a loop of sessions, each with its interviewers, booked by the candidate at once.
 * Times come from the same pure engine as one-to-one slots (freeLoops); a booking re-reads every
 * interviewer's calendar live, re-checks the loop inside one transaction that locks the people's
 * accounts, and writes one participant row per person and session, which an exclusion constraint
 * keeps from ever overlapping another interview of the same person.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;

export function panelOf(ctx: InvitationContext): PanelSnapshot | undefined {
  return (ctx.invitation.panel as PanelSnapshot | null) ?? undefined;
}

/** Pending people (shared anyway) reach the engine with open hours: only their other interviews limit them. */
function engineInput(ctx: InvitationContext, panel: PanelSnapshot, people: Person[], now: number, viewerTimeZone: string): PanelInput {
  const s = ctx.settings;
  return {
    people,
    sessions: panel.sessions.map((x) => ({
      durationMinutes: x.durationMinutes,
      required: x.interviewers.map((m) => m.email),
      pool: x.pool.map((m) => m.email),
    })),
    gapMinutes: panel.gapMinutes,
    order: panel.order,
    loop: { timeZone: s.timeZone, minimumNoticeMinutes: s.minimumNoticeMinutes, noSameDay: s.noSameDay, horizonDays: s.horizonDays, slotStepMinutes: s.slotStepMinutes },
    now,
    from: now,
    to: now + (s.horizonDays + 2) * DAY,
    viewerTimeZone,
  };
}

export type PanelSlotsAnswer = { slots: LoopSlot[]; calendarError?: string };

/** The loops the candidate can book, for the booking page (calendars through the short-lived cache). */
export async function panelSlots(deps: Deps, ctx: InvitationContext, viewerTimeZone: string, exceptBookingId?: string): Promise<PanelSlotsAnswer> {
  const panel = panelOf(ctx)!;
  const now = deps.clock();
  const range = { start: now, end: now + (ctx.settings.horizonDays + 2) * DAY };
  try {
    const ownSessions = exceptBookingId ? await sessionsByPerson(deps.db, exceptBookingId) : undefined;
    const { people, pending } = await loadPeople(deps, deps.db, snapshotMembers(panel), range, {
      cache: deps.busyCache, ...(exceptBookingId ? { exceptBookingId } : {}), ...(ownSessions ? { ownSessions } : {}),
    });
    if (pending.length && !panel.sharePending) {
      return { slots: [], calendarError: `${pending.map((p) => p.name).join(', ')} ${pending.length > 1 ? 'have' : 'has'} not shared their availability yet` };
    }
    return { slots: freeLoops(engineInput(ctx, panel, people, now, viewerTimeZone)) };
  } catch (err) {
    if (err instanceof PersonCalendarError) return { slots: [], calendarError: err.message };
    throw err;
  }
}

async function sessionsByPerson(sql: Sql, bookingId: string): Promise<Map<string, Interval[]>> {
  const rows = await sql.query<{ email: string; starts_at: Date; ends_at: Date }>(
    `select email, starts_at, ends_at from panel_participants where booking_id = $1 and active`, [bookingId]);
  const map = new Map<string, Interval[]>();
  for (const r of rows) map.set(r.email, [...(map.get(r.email) ?? []), { start: r.starts_at.getTime(), end: r.ends_at.getTime() }]);
  return map;
}

/**
 * Re-checks a loop start against live calendars and the people's interviews read inside the
 * transaction, then lets `write` store it. Locks every participant's account row (in id order, so
 * concurrent loops never deadlock), which also serialises with their one-to-one bookings.
 */
async function commitLoop(
  deps: Deps, ctx: InvitationContext, start: number, viewerTimeZone: string,
  write: (tx: Sql, loop: LoopSlot) => Promise<BookingRow>, exceptBookingId?: string,
): Promise<BookingRow> {
  const panel = panelOf(ctx)!;
  const members = snapshotMembers(panel);
  const now = deps.clock();
  const range = { start: now, end: now + (ctx.settings.horizonDays + 2) * DAY };
  const ownSessions = exceptBookingId ? await sessionsByPerson(deps.db, exceptBookingId) : undefined;
  // Live calendars first (slow, outside the transaction); interviews again inside it.
  let live: { people: Person[]; pending: PanelMember[] };
  try {
    live = await loadPeople(deps, deps.db, members, range, { ...(exceptBookingId ? { exceptBookingId } : {}), ...(ownSessions ? { ownSessions } : {}) });
  } catch (err) {
    if (err instanceof PersonCalendarError) throw new SlotTakenError();
    throw err;
  }
  if (live.pending.length && !panel.sharePending) throw new SlotTakenError();
  try {
    return await deps.db.transaction(async (tx) => {
      const emails = members.map((m) => m.email);
      await tx.query(`select id from recruiters where email = any($1::text[]) order by id for update`, [emails]);
      const accounts = await accountsByEmail(tx, emails);
      const window = { start: range.start - DAY, end: range.end + DAY };
      const people: Person[] = [];
      for (const p of live.people) {
        people.push({ ...p, bookings: await interviewsOf(tx, p.id, accounts.get(p.id), window, exceptBookingId) });
      }
      const loop = placeLoop(engineInput(ctx, panel, people, deps.clock(), viewerTimeZone), start);
      if (!loop) throw new SlotTakenError();
      return write(tx, loop);
    });
  } catch (err) {
    if (pgErrorCode(err) === PG.exclusionViolation) throw new SlotTakenError();
    throw err;
  }
}

/** Session rows and one participant row per person and session; join links for people new to the loop. */
async function writeSessions(deps: Deps, tx: Sql, ctx: InvitationContext, booking: BookingRow, loop: LoopSlot): Promise<void> {
  const panel = panelOf(ctx)!;
  const members = new Map(snapshotMembers(panel).map((m) => [m.email, m]));
  await tx.query(`delete from booking_sessions where booking_id = $1`, [booking.id]);
  await tx.query(`update panel_participants set active = false where booking_id = $1 and active`, [booking.id]);
  for (const placed of loop.sessions) {
    const def = panel.sessions[placed.session]!;
    await tx.query(`insert into booking_sessions (booking_id, position, name, starts_at, ends_at) values ($1, $2, $3, $4, $5)`,
      [booking.id, placed.session, def.name, new Date(placed.start), new Date(placed.end)]);
    const who = [...def.interviewers.map((m) => m.email), ...(placed.poolPick ? [placed.poolPick] : [])];
    for (const email of who) {
      const m = members.get(email)!;
      await tx.query(
        `insert into panel_participants (booking_id, session_position, interviewer_id, email, name, starts_at, ends_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [booking.id, placed.session, m.id, m.email, m.name, new Date(placed.start), new Date(placed.end)]);
    }
  }
}

/** After a loop changed: the recruiter is told, every interviewer's calendar and mail follow, the meeting moves. */
async function afterLoopChange(
  deps: Deps, tx: Sql, booking: BookingRow, kind: 'booked' | 'rescheduled' | 'cancelled', message: string, previousStart?: Date,
) {
  await tx.query(`insert into notifications (recruiter_id, booking_id, kind, message) values ($1, $2, $3, $4)`, [booking.recruiter_id, booking.id, kind, message]);
  const v = `${booking.id}:${booking.sequence}`;
  const [meeting] = await tx.query<{ provider: string }>(`select provider from meetings where booking_id = $1`, [booking.id]);
  const withCode = await accessCodesWanted(tx, booking.recruiter_id);
  const people = await tx.query<{ email: string; name: string; active: boolean }>(
    `select email, min(name) as name, bool_or(active) as active from panel_participants where booking_id = $1 group by email`, [booking.id]);
  for (const p of people) {
    if (meeting && p.active) {
      const [link] = await tx.query(`select 1 from join_links where booking_id = $1 and role = 'interviewer' and email = $2`, [booking.id, p.email]);
      if (!link) await addJoinLink(deps, tx, booking.id, { role: 'interviewer', name: p.name, email: p.email }, withCode);
    }
    if (meeting && !p.active) await tx.query(`delete from join_links where booking_id = $1 and role = 'interviewer' and email = $2`, [booking.id, p.email]);
    await deps.jobs.enqueue(tx, 'panel.calendar', { bookingId: booking.id, email: p.email }, `panel-calendar:${v}:${p.email}`);
    await deps.jobs.enqueue(tx, 'panel.mail', { bookingId: booking.id, email: p.email }, `panel-mail:${v}:${p.email}`);
  }
  if (meeting) await deps.jobs.enqueue(tx, 'video.sync', { bookingId: booking.id }, `video:${v}`);
  const previous = previousStart ? { previousStart: previousStart.toISOString() } : {};
  await deps.jobs.enqueue(tx, 'mail.booking', { bookingId: booking.id, kind, to: 'recruiter', ...previous }, `mail:recruiter:${v}`);
  if (booking.candidate_email) await deps.jobs.enqueue(tx, 'mail.booking', { bookingId: booking.id, kind, to: 'candidate', ...previous }, `mail:candidate:${v}`);
}

async function accessCodesWanted(tx: Sql, recruiterId: string): Promise<boolean> {
  const [row] = await tx.query<{ codes: boolean | null }>(`select (settings->'video'->>'accessCodes')::boolean as codes from scheduler_settings where recruiter_id = $1`, [recruiterId]);
  return row?.codes ?? true;
}

export async function bookPanel(deps: Deps, ctx: InvitationContext, form: BookingForm): Promise<BookingRow> {
  if (ctx.status !== 'created' && ctx.status !== 'opened') throw new LinkClosedError(ctx.status);
  const panel = panelOf(ctx)!;
  return commitLoop(deps, ctx, Date.parse(form.start), form.timeZone, async (tx, loop) => {
    const [inv] = await tx.query<{ status: string }>(`select status from invitations where id = $1 for update`, [ctx.invitation.id]);
    if (inv?.status !== 'created' && inv?.status !== 'opened') throw new LinkClosedError('booked');
    const [row] = await tx.query<BookingRow>(
      `insert into bookings (recruiter_id, invitation_id, starts_at, ends_at, status, candidate_name, candidate_phone,
                             candidate_email, candidate_time_zone, note, is_panel)
       values ($1, $2, $3, $4, 'confirmed', $5, $6, $7, $8, $9, true) returning ${BOOKING_COLUMNS}`,
      [ctx.recruiter.id, ctx.invitation.id, new Date(loop.start), new Date(loop.end), form.name, normalisedPhone(form),
        form.email || null, form.timeZone, noteText(form)],
    );
    await tx.query(`update invitations set status = 'booked' where id = $1`, [ctx.invitation.id]);
    await writeSessions(deps, tx, ctx, row!, loop);
    if (ctx.invitation.video_provider) await attachVideo(deps, tx, row!, ctx.recruiter, ctx.invitation.video_provider, ctx.settings.video);
    await afterLoopChange(deps, tx, row!, 'booked', `${form.name} booked the ${panel.name} on ${formatWhen(ctx.settings.timeZone, loop.start)}`);
    return row!;
  });
}

export async function reschedulePanel(deps: Deps, ctx: InvitationContext, current: BookingRow, startIso: string, viewerTimeZone: string): Promise<BookingRow> {
  const panel = panelOf(ctx)!;
  return commitLoop(deps, ctx, Date.parse(startIso), viewerTimeZone, async (tx, loop) => {
    const [row] = await tx.query<BookingRow>(
      `update bookings set starts_at = $2, ends_at = $3, sequence = sequence + 1, updated_at = now()
        where id = $1 and status = 'confirmed' returning ${BOOKING_COLUMNS}`,
      [current.id, new Date(loop.start), new Date(loop.end)],
    );
    if (!row) throw new LinkClosedError('booked');
    await writeSessions(deps, tx, ctx, row, loop);
    await tx.query(`delete from panel_participants where booking_id = $1 and not active and email in (select email from panel_participants where booking_id = $1 and active)`, [row.id]);
    await afterLoopChange(deps, tx, row, 'rescheduled',
      `${row.candidate_name} moved the ${panel.name} from ${formatWhen(ctx.settings.timeZone, current.starts_at)} to ${formatWhen(ctx.settings.timeZone, loop.start)}`, current.starts_at);
    return row;
  }, current.id);
}

/** Inside the cancel transaction: every session of the loop is freed at once. */
export async function cancelPanelSessions(deps: Deps, tx: Sql, booking: BookingRow, message: string): Promise<void> {
  await tx.query(`update panel_participants set active = false where booking_id = $1`, [booking.id]);
  await afterLoopChange(deps, tx, booking, 'cancelled', message);
}

/**
 * The recruiter replaces one interviewer of a booked loop: with the person they name, or else the
 * first free member of that session's pool. The candidate's time stays; when nobody is free then,
 * the recruiter is told so (and can ask the candidate to reschedule).
 */
export async function replaceInterviewer(
  deps: Deps, ctx: InvitationContext, booking: BookingRow, participantId: string, replacement: PanelMember | undefined,
): Promise<{ replaced: string; by: PanelMember }> {
  const panel = panelOf(ctx)!;
  const [old] = await deps.db.query<{ id: string; email: string; name: string; session_position: number; starts_at: Date; ends_at: Date }>(
    `select id, email, name, session_position, starts_at, ends_at from panel_participants where id = $1 and booking_id = $2 and active`,
    [participantId, booking.id]);
  if (!old) throw new UserError(404, 'This interviewer is not on the interview (any more)');
  if (booking.status !== 'confirmed' || booking.starts_at.getTime() <= deps.clock()) throw new UserError(409, 'This interview has started or was cancelled');
  const session = panel.sessions[old.session_position]!;
  const [sitting] = await deps.db.query<{ emails: string[] }>(
    `select coalesce(array_agg(email), '{}') as emails from panel_participants where booking_id = $1 and session_position = $2 and active`, [booking.id, old.session_position]);
  const taken = new Set(sitting?.emails ?? []);
  const candidates = replacement ? [replacement] : [...session.pool, ...session.interviewers].filter((m) => !taken.has(m.email));
  if (!candidates.length) throw new UserError(409, `Nobody else in “${session.name}” can step in: add an interviewer to the template's pool, or name one`);
  const slot = { start: old.starts_at.getTime(), end: old.ends_at.getTime() };
  const range = { start: slot.start - DAY, end: slot.end + DAY };
  let chosen: PanelMember | undefined;
  let reason = '';
  for (const m of candidates) {
    if (taken.has(m.email)) { reason = `${m.name} is already in this session`; continue; }
    try {
      const { people, pending } = await loadPeople(deps, deps.db, [m], range, {});
      const p = people[0]!;
      if (pending.length && !replacement) { reason = `${m.name} has not shared their availability yet`; continue; }
      const free = isSlotFree({
        rules: {
          ...p.rules, durationMinutes: (slot.end - slot.start) / MINUTE, minimumNoticeMinutes: 0, noSameDay: false, horizonDays: 3650, slotStepMinutes: 5,
        },
        busy: p.busy, bookings: p.bookings, now: deps.clock(),
      }, slot);
      if (free) { chosen = m; break; }
      reason = `${m.name} is not free then`;
    } catch (err) {
      if (err instanceof PersonCalendarError) { reason = err.message; continue; }
      throw err;
    }
  }
  if (!chosen) throw new UserError(409, `${replacement ? reason : 'Nobody in the pool is free at that time'}. Keep ${old.name}, or ask the candidate to pick another time.`);
  const by = chosen;
  try {
    await deps.db.transaction(async (tx) => {
      await tx.query(`select id from recruiters where email = $1 for update`, [by.email]);
      await tx.query(`update panel_participants set active = false where id = $1`, [old.id]);
      await tx.query(
        `insert into panel_participants (booking_id, session_position, interviewer_id, email, name, starts_at, ends_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [booking.id, old.session_position, by.id, by.email, by.name, old.starts_at, old.ends_at]);
      const [row] = await tx.query<BookingRow>(`update bookings set sequence = sequence + 1, updated_at = now() where id = $1 returning ${BOOKING_COLUMNS}`, [booking.id]);
      await afterLoopChange(deps, tx, row!, 'rescheduled', `${by.name} replaces ${old.name} in “${session.name}” with ${row!.candidate_name}`);
    });
  } catch (err) {
    if (pgErrorCode(err) === PG.exclusionViolation) throw new UserError(409, `${by.name} was just booked at that time. Try again.`);
    throw err;
  }
  return { replaced: old.name, by };
}

/** Sends every interviewer of the loop their invitation again (their own link only). */
export async function resendInterviewerLinks(deps: Deps, booking: BookingRow): Promise<number> {
  const people = await deps.db.query<{ email: string }>(`select distinct email from panel_participants where booking_id = $1 and active`, [booking.id]);
  const stamp = deps.clock();
  await deps.db.transaction(async (tx) => {
    for (const p of people) await deps.jobs.enqueue(tx, 'panel.mail', { bookingId: booking.id, email: p.email, resend: true }, `panel-mail:${booking.id}:resend:${stamp}:${p.email}`);
  });
  return people.length;
}
