import { DateTime } from 'luxon';
import { freeSlots, isSlotFree, type AvailabilityRules, type FreeSlotsInput, type Interval } from '../../lib/availability/index.js';
import { normalisedPhone, noteText, type BookingForm } from '../../lib/booking-form.js';
import type { SchedulerSettings } from '../../lib/schemas.js';
import { PG, pgErrorCode, type Sql } from '../db.js';
import type { Deps } from '../deps.js';
import { CalendarUnavailableError } from '../providers/calendar/types.js';
import { loadSettings } from '../routes/settings.js';
import { attachVideo } from '../video.js';
import { effectiveStatus, findInvitationByToken, type InvitationRow } from './invitations.js';
import { bookPanel, cancelPanelSessions, panelOf, panelSlots, reschedulePanel } from './panels.js';

const DAY = 86_400_000;

/** "Tue, Mar 10, 2026, 10:00 AM (America/New_York)": how the recruiter reads a time in notifications. */
export function formatWhen(timeZone: string, at: Date | number): string {
  const dt = DateTime.fromMillis(typeof at === 'number' ? at : at.getTime(), { zone: timeZone });
  return `${dt.toFormat('ccc, LLL d, yyyy, h:mm a')} (${timeZone})`;
}

export interface BookingRow {
  id: string;
  created_by: 'candidate' | 'recruiter';
  invitation_id: string;
  recruiter_id: string;
  starts_at: Date;
  ends_at: Date;
  status: 'confirmed' | 'cancelled';
  candidate_name: string;
  candidate_phone: string | null;
  candidate_email: string | null;
  candidate_time_zone: string;
  note: string | null;
  sequence: number;
}
export const BOOKING_COLUMNS = `id, created_by, invitation_id, recruiter_id, starts_at, ends_at, status, candidate_name, candidate_phone,
  candidate_email, candidate_time_zone, note, sequence`;

export interface InvitationContext {
  invitation: InvitationRow;
  status: InvitationRow['status'];
  recruiter: { id: string; name: string; email: string };
  settings: SchedulerSettings;
  /** The confirmed booking made through this link, if any. */
  booking?: BookingRow;
}

export class SlotTakenError extends Error {
  constructor() {
    super('That time was just taken. Please pick another time.');
  }
}
/** A start the link never offered (off the grid, outside the hours): refused, with the fresh times. */
export class NotOfferedError extends SlotTakenError {
  constructor() {
    super();
    this.message = 'That time is not one of the offered times. Please pick a time from the list.';
  }
}

/** Whether `start` is one of the starts `freeSlots` offers for this input (the booking page's list). */
function isOffered(input: FreeSlotsInput, start: number): boolean {
  const day = 86_400_000;
  // Only the slots around `start` matter; the daily limit still sees every booking passed in.
  const slots = freeSlots({ ...input, from: Math.max(input.from, start - day), to: Math.min(input.to, start + 2 * day) });
  return slots.some((s) => s.start === start) && start >= input.from && start < input.to;
}

export class LinkClosedError extends Error {
  constructor(readonly status: InvitationRow['status'] | 'started') {
    super(`This link can no longer be used to book (${status})`);
  }
}

export function rulesFrom(settings: SchedulerSettings, durationMinutes: number): AvailabilityRules {
  return {
    timeZone: settings.timeZone,
    workingHours: settings.workingHours,
    dateOverrides: {},
    blockedDates: settings.blockedDates,
    durationMinutes,
    bufferBeforeMinutes: settings.bufferBeforeMinutes,
    bufferAfterMinutes: settings.bufferAfterMinutes,
    minimumNoticeMinutes: settings.minimumNoticeMinutes,
    noSameDay: settings.noSameDay,
    horizonDays: settings.horizonDays,
    dailyLimit: settings.dailyLimit,
    slotStepMinutes: settings.slotStepMinutes,
  };
}

export async function loadInvitationContext(deps: Deps, token: string): Promise<InvitationContext | undefined> {
  const invitation = await findInvitationByToken(deps.db, token);
  if (!invitation) return undefined;
  const [recruiter] = await deps.db.query<{ id: string; name: string; email: string }>(
    `select id, name, email from recruiters where id = $1`,
    [invitation.recruiter_id],
  );
  const settings = await loadSettings(deps.db, invitation.recruiter_id);
  const [booking] = await deps.db.query<BookingRow>(
    `select ${BOOKING_COLUMNS} from bookings where invitation_id = $1 and status = 'confirmed'`,
    [invitation.id],
  );
  return { invitation, status: effectiveStatus(invitation, deps.clock()), recruiter: recruiter!, settings, ...(booking ? { booking } : {}) };
}

/** First view of a link moves it from "created" to "opened" (the recruiter sees that in the popup). */
export async function markOpened(deps: Deps, ctx: InvitationContext): Promise<void> {
  if (ctx.status !== 'created') return;
  await deps.db.query(`update invitations set status = 'opened', opened_at = now() where id = $1 and status = 'created'`, [ctx.invitation.id]);
}

async function confirmedBookings(sql: Sql, recruiterId: string, range: Interval, exceptId?: string): Promise<Interval[]> {
  const rows = await sql.query<{ starts_at: Date; ends_at: Date }>(
    `select starts_at, ends_at from bookings
      where recruiter_id = $1 and status = 'confirmed' and starts_at < $3 and ends_at > $2 and id <> coalesce($4::uuid, '00000000-0000-0000-0000-000000000000'::uuid)`,
    [recruiterId, new Date(range.start), new Date(range.end), exceptId ?? null],
  );
  return rows.map((r) => ({ start: r.starts_at.getTime(), end: r.ends_at.getTime() }));
}

async function busyFromCalendars(deps: Deps, recruiterId: string, range: Interval): Promise<Interval[]> {
  const { conflicts } = await deps.calendars.forRecruiter(recruiterId);
  const lists = await Promise.all(conflicts.map((cal) => cal.busy(recruiterId, range)));
  return lists.flat();
}

export type SlotsAnswer = { slots: Interval[]; calendarError?: string };

/** Free slots of the link's recruiter for the booking page, in [now, horizon]. */
export async function slotsFor(deps: Deps, ctx: InvitationContext, viewerTimeZone: string, exceptBookingId?: string): Promise<SlotsAnswer> {
  if (panelOf(ctx)) return panelSlots(deps, ctx, viewerTimeZone, exceptBookingId);
  const now = deps.clock();
  const range = { start: now, end: now + (ctx.settings.horizonDays + 2) * DAY };
  const recruiterId = ctx.recruiter.id;
  let busy: Interval[];
  try {
    busy = await busyFromCalendars(deps, recruiterId, range);
  } catch (err) {
    // A calendar that could not be read is never treated as free.
    if (err instanceof CalendarUnavailableError) return { slots: [], calendarError: err.message };
    throw err;
  }
  const bookings = await confirmedBookings(deps.db, recruiterId, { start: range.start - DAY, end: range.end + DAY }, exceptBookingId);
  const slots = freeSlots({
    rules: rulesFrom(ctx.settings, ctx.invitation.duration_minutes),
    busy,
    bookings,
    now,
    from: range.start,
    to: range.end,
    viewerTimeZone,
  });
  return { slots };
}

/**
 * Re-checks the slot and writes the booking in one transaction. The recruiter row lock serialises
 * bookings of one recruiter across processes; the exclusion constraint is the last word.
 */
async function commitSlot(
  deps: Deps,
  ctx: InvitationContext,
  start: number,
  viewerTimeZone: string,
  write: (tx: Sql, slot: Interval) => Promise<BookingRow>,
  exceptBookingId?: string,
): Promise<BookingRow> {
  const slot = { start, end: start + ctx.invitation.duration_minutes * 60_000 };
  const window = { start: slot.start - 2 * DAY, end: slot.end + 2 * DAY };
  let busy: Interval[];
  try {
    busy = await busyFromCalendars(deps, ctx.recruiter.id, window);
  } catch (err) {
    if (err instanceof CalendarUnavailableError) throw new SlotTakenError();
    throw err;
  }
  try {
    return await deps.db.transaction(async (tx) => {
      await tx.query(`select id from recruiters where id = $1 for update`, [ctx.recruiter.id]);
      const bookings = await confirmedBookings(tx, ctx.recruiter.id, window, exceptBookingId);
      const now = deps.clock();
      const rules = rulesFrom(ctx.settings, ctx.invitation.duration_minutes);
      if (!isSlotFree({ rules, busy, bookings, now }, slot)) throw new SlotTakenError();
      // Only a time the same link would offer now, on the grid of the zone the candidate picked in.
      if (!isOffered({ rules, busy, bookings, now, from: now, to: now + (ctx.settings.horizonDays + 2) * DAY, viewerTimeZone }, slot.start)) {
        throw new NotOfferedError();
      }
      return write(tx, slot);
    });
  } catch (err) {
    if (pgErrorCode(err) === PG.exclusionViolation) throw new SlotTakenError();
    throw err;
  }
}

async function afterChange(
  deps: Deps, tx: Sql, booking: BookingRow, kind: 'booked' | 'rescheduled' | 'cancelled', message: string, previousStart?: Date,
) {
  await tx.query(`insert into notifications (recruiter_id, booking_id, kind, message) values ($1, $2, $3, $4)`, [
    booking.recruiter_id, booking.id, kind, message,
  ]);
  const v = `${booking.id}:${booking.sequence}`;
  await deps.jobs.enqueue(tx, 'calendar.sync', { bookingId: booking.id }, `calendar:${v}`);
  // Moving or cancelling the interview moves or removes its meeting (the join links stay the same).
  const [meeting] = await tx.query(`select 1 from meetings where booking_id = $1`, [booking.id]);
  if (meeting) await deps.jobs.enqueue(tx, 'video.sync', { bookingId: booking.id }, `video:${v}`);
  const previous = previousStart ? { previousStart: previousStart.toISOString() } : {};
  await deps.jobs.enqueue(tx, 'mail.booking', { bookingId: booking.id, kind, to: 'recruiter', ...previous }, `mail:recruiter:${v}`);
  if (booking.candidate_email) {
    await deps.jobs.enqueue(tx, 'mail.booking', { bookingId: booking.id, kind, to: 'candidate', ...previous }, `mail:candidate:${v}`);
  }
}

export async function book(deps: Deps, ctx: InvitationContext, form: BookingForm): Promise<BookingRow> {
  if (ctx.status !== 'created' && ctx.status !== 'opened') throw new LinkClosedError(ctx.status);
  if (panelOf(ctx)) return bookPanel(deps, ctx, form);
  const start = Date.parse(form.start);
  return commitSlot(deps, ctx, start, form.timeZone, async (tx, slot) => {
    const [inv] = await tx.query<{ status: string }>(`select status from invitations where id = $1 for update`, [ctx.invitation.id]);
    if (inv?.status !== 'created' && inv?.status !== 'opened') throw new LinkClosedError('booked');
    const [row] = await tx.query<BookingRow>(
      `insert into bookings (recruiter_id, invitation_id, starts_at, ends_at, status, candidate_name, candidate_phone,
                             candidate_email, candidate_time_zone, note)
       values ($1, $2, $3, $4, 'confirmed', $5, $6, $7, $8, $9) returning ${BOOKING_COLUMNS}`,
      [ctx.recruiter.id, ctx.invitation.id, new Date(slot.start), new Date(slot.end), form.name, normalisedPhone(form),
        form.email || null, form.timeZone, noteText(form)],
    );
    await tx.query(`update invitations set status = 'booked' where id = $1`, [ctx.invitation.id]);
    if (ctx.invitation.video_provider) await attachVideo(deps, tx, row!, ctx.recruiter, ctx.invitation.video_provider, ctx.settings.video);
    await afterChange(deps, tx, row!, 'booked', `${form.name} booked an interview on ${formatWhen(ctx.settings.timeZone, slot.start)}`);
    return row!;
  });
}

function assertChangeable(deps: Deps, ctx: InvitationContext): BookingRow {
  if (!ctx.booking) throw new LinkClosedError(ctx.status);
  if (ctx.booking.starts_at.getTime() <= deps.clock()) throw new LinkClosedError('started');
  return ctx.booking;
}

export async function reschedule(deps: Deps, ctx: InvitationContext, startIso: string, viewerTimeZone?: string): Promise<BookingRow> {
  const current = assertChangeable(deps, ctx);
  if (panelOf(ctx)) return reschedulePanel(deps, ctx, current, startIso, viewerTimeZone ?? current.candidate_time_zone);
  return commitSlot(
    deps,
    ctx,
    Date.parse(startIso),
    viewerTimeZone ?? current.candidate_time_zone,
    async (tx, slot) => {
      const [row] = await tx.query<BookingRow>(
        `update bookings set starts_at = $2, ends_at = $3, sequence = sequence + 1, updated_at = now()
          where id = $1 and status = 'confirmed' returning ${BOOKING_COLUMNS}`,
        [current.id, new Date(slot.start), new Date(slot.end)],
      );
      if (!row) throw new LinkClosedError('booked');
      await afterChange(deps, tx, row, 'rescheduled', `${row.candidate_name} moved the interview from ${formatWhen(ctx.settings.timeZone, current.starts_at)} to ${formatWhen(ctx.settings.timeZone, slot.start)}`, current.starts_at);
      return row;
    },
    current.id,
  );
}

/** Cancelling frees the slot and re-opens the link, so the candidate can pick again while it is valid. */
export async function cancel(deps: Deps, ctx: InvitationContext, by: 'candidate' | 'recruiter'): Promise<BookingRow> {
  const current = assertChangeable(deps, ctx);
  return deps.db.transaction(async (tx) => {
    const [row] = await tx.query<BookingRow>(
      `update bookings set status = 'cancelled', cancelled_at = now(), cancelled_by = $2, sequence = sequence + 1, updated_at = now()
        where id = $1 and status = 'confirmed' returning ${BOOKING_COLUMNS}`,
      [current.id, by],
    );
    if (!row) throw new LinkClosedError('booked');
    await tx.query(`update invitations set status = 'opened' where id = $1 and status = 'booked'`, [row.invitation_id]);
    const who = by === 'candidate' ? row.candidate_name : 'You';
    const panel = panelOf(ctx);
    if (panel) {
      await cancelPanelSessions(deps, tx, row, `${who} cancelled the ${panel.name} of ${formatWhen(ctx.settings.timeZone, row.starts_at)}${by === 'recruiter' ? ` with ${row.candidate_name}` : ''}`);
      return row;
    }
    await afterChange(deps, tx, row, 'cancelled', `${who} cancelled the interview of ${formatWhen(ctx.settings.timeZone, row.starts_at)}${by === 'recruiter' ? ` with ${row.candidate_name}` : ''}`);
    return row;
  });
}

export async function findBooking(sql: Sql, id: string): Promise<BookingRow | undefined> {
  const [row] = await sql.query<BookingRow>(`select ${BOOKING_COLUMNS} from bookings where id = $1`, [id]);
  return row;
}

/**
 * An interview the recruiter sets up at a time of their choosing ("Add video link" with no booking
 * yet): no availability rules apply, but it still may not overlap another confirmed interview.
 */
export async function createByRecruiter(
  deps: Deps,
  recruiter: { id: string; name: string; email: string },
  input: { invitationId: string; candidateName: string; start: number; durationMinutes: number; video: import('../../lib/schemas.js').VideoProviderId },
): Promise<BookingRow> {
  const settings = await loadSettings(deps.db, recruiter.id);
  try {
    return await deps.db.transaction(async (tx) => {
      const [row] = await tx.query<BookingRow>(
        `insert into bookings (recruiter_id, invitation_id, starts_at, ends_at, status, candidate_name, candidate_time_zone, created_by)
         values ($1, $2, $3, $4, 'confirmed', $5, $6, 'recruiter') returning ${BOOKING_COLUMNS}`,
        [recruiter.id, input.invitationId, new Date(input.start), new Date(input.start + input.durationMinutes * 60_000), input.candidateName, settings.timeZone],
      );
      await tx.query(`update invitations set status = 'booked' where id = $1 and status in ('created', 'opened')`, [input.invitationId]);
      await attachVideo(deps, tx, row!, recruiter, input.video, settings.video);
      const v = `${row!.id}:${row!.sequence}`;
      await deps.jobs.enqueue(tx, 'calendar.sync', { bookingId: row!.id }, `calendar:${v}`);
      return row!;
    });
  } catch (err) {
    if (pgErrorCode(err) === PG.exclusionViolation) throw new SlotTakenError();
    if (pgErrorCode(err) === PG.uniqueViolation) throw new LinkClosedError('booked');
    throw err;
  }
}
