import { Hono } from 'hono';
import { z } from 'zod';
import type { Interview } from '../../lib/schemas.js';
import type { AppEnv, Deps } from '../deps.js';
import { UserError, validate } from '../http.js';
import { cancel, LinkClosedError, loadInvitationContext } from '../services/bookings.js';
import { invitationUrl } from '../services/invitations.js';
import { requireRecruiter } from './auth.js';

interface Row {
  id: string; starts_at: Date; ends_at: Date; candidate_name: string; candidate_email: string | null; candidate_phone: string;
  candidate_time_zone: string; note: string | null; status: 'confirmed' | 'cancelled'; token_sealed: string;
}
const IdParam = z.object({ id: z.uuid('Unknown interview id') });
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** The recruiter's interviews (for the popup) and the recruiter's own cancel. */
export function interviewRoutes(deps: Deps) {
  const { db, clock } = deps;
  return new Hono<AppEnv>()
    .use(requireRecruiter(deps))
    .get('/', validate('query', ListQuery), async (c) => {
      const rows = await db.query<Row>(
        `select b.id, b.starts_at, b.ends_at, b.candidate_name, b.candidate_email, b.candidate_phone, b.candidate_time_zone,
                b.note, b.status, i.token_sealed
           from bookings b join invitations i on i.id = b.invitation_id
          where b.recruiter_id = $1 and b.status = 'confirmed' and b.ends_at > $2
          order by b.starts_at limit $3`,
        [c.get('recruiter').id, new Date(clock()), c.req.valid('query').limit],
      );
      const interviews: Interview[] = rows.map((r) => ({
        id: r.id, start: r.starts_at.toISOString(), end: r.ends_at.toISOString(), candidateName: r.candidate_name,
        candidateEmail: r.candidate_email, candidatePhone: r.candidate_phone, candidateTimeZone: r.candidate_time_zone,
        note: r.note, status: r.status, link: invitationUrl(deps, deps.sealer.open(r.token_sealed)),
      }));
      return c.json({ interviews });
    })
    .post('/:id/cancel', validate('param', IdParam), async (c) => {
      const [row] = await db.query<{ token_sealed: string }>(
        `select i.token_sealed from bookings b join invitations i on i.id = b.invitation_id where b.id = $1 and b.recruiter_id = $2`,
        [c.req.valid('param').id, c.get('recruiter').id],
      );
      if (!row) throw new UserError(404, 'No such interview');
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
      const rows = await deps.db.query<{ id: string; kind: 'booked' | 'rescheduled' | 'cancelled'; message: string; created_at: Date; read_at: Date | null }>(
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
