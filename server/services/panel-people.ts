import type { Interval, Person, PersonRules, Weekday } from '../../lib/availability/index.js';
import type { SchedulerSettings } from '../../lib/schemas.js';
import type { Sql } from '../db.js';
import type { Deps } from '../deps.js';
import { CalendarUnavailableError } from '../providers/calendar/types.js';
import { loadSettings } from '../routes/settings.js';

/**
 * The people of a panel as the engine sees them: each one's own zone, hours, buffers, daily limit,
 * busy time and interviews. A person is known by their e-mail address; their hours and calendars
 * are those of their Parley account (made when they connect a calendar or mark their hours).
 */

const DAY = 86_400_000;

export interface PanelMember {
  id: string;
  email: string;
  name: string;
}

export interface PanelSnapshot {
  templateId: string | null;
  name: string;
  shape: 'together' | 'sequence';
  order: 'fixed' | 'free';
  gapMinutes: number;
  sessions: { name: string; durationMinutes: number; interviewers: PanelMember[]; pool: PanelMember[] }[];
  /** The recruiter shared while some interviewers were pending: those do not limit the times. */
  sharePending: boolean;
}

export function snapshotMembers(panel: PanelSnapshot): PanelMember[] {
  const seen = new Map<string, PanelMember>();
  for (const s of panel.sessions) for (const m of [...s.interviewers, ...s.pool]) if (!seen.has(m.email)) seen.set(m.email, m);
  return [...seen.values()];
}

export function personRulesFrom(settings: SchedulerSettings): PersonRules {
  return {
    timeZone: settings.timeZone,
    workingHours: settings.workingHours as unknown as Record<Weekday, { start: string; end: string }[]>,
    dateOverrides: {},
    blockedDates: settings.blockedDates,
    bufferBeforeMinutes: settings.bufferBeforeMinutes,
    bufferAfterMinutes: settings.bufferAfterMinutes,
    dailyLimit: settings.dailyLimit,
  };
}

const allDay = [{ start: '00:00', end: '24:00' }];
/** Someone who has told Parley nothing yet: only their other Parley interviews limit them. */
const OPEN_RULES: PersonRules = {
  timeZone: 'UTC',
  workingHours: { 1: allDay, 2: allDay, 3: allDay, 4: allDay, 5: allDay, 6: allDay, 7: allDay },
  dateOverrides: {},
  blockedDates: [],
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  dailyLimit: null,
};

export interface PersonAccount {
  email: string;
  account_id: string | null;
}

export async function accountsByEmail(sql: Sql, emails: string[]): Promise<Map<string, string>> {
  const rows = await sql.query<{ id: string; email: string }>(`select id, email from recruiters where email = any($1::text[])`, [emails]);
  return new Map(rows.map((r) => [r.email, r.id]));
}

/**
 * A person's interviews in a window: their own one-to-one bookings (if they are a Parley user)
 * and every panel session they sit in, for whichever recruiter. `exceptBookingId` leaves out the
 * loop being rescheduled.
 */
export async function interviewsOf(sql: Sql, email: string, accountId: string | undefined, range: Interval, exceptBookingId?: string): Promise<Interval[]> {
  const except = exceptBookingId ?? '00000000-0000-0000-0000-000000000000';
  const rows = await sql.query<{ starts_at: Date; ends_at: Date }>(
    `select starts_at, ends_at from panel_participants
      where email = $1 and active and starts_at < $3 and ends_at > $2 and booking_id <> $4::uuid
     union all
     select starts_at, ends_at from bookings
      where $5::uuid is not null and recruiter_id = $5::uuid and status = 'confirmed' and not is_panel
        and starts_at < $3 and ends_at > $2 and id <> $4::uuid`,
    [email, new Date(range.start), new Date(range.end), except, accountId ?? null],
  );
  return rows.map((r) => ({ start: r.starts_at.getTime(), end: r.ends_at.getTime() }));
}

/** Where a cache entry's busy time comes from: its read, and (where the providers have one) a change mark. */
export interface BusySource {
  load(range: Interval): Promise<Interval[]>;
  /** Changes whenever the calendars behind `load` change; undefined when a provider has no marker. */
  mark?(): Promise<string | undefined>;
}

/**
 * Busy time from a person's connected calendars, kept per process so that a booking page of a
 * five-person panel does not ask five providers on every view. A booking never uses this: it reads
 * the calendars live inside the booking path. Parley's own interviews come from its database, never from here.
 *
 * How an entry stays fresh: where every calendar behind it has a change mark (Google's calendar
 * `updated` time, a CalDAV collection's sync-token or CTag), the mark is asked again once `checkMs`
 * has passed, one cheap request per calendar, and the busy time is read again only when the mark
 * moved (and at the latest after `maxAgeMs`). Without marks (Microsoft 365), an entry lives `ttlMs`.
 * `ttlMs` 0 turns the cache off.
 */
export interface BusyCache {
  get(accountId: string, range: Interval, source: BusySource): Promise<Interval[]>;
}

interface Entry {
  range: Interval;
  loadedAt: number;
  checkedAt: number;
  /** The mark taken just before the read (undefined: the providers gave none). */
  mark: Promise<string | undefined>;
  busy: Promise<Interval[]>;
  /** A mark check in flight, shared by the views that arrive meanwhile: true when nothing changed. */
  checking?: Promise<boolean>;
}

export function createBusyCache(
  ttlMs: number,
  clock: () => number = Date.now,
  opts: { checkMs?: number; maxAgeMs?: number } = {},
): BusyCache {
  const checkMs = Math.min(opts.checkMs ?? 10_000, ttlMs);
  const maxAgeMs = Math.max(opts.maxAgeMs ?? 15 * 60_000, ttlMs);
  const entries = new Map<string, Entry>();
  const within = (list: Interval[], range: Interval) => list.filter((b) => b.end > range.start && b.start < range.end);
  const markOf = async (source: BusySource) => {
    try {
      return await source.mark?.();
    } catch {
      return undefined; // no mark: the entry lives ttlMs, and the read says what is wrong
    }
  };

  /** Reads and keeps the busy time; views arriving while it reads wait for the same read. */
  async function load(accountId: string, range: Interval, source: BusySource): Promise<Interval[]> {
    const now = clock();
    // Ask a little wider than needed, so the next views of the same horizon hit the cache.
    const wide = { start: range.start - DAY, end: range.end + 2 * DAY };
    // The mark is taken before the read: a change during the read moves it, so the next check reads again.
    const mark = markOf(source);
    const busy = mark.then(() => source.load(wide));
    entries.set(accountId, { range: wide, loadedAt: now, checkedAt: now, mark, busy });
    if (entries.size > 5000) entries.delete(entries.keys().next().value!);
    try {
      return within(await busy, range);
    } catch (err) {
      if (entries.get(accountId)?.busy === busy) entries.delete(accountId);
      throw err;
    }
  }

  /** Whether the entry still holds: its mark has not moved since it was read. */
  function unchanged(entry: Entry, mark: string, source: BusySource): Promise<boolean> {
    entry.checking ??= markOf(source)
      .then((now) => {
        if (now !== mark) return false;
        entry.checkedAt = clock();
        return true;
      })
      .finally(() => {
        entry.checking = undefined;
      });
    return entry.checking;
  }

  return {
    async get(accountId, range, source) {
      if (ttlMs <= 0) return within(await source.load(range), range);
      const hit = entries.get(accountId);
      const covers = hit !== undefined && hit.range.start <= range.start && hit.range.end >= range.end;
      if (hit && covers && clock() - hit.loadedAt < maxAgeMs) {
        const mark = await hit.mark;
        if (clock() - hit.checkedAt < (mark === undefined ? ttlMs : checkMs)) return within(await hit.busy, range);
        if (mark !== undefined && (await unchanged(hit, mark, source))) return within(await hit.busy, range);
      }
      return load(accountId, range, source);
    },
  };
}

/**
 * A person's busy time: Parley's own calendar read from the database every time, the connected
 * calendars through `cache` (when given) with their change marks. Which calendars are connected is
 * looked up only when the cache reads or checks, not on every view.
 */
export async function busyOfAccount(deps: Pick<Deps, 'calendars'>, accountId: string, range: Interval, cache?: BusyCache): Promise<Interval[]> {
  const connected = async () => (await deps.calendars.forRecruiter(accountId)).conflicts.filter((c) => c !== deps.calendars.local);
  const source: BusySource = {
    load: async (r) => (await Promise.all((await connected()).map((cal) => cal.busy(accountId, r)))).flat(),
    mark: async () => {
      const remote = await connected();
      if (!remote.every((cal) => cal.changeMark)) return undefined;
      const marks = await Promise.all(remote.map((cal) => cal.changeMark!(accountId)));
      // The calendars' ids are part of each mark: connecting, removing or unticking one moves it too.
      return marks.some((m) => m === undefined) ? undefined : marks.join('\n');
    },
  };
  const [own, other] = await Promise.all([
    deps.calendars.local.busy(accountId, range),
    cache ? cache.get(accountId, range, source) : source.load(range),
  ]);
  return [...own, ...other];
}

export class PersonCalendarError extends Error {
  constructor(readonly member: PanelMember, readonly reason: string) {
    super(`${member.name}'s calendar cannot be read: ${reason}`);
  }
}

/**
 * The engine's people for a panel, their busy time read live or through the cache. A calendar
 * that cannot be read is never "free": it raises PersonCalendarError naming whose it is.
 */
export async function loadPeople(
  deps: Pick<Deps, 'db' | 'calendars'>,
  sql: Sql,
  members: PanelMember[],
  range: Interval,
  opts: { cache?: BusyCache; exceptBookingId?: string; ownSessions?: Map<string, Interval[]> },
): Promise<{ people: Person[]; pending: PanelMember[] }> {
  const accounts = await accountsByEmail(sql, members.map((m) => m.email));
  const pending: PanelMember[] = [];
  const people = await Promise.all(
    members.map(async (m): Promise<Person> => {
      const accountId = accounts.get(m.email);
      const bookings = await interviewsOf(sql, m.email, accountId, { start: range.start - DAY, end: range.end + DAY }, opts.exceptBookingId);
      if (!accountId) {
        pending.push(m);
        return { id: m.email, rules: OPEN_RULES, busy: [], bookings };
      }
      const settings = await loadSettings(sql, accountId);
      let busy: Interval[];
      try {
        busy = await busyOfAccount(deps, accountId, range, opts.cache);
      } catch (err) {
        if (err instanceof CalendarUnavailableError) throw new PersonCalendarError(m, err.message);
        throw err;
      }
      // The loop's own events on the person's calendar must not block moving it.
      const own = opts.ownSessions?.get(m.email);
      if (own?.length) busy = busy.filter((b) => !own.some((o) => o.start === b.start && o.end === b.end));
      return { id: m.email, rules: personRulesFrom(settings), busy, bookings };
    }),
  );
  return { people, pending };
}
