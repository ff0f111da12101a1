import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { BusyEventInputSchema } from '../../lib/schemas.js';
import { IcsParseError, parseIcsBusy } from '../calendar/ics-import.js';
import type { AppEnv, Deps } from '../deps.js';
import { UserError, validate } from '../http.js';
import { loadSettings } from './settings.js';
import { requireRecruiter } from './auth.js';

const RangeQuery = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: '"to" must be after "from"', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000, { message: 'Ask for at most 400 days at once', path: ['to'] });

const IdParam = z.object({ id: z.uuid('Unknown event id') });
const MAX_ICS_BYTES = 2 * 1024 * 1024;

interface EventRow { id: string; starts_at: Date; ends_at: Date; summary: string; source: string }
const toJson = (r: EventRow) => ({ id: r.id, start: r.starts_at.toISOString(), end: r.ends_at.toISOString(), summary: r.summary, source: r.source });

/** Parley's built-in calendar, edited by the recruiter: list, add, remove, import an .ics file. */
export function calendarRoutes(deps: Deps) {
  const { db, clock } = deps;
  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .get('/events', validate('query', RangeQuery), async (c) => {
      const { from, to } = c.req.valid('query');
      const rows = await db.query<EventRow>(
        `select id, starts_at, ends_at, summary, source from busy_events
          where recruiter_id = $1 and starts_at < $3 and ends_at > $2 order by starts_at limit 5000`,
        [c.get('recruiter').id, new Date(from), new Date(to)],
      );
      return c.json({ events: rows.map(toJson) });
    })
    .post('/events', validate('json', BusyEventInputSchema), async (c) => {
      const e = c.req.valid('json');
      const [row] = await db.query<EventRow>(
        `insert into busy_events (recruiter_id, starts_at, ends_at, summary, source) values ($1, $2, $3, $4, 'manual')
         returning id, starts_at, ends_at, summary, source`,
        [c.get('recruiter').id, new Date(e.start), new Date(e.end), e.summary],
      );
      return c.json({ event: toJson(row!) }, 201);
    })
    .delete('/events/:id', validate('param', IdParam), async (c) => {
      const rows = await db.query(`delete from busy_events where id = $1 and recruiter_id = $2 and source <> 'booking' returning id`, [
        c.req.valid('param').id,
        c.get('recruiter').id,
      ]);
      if (!rows.length) throw new UserError(404, 'No such event in your Parley calendar (interviews are cancelled, not deleted)');
      return c.json({ ok: true });
    })
    .post('/import', bodyLimit({ maxSize: MAX_ICS_BYTES, onError: () => { throw new UserError(413, 'The .ics file is larger than 2 MB'); } }), async (c) => {
      const text = await c.req.text();
      if (!text.trim()) throw new UserError(400, 'The .ics file is empty');
      const recruiterId = c.get('recruiter').id;
      const settings = await loadSettings(db, recruiterId);
      const now = clock();
      const window = { from: now - 30 * 86_400_000, to: now + 400 * 86_400_000 };
      let events;
      try {
        events = parseIcsBusy(text, window, settings.timeZone);
      } catch (err) {
        if (err instanceof IcsParseError) throw new UserError(400, err.message);
        throw err;
      }
      await db.transaction(async (tx) => {
        for (const e of events) {
          // Re-importing the same file updates instead of duplicating: one row per UID and instance.
          await tx.query(
            `insert into busy_events (recruiter_id, starts_at, ends_at, summary, source, source_uid)
             values ($1, $2, $3, $4, 'import', $5)
             on conflict (recruiter_id, source, source_uid) do update set starts_at = excluded.starts_at, ends_at = excluded.ends_at, summary = excluded.summary`,
            [recruiterId, new Date(e.start), new Date(e.end), e.summary ?? '', `${e.uid}#${e.start}`],
          );
        }
      });
      return c.json({ imported: events.length });
    });
}
