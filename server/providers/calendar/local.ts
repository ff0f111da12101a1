import type { Database } from '../../db.js';
import type { CalendarProvider } from './types.js';

/** Parley's built-in calendar: busy events stored in the database. */
export function localCalendar(db: Database): CalendarProvider {
  return {
    id: 'local',
    async busy(recruiterId, range) {
      const rows = await db.query<{ starts_at: Date; ends_at: Date }>(
        `select starts_at, ends_at from busy_events
          where recruiter_id = $1 and starts_at < $3 and ends_at > $2
            -- bookings reach the engine from the bookings table itself (they also count toward the
            -- daily limit); their calendar copies would block a booking's own reschedule.
            and source <> 'booking'`,
        [recruiterId, new Date(range.start), new Date(range.end)],
      );
      return rows.map((r) => ({ start: r.starts_at.getTime(), end: r.ends_at.getTime() }));
    },
    async upsertEvent(recruiterId, event) {
      await db.query(
        `insert into busy_events (recruiter_id, starts_at, ends_at, summary, source, source_uid)
         values ($1, $2, $3, $4, 'booking', $5)
         on conflict (recruiter_id, source, source_uid)
         do update set starts_at = excluded.starts_at, ends_at = excluded.ends_at, summary = excluded.summary`,
        [recruiterId, new Date(event.start), new Date(event.end), event.summary, event.key],
      );
    },
    async deleteEvent(recruiterId, key) {
      await db.query(`delete from busy_events where recruiter_id = $1 and source = 'booking' and source_uid = $2`, [recruiterId, key]);
    },
  };
}
